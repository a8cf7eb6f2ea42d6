"""Write an evaluation run as `report.json`, `report.md` and a self-contained `report.html` (plots inline).

>>> paths = write_reports(report.to_dict(), Path("runs/2026-05-01"))  # doctest: +SKIP
>>> sorted(paths)  # doctest: +SKIP
['html', 'json', 'md']

The renderers read the report's dict (as `report.json` holds it), so an old run can be rendered again.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.metrics import CUTOFF
from assistant.evaluation.runner import (
    SUMMARY_COUNTS,
    WRITER_METRICS,
    depth_of,
    retrieval_metrics,
    run_k,
    summary_metrics,
)


def group_columns(k: int = CUTOFF) -> tuple[str, ...]:
    """The columns of the by-tag, by-jurisdiction and by-kind tables of a run with `-k k`."""
    depth = depth_of(k)
    retrieval = tuple(n for n in retrieval_metrics(k) if n != "hit@3" or depth == 3)
    return ("n_items", *retrieval, "answer_f1", "rouge_l", "citation_precision", "key_fact_recall",
            "unsupported_answer_rate", "abstention_f1", "wrongly_abstained_rate", "latency_p50_ms")


def plotted_metrics(k: int = CUTOFF) -> tuple[str, ...]:
    """The metrics drawn in the groups' bar charts."""
    depth = depth_of(k)
    return (f"hit@{depth}", f"MRR@{depth}", f"nDCG@{depth}", f"evidence_recall@{depth}", "answer_f1",
            "key_fact_recall")


GROUP_COLUMNS = group_columns()
PLOTTED_METRICS = plotted_metrics()
# The grouped sections of a report: title, summary key; each table has GROUP_COLUMNS and a bar chart.
GROUP_SECTIONS = (("By jurisdiction", "by_jurisdiction"), ("By answer kind", "by_kind"), ("By tag", "by_tag"))
WORST_ITEMS = 10
_QUESTION_WIDTH = 90


def write_reports(report: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write the three files into `out_dir` (created if needed); returns their paths by format."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths


def load_report(path: Path) -> dict[str, Any]:
    """A `report.json` written earlier; raises ValueError when the file is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the report: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("summary"), dict) or "overall" not in data["summary"]:
        raise ValueError(f"{path}: not an evaluation report (no summary.overall)")
    return data


def format_value(name: str, value: Any) -> str:
    """A metric value as the tables show it: counts as integers, latency in whole ms, scores to 3 places."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.startswith("n_") or name == "citations_not_in_passages" or isinstance(value, int):
        return str(int(value))
    if name.endswith("_ms"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def worst_items(items: Sequence[dict[str, Any]], n: int = WORST_ITEMS, k: int = CUTOFF) -> list[dict[str, Any]]:
    """The answerable items that did worst: lowest nDCG@k, then lowest answer F1 (undefined counts as 0)."""
    ndcg = f"nDCG@{depth_of(k)}"
    scored = [i for i in items if i.get("answerable") and not i.get("error")]
    return sorted(scored, key=lambda i: (i.get(ndcg) or 0.0, i.get("answer_f1") or 0.0, i["id"]))[:n]


def missed_key_facts(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answerable items whose answer left out some of their key facts, fewest found first."""
    missed = [i for i in items if not i.get("error") and i.get("key_fact_recall") is not None
              and i["key_fact_recall"] < 1.0]
    return sorted(missed, key=lambda i: (i["key_fact_recall"], i["id"]))


def abstention_mistakes(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items answered though the corpus does not answer them, and answerable items abstained on."""
    return [i for i in items if not i.get("error") and i.get("abstained") is not None
            and bool(i["abstained"]) == bool(i.get("answerable"))]


# --- Markdown --------------------------------------------------------------------------------------------------

def render_markdown(report: dict[str, Any]) -> str:
    summary, items = report["summary"], report.get("items", [])
    run = summary.get("run", {})
    k = run_k(summary)
    ndcg = f"nDCG@{depth_of(k)}"
    lines = ["# policyqa evaluation", ""]
    if run:
        lines += [", ".join(f"{k}: {_md(v)}" for k, v in run.items() if not isinstance(v, (list, dict))), ""]
    lines += ["## Overall", "", "| metric | value |", "|---|---:|"]
    overall = summary["overall"]
    for name in SUMMARY_COUNTS + summary_metrics(k):
        if name in overall:
            lines.append(f"| {name} | {format_value(name, overall[name])} |")
    for title, key in GROUP_SECTIONS:
        lines += ["", f"## {title}", "", *_md_groups(summary.get(key) or {}, group_columns(k))]
    lines += ["", "## By writer", "", *_md_groups(summary.get("by_writer") or {}, WRITER_METRICS)]
    lines += ["", "## Worst items", "", _worst_note(items, k), "",
              f"| id | tags | first relevant rank | {ndcg} | answer_f1 | question |", "|---|---|---:|---:|---:|---|"]
    for item in worst_items(items, k=k):
        lines.append(f"| {_md(item['id'])} | {_md(', '.join(item.get('tags', [])))} | "
                     f"{format_value('rank', item.get('first_relevant_rank'))} | "
                     f"{format_value(ndcg, item.get(ndcg))} | "
                     f"{format_value('answer_f1', item.get('answer_f1'))} | {_md(_shorten(item['question']))} |")
    missed = missed_key_facts(items)
    lines += ["", "## Missed key facts", ""]
    if missed:
        lines += ["| id | key_fact_recall | missing | question |", "|---|---:|---|---|"]
        for item in missed:
            recall = format_value("key_fact_recall", item["key_fact_recall"])
            missing = "; ".join(item.get("key_facts_missing") or [])
            question = _md(_shorten(item["question"]))
            lines.append(f"| {_md(item['id'])} | {recall} | {_md(missing)} | {question} |")
    else:
        lines.append("_None._")
    mistakes = abstention_mistakes(items)
    lines += ["", "## Abstention mistakes", ""]
    if mistakes:
        lines += ["| id | should abstain | abstained | question |", "|---|---|---|---|"]
        for item in mistakes:
            lines.append(f"| {_md(item['id'])} | {format_value('', not item.get('answerable'))} | "
                         f"{format_value('', item.get('abstained'))} | {_md(_shorten(item['question']))} |")
    else:
        lines.append("_None._")
    failed = [i for i in items if i.get("error")]
    dataset_errors = run.get("dataset_errors") or []
    if failed or dataset_errors:
        lines += ["", "## Errors", ""]
        lines += [f"- {_md(i['id'])}: {_md(i['error'])}" for i in failed]
        lines += [f"- eval set {_md(e)}" for e in dataset_errors]
    return "\n".join(lines) + "\n"


def _md_groups(groups: dict[str, dict[str, Any]], columns: Sequence[str]) -> list[str]:
    if not groups:
        return ["_No item carries such a tag._"]
    lines = ["| group | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for group, values in groups.items():
        lines.append(f"| {_md(group)} | " + " | ".join(format_value(c, values.get(c)) for c in columns) + " |")
    return lines


def _worst_note(items: Sequence[dict[str, Any]], k: int = CUTOFF) -> str:
    depth = depth_of(k)
    missed = sum(1 for i in items if i.get("answerable") and i.get(f"nDCG@{depth}") == 0.0)
    return (f"Lowest nDCG@{depth}, then lowest answer F1; {missed} answerable item(s) have no evidence in the "
            f"top {depth} (first relevant rank n/a).")


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _shorten(text: str, width: int = _QUESTION_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- HTML ------------------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;display:block;margin:.5rem 0 1.5rem}details{margin:.25rem 0}
.bad{background:#fde8e8}.note{color:#666}
"""


def render_html(report: dict[str, Any]) -> str:
    """One HTML file with no external resource: tables, and plots as base64 PNG; every text escaped."""
    summary, items = report["summary"], report.get("items", [])
    run = summary.get("run", {})
    k = run_k(summary)
    ndcg = f"nDCG@{depth_of(k)}"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>policyqa evaluation</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>policyqa evaluation</h1>"]
    if run:
        parts.append('<p class="note">' + _e(", ".join(f"{k}: {v}" for k, v in run.items()
                                                         if not isinstance(v, (list, dict)))) + "</p>")
    overall = summary["overall"]
    names = [n for n in SUMMARY_COUNTS + summary_metrics(k) if n in overall]
    parts += ["<h2>Overall</h2>", _html_table(["metric", "value"],
                                               [[n, format_value(n, overall[n])] for n in names])]
    for title, key in GROUP_SECTIONS:
        groups = summary.get(key) or {}
        parts += [f"<h2>{_e(title)}</h2>", _html_groups(groups, group_columns(k))]
        if groups:
            parts.append(_img(plot_groups(groups, f"Metrics {title.lower()}", plotted_metrics(k)),
                              f"Metrics {title.lower()}"))
    parts += ["<h2>By writer</h2>", _html_groups(summary.get("by_writer") or {}, WRITER_METRICS)]
    latencies = [float(i["latency_ms"]) for i in items if not i.get("error") and i.get("latency_ms") is not None]
    parts.append("<h2>Latency</h2>")
    if latencies:
        parts.append(_img(plot_latency(latencies), "Latency per question (ms)"))
    parts += ["<h2>Worst items</h2>", f'<p class="note">{_e(_worst_note(items, k))}</p>', _html_table(
        ["id", "tags", "first relevant rank", ndcg, "answer_f1", "question"],
        [[i["id"], ", ".join(i.get("tags", [])), format_value("rank", i.get("first_relevant_rank")),
          format_value(ndcg, i.get(ndcg)), format_value("answer_f1", i.get("answer_f1")), i["question"]]
         for i in worst_items(items, k=k)])]
    parts += ["<h2>Missed key facts</h2>", _html_table(
        ["id", "key_fact_recall", "missing", "question"],
        [[i["id"], format_value("key_fact_recall", i["key_fact_recall"]),
          "; ".join(i.get("key_facts_missing") or []), i["question"]] for i in missed_key_facts(items)])]
    parts += ["<h2>Abstention mistakes</h2>", _html_table(
        ["id", "should abstain", "abstained", "question"],
        [[i["id"], format_value("", not i.get("answerable")), format_value("", i.get("abstained")), i["question"]]
         for i in abstention_mistakes(items)])]
    parts += ["<h2>All items</h2>"] + [_item_details(i, k) for i in items]
    dataset_errors = run.get("dataset_errors") or []
    if dataset_errors:
        parts += ["<h2>Eval set errors</h2>", "<ul>"] + [f"<li>{_e(e)}</li>" for e in dataset_errors] + ["</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_groups(groups: dict[str, dict[str, Any]], columns: Sequence[str]) -> str:
    if not groups:
        return '<p class="note">No item carries such a tag.</p>'
    return _html_table(["group", *columns], [[g] + [format_value(c, v.get(c)) for c in columns]
                                             for g, v in groups.items()])


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if not rows:
        return '<p class="note">None.</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{_e(c)}</td>' if _numeric(c) else f"<td>{_e(c)}</td>" for c in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _numeric(cell: Any) -> bool:
    try:
        float(str(cell))
    except ValueError:
        return False
    return True


def _item_details(item: dict[str, Any], k: int = CUTOFF) -> str:
    depth = depth_of(k)
    flag = ' class="bad"' if item.get("error") or item.get(f"hit@{depth}") == 0.0 else ""
    names = ("hit@1", *retrieval_metrics(k)[-6:], "answer_f1", "rouge_l", "citation_precision", "key_fact_recall")
    metrics = ", ".join(f"{n}: {format_value(n, item.get(n))}" for n in dict.fromkeys(names)
                        if item.get(n) is not None)
    reference = (item.get("reference") or "") if item.get("answerable") else "(none: the assistant should abstain)"
    rows = [["question", item["question"]], ["reference", reference],
            ["key facts", "; ".join(item.get("key_facts") or [])],
            ["missing key facts", "; ".join(item.get("key_facts_missing") or [])],
            ["answer", item.get("answer") or ""], ["abstained", format_value("", item.get("abstained"))],
            ["writer", f"{item.get('writer') or ''} (sentences removed: {item.get('removed_sentences') or 0})"],
            ["metrics", metrics], ["latency ms", format_value("latency_ms", item.get("latency_ms"))],
            ["timings", ", ".join(f"{k}: {v}" for k, v in item.get("timings_ms", {}).items())]]
    if item.get("error"):
        rows.append(["error", item["error"]])
    rows += [[f"evidence ({e['doc']}, p. {e.get('page')})", e["quote"]] for e in item.get("evidence", [])]
    rows += [[f"[{c['n']}] {c['doc_id']} p. {c['page_start']}", c.get("quote", "")]
             for c in item.get("citations", [])]
    rows += [[f"#{p['rank']} {p['doc_id']} p. {p['page_start']}", _shorten(p["text"], 300)]
             for p in item.get("passages", [])]
    return (f"<details{flag}><summary>{_e(item['id'])}: {_e(_shorten(item['question']))}</summary>"
            f"{_html_table(['', ''], rows)}</details>")


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


# --- plots (matplotlib's object API on the Agg canvas: no pyplot, no global backend switch) ---------------------

def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _label(text: str) -> str:
    return text.replace("$", r"\$")  # a `$` would start matplotlib mathtext


def plot_groups(groups: dict[str, dict[str, Any]], title: str,
                metric_names: Sequence[str] = PLOTTED_METRICS) -> bytes:
    """Grouped bar chart: one cluster per group with answerable items, one bar per metric (n/a drawn as 0)."""
    names = [g for g, values in groups.items() if values.get("n_answerable", 1)] or list(groups)
    figure = _figure(min(11.0, max(6.0, 3.0 + 0.7 * len(names))), 3.6)
    axes = figure.add_subplot()
    width = 0.8 / len(metric_names)
    for offset, metric in enumerate(metric_names):
        values = [float(groups[g].get(metric) or 0.0) for g in names]
        positions = [i + (offset - (len(metric_names) - 1) / 2) * width for i in range(len(names))]
        axes.bar(positions, values, width=width, label=_label(metric))
    axes.set_xticks(range(len(names)), [_label(f"{g} (n={groups[g].get('n_items', '?')})") for g in names],
                    rotation=30 if len(names) > 5 else 0, ha="right" if len(names) > 5 else "center")
    axes.set_ylim(0, 1.05)
    axes.set_title(_label(title))
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def plot_latency(latencies_ms: Sequence[float]) -> bytes:
    """Histogram of total latency per question, with the p50 and p95 marked."""
    from assistant.evaluation.metrics import percentile

    figure = _figure(6.0, 3.2)
    axes = figure.add_subplot()
    axes.hist(latencies_ms, bins=min(30, max(5, len(latencies_ms) // 3)), color="#4c72b0")
    for q, style in ((50, "--"), (95, ":")):
        value = percentile(latencies_ms, q)
        if value is not None:
            axes.axvline(value, color="#c44e52", linestyle=style, label=f"p{q} = {value:.0f} ms")
    axes.set_xlabel("total ms per question")
    axes.set_ylabel("questions")
    axes.set_title("Latency")
    axes.legend(fontsize="small")
    return _png(figure)
