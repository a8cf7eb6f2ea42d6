"""The `compare` verb: one column per jurisdiction on a topic, as text, JSON, Markdown, CSV or an HTML page, each
column under a one-sentence summary when an answer model is installed; `--eval FILE` scores the comparison
against a gold set instead.

>>> main(["compare", "human oversight", "--jurisdictions", "eu,us", "--md"])  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
import io
import json
import sys
from pathlib import Path

import click

from assistant.compare import (
    NOT_ADDRESSED,
    Column,
    Comparison,
    compare,
    indexed_document_facts,
    instruments_of,
)
from assistant.compare_summary import summarise
from assistant.evaluation.compare_eval import evaluate_compare, load_compare_gold
from assistant.pipeline import Assistant
from index.embed import ModelNotFoundError, use_query_threads
from index.layout import IndexMismatchError, IndexNotBuiltError
from ingest.errors import ManifestError
from ingest.manifest import load_registry
from ingest.models import Chunk
from ingest.settings import Settings


@click.command(name="compare")
@click.argument("topic", required=False, default="")
@click.option("--jurisdictions", default="", metavar="J1,J2",
              help="Columns, in order (default: the manifest's jurisdictions in its order; unknown for documents "
                   "outside them).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--md", "as_md", is_flag=True, help="Print a Markdown table.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: one row per cited sentence or empty column.")
@click.option("--html", "html_file", type=click.Path(path_type=Path), default=None,
              help="Write a self-contained HTML page to this file.")
@click.option("--no-summary", "no_summary", is_flag=True,
              help="Skip the one-sentence summaries the answer model writes over each column (when one is installed).")
@click.option("--eval", "eval_file", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="Score compare against a gold file (corpus/eval/compare-gold.jsonl) instead of comparing TOPIC.")
@click.pass_obj
def compare_command(settings: Settings, topic: str, jurisdictions: str, as_json: bool, as_md: bool, as_csv: bool,
                    html_file: Path | None, no_summary: bool, eval_file: Path | None) -> None:
    """Compare how each jurisdiction's own documents treat TOPIC: up to three cited sentences a column, or "not
    addressed in the indexed documents" with the closest passage. Each column lists its documents' instrument
    types (binding law, executive order, report, …). With an answer model installed (`policyqa model list`),
    a one-sentence summary of each column's cited sentences is shown above it when it passes the citation
    check (--no-summary skips them)."""
    if sum((as_json, as_md, as_csv)) > 1:
        raise click.UsageError("choose one of --json, --md and --csv")
    if not eval_file and not topic.strip():
        raise click.UsageError("give a TOPIC to compare (or --eval FILE)")
    try:
        registry = load_registry(settings.manifest_path)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc
    wanted = tuple(j.strip() for j in jurisdictions.split(",") if j.strip()) or registry.declared
    unknown = [j for j in wanted if j not in registry.codes]
    if unknown or not wanted:
        raise click.BadParameter(f"unknown jurisdiction(s) {', '.join(unknown) or '(none given)'}; valid "
                                 f"jurisdictions are: {', '.join(registry.codes)}", param_hint="--jurisdictions")
    try:
        use_query_threads()  # one thread: two spin against any other busy process (README, Benchmarks)
        assistant = Assistant.load(settings)
        documents = indexed_document_facts(assistant)
    except IndexNotBuiltError:
        click.echo(f"Error: no index in {settings.index_dir}: run `policyqa index build` first.", err=True)
        sys.exit(1)
    except (IndexMismatchError, ModelNotFoundError, ManifestError, ValueError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    if eval_file is not None:
        try:
            cases = load_compare_gold(eval_file, assistant.registry.codes)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        report = evaluate_compare(assistant, cases, documents)
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if as_json else report.summary())
        return
    comparison = compare(assistant, topic, wanted, documents)
    if not no_summary:
        comparison = summarise(assistant, comparison)
    if html_file is not None:
        html_file.write_text(to_html(comparison), encoding="utf-8")
        click.echo(f"Wrote {html_file}", err=True)
    if as_json:
        click.echo(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    elif as_md:
        click.echo(to_markdown(comparison))
    elif as_csv:
        click.echo(to_csv(comparison), nl=False)
    elif html_file is None:
        click.echo(to_text(comparison))


def _instruments(column: Column) -> str:
    return instruments_of(column.documents) or "no indexed documents"


def reference(column: Column, chunk: Chunk, printed: str) -> str:
    """Document, its instrument, the printed pages ("p. 12", "88 FR 75223") and the section."""
    kind = column.instrument_of(chunk.doc_id)
    return f"{chunk.doc_id}{f' ({kind})' if kind else ''}, {printed}, {chunk.section or '(no section)'}"


def summary_line(column: Column) -> str:
    """The column's summary, or why it has none ("" when no summary was asked or the column has no evidence)."""
    if column.summary is None:
        return ""
    return f"Summary: {column.shown_summary}" if column.shown_summary else f"(no summary: {column.summary.dropped})"


def _lines(column: Column) -> list[str]:
    """The column as lines of text: its summary, sentences then sources, or the notice and the closest passage."""
    if not column.addressed:
        lines = [NOT_ADDRESSED + "."]
        if column.closest is not None:
            c = column.closest.chunk
            lines.append(f"Closest passage: {reference(column, c, c.printed_pages())}: "
                         f"{excerpt(c.text)}")
        return lines
    lines = [line for line in [summary_line(column)] if line]
    lines += [s.text + "".join(f" [{n}]" for n in s.citations) for s in column.sentences]
    for citation in column.citations:
        lines.append(f"[{citation.n}] {reference(column, citation.passage.chunk, citation.printed_pages)}")
    return lines


def excerpt(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def to_text(comparison: Comparison) -> str:
    out = [f"Topic: {comparison.topic}", ""]
    for column in comparison.columns:
        out.append(f"== {column.name} ({_instruments(column)})")
        out += [f"  {line}" for line in _lines(column)]
        out.append("")
    out.append(f"{len(comparison.columns)} jurisdictions in {comparison.elapsed_ms:.0f} ms")
    if comparison.summaries:
        written = sum(c.summary.elapsed_ms for c in comparison.columns if c.summary is not None)
        out.append(f"{comparison.summaries}" + (f" ({written / 1000:.1f} s)" if written else ""))
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(comparison: Comparison) -> str:
    """One table: a row of jurisdictions, a row of instrument types, a row of evidence (under its summary);
    then what became of the summaries, when they were asked for."""
    columns = comparison.columns
    rows = [
        [c.name for c in columns],
        ["---"] * len(columns),
        [f"*{_instruments(c)}*" for c in columns],
        ["<br>".join(_lines(c)) for c in columns],
    ]
    table = ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    note = f"\n\n*{_md_cell(comparison.summaries)}*" if comparison.summaries else ""
    return f"**Topic:** {_md_cell(comparison.topic)}\n\n" + "\n".join(table) + note


CSV_FIELDS = ("jurisdiction", "instruments", "addressed", "sentence", "n", "doc_id", "instrument", "page_start",
              "page_end", "section", "quote", "summary")


def to_csv(comparison: Comparison) -> str:
    """One row per cited sentence's source; a column not addressed gives one row with its closest passage."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for column in comparison.columns:
        base = {"jurisdiction": column.jurisdiction, "instruments": _instruments(column),
                "addressed": "yes" if column.addressed else "no", "summary": column.shown_summary}
        if not column.addressed:
            row = {**base, "sentence": NOT_ADDRESSED}
            if column.closest is not None:
                c = column.closest.chunk
                row.update(doc_id=c.doc_id, instrument=column.instrument_of(c.doc_id), page_start=c.page_start,
                           page_end=c.page_end, section=c.section, quote=excerpt(c.text))
            writer.writerow(row)
            continue
        citations = {c.n: c for c in column.citations}
        for sentence in column.sentences:
            for n in sentence.citations:
                c = citations[n].passage.chunk
                writer.writerow({**base, "sentence": sentence.text, "n": n, "doc_id": c.doc_id,
                                 "instrument": column.instrument_of(c.doc_id), "page_start": c.page_start,
                                 "page_end": c.page_end, "section": c.section, "quote": citations[n].quote})
    return buffer.getvalue()


_STYLE = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%;table-layout:fixed}"
          "td,th{border:1px solid #ccc;padding:.6em;vertical-align:top}th{background:#f3f3f3}"
          ".kind{color:#555;font-style:italic;font-weight:normal;display:block}.none{color:#9a3412}"
          ".src{font-size:.85em;color:#444}.summary{font-weight:bold}.nosum{color:#555;font-size:.85em}blockquote{margin:.4em 0;padding-left:.6em;border-left:3px solid #ddd}")


def to_html(comparison: Comparison) -> str:
    """A self-contained page; every piece of document text is escaped."""
    e = html.escape
    heads = "".join(f"<th>{e(c.name)}<span class=kind>{e(_instruments(c))}"
                    f"</span></th>" for c in comparison.columns)
    cells = []
    for column in comparison.columns:
        if not column.addressed:
            body = f"<p class=none>{e(NOT_ADDRESSED)}.</p>"
            if column.closest is not None:
                c = column.closest.chunk
                body += (f"<p class=src>Closest passage: {e(reference(column, c, c.printed_pages()))}"
                         f"</p><blockquote>{e(excerpt(c.text))}</blockquote>")
        else:
            body = _summary_html(column)
            body += "".join(f"<p>{e(s.text)} {''.join(f'<sup>[{n}]</sup>' for n in s.citations)}</p>"
                            for s in column.sentences)
            body += "".join(f"<p class=src>[{cit.n}] {e(reference(column, cit.passage.chunk, cit.printed_pages))}</p>"
                            for cit in column.citations)
        cells.append(f"<td>{body}</td>")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>policyqa compare: {e(comparison.topic)}"
            f"</title><style>{_STYLE}</style></head><body><h1>{e(comparison.topic)}</h1>"
            f"<table><tr>{heads}</tr><tr>{''.join(cells)}</tr></table></body></html>\n")


def _summary_html(column: Column) -> str:
    if column.summary is None:
        return ""
    if not column.shown_summary:
        return f"<p class=nosum>(no summary: {html.escape(column.summary.dropped)})</p>"
    marks = "".join(f"<sup>[{n}]</sup>" for n in column.summary.citations)
    return f"<p class=summary>{html.escape(column.summary.text)} {marks}</p>"
