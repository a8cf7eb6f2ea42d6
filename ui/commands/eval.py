"""The `eval` verb: run an evaluation set through the `ask` pipeline (or the LangChain baseline) and report."""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from assistant.evaluation.compare import compare_summaries, format_deltas
from assistant.evaluation.dataset import EvalItem, EvalSetError, load_eval_set
from assistant.evaluation.metrics import CUTOFF
from assistant.evaluation.report import format_value, load_report, write_reports
from assistant.evaluation.runner import (
    SUMMARY_COUNTS,
    WRITER_METRICS,
    AnswerFn,
    evaluate,
    run_k,
    summary_metrics,
)
from assistant.pipeline import GENERATORS, Assistant
from index.embed import use_query_threads
from index.layout import IndexMismatchError, IndexNotBuiltError
from index.models import SearchFilters
from ingest.errors import ManifestError
from ingest.registry import UNKNOWN
from ingest.settings import Settings
from ui.commands.filters import DOC_HELP, JURISDICTION_HELP, parse_filters, registry_codes

PIPELINES = ("default", "langchain-baseline")


@click.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-k", "--top-k", "k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Passages retrieved per question; retrieval metrics read the top k, at most 10, and are "
                   "named by it (-k 5: hit@5, MRR@5, nDCG@5).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for report.json, report.md and report.html (default: <data-dir>/eval/<set>-<time>).")
@click.option("--pipeline", type=click.Choice(PIPELINES), default="default", show_default=True,
              help="default: the pipeline `ask` uses; langchain-baseline: the tutorial LangChain recipe.")
@click.option("--compare", "compare_with", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="An earlier report.json: print each summary metric's old, new and delta.")
@click.option("--generator", type=click.Choice(GENERATORS), default=None,
              help="Answer writer, as for `ask` (default: the generator setting).")
@click.option("--jurisdiction", default=None, help=JURISDICTION_HELP)
@click.option("--doc", default=None, help=DOC_HELP)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N items of FILE.")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="Only N items of FILE drawn at random (the same ones for the same --seed), in file order.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.pass_obj
def eval_command(settings: Settings, file: Path, k: int, out: Path | None, pipeline: str,
                 compare_with: Path | None, generator: str | None, jurisdiction: str | None,
                 doc: str | None, limit: int | None, sample: int | None, seed: int) -> None:
    """Evaluate retrieval, answers, citations and abstention on FILE, and write the reports.

    FILE is a JSON Lines evaluation set (one item a line: id, question, answer or null, evidence
    [{doc, page, quote}], tags) or a CSV with question and answer columns. Malformed lines are reported
    with their line number and the others still run. FILE may also be a report.json of an earlier run:
    nothing is asked then; its summary is printed (and compared, with --compare).

    --limit N runs the first N items, --sample N a reproducible random N of them (--seed S).

    Exits with status 1 when a question failed or an answer cited a passage it was not given.
    """
    if limit is not None and sample is not None:
        raise click.BadParameter("give --limit or --sample, not both", param_hint="--sample")
    filters = parse_filters(jurisdiction, doc, registry_codes(settings))
    old = _load_report(compare_with) if compare_with is not None else None  # refuse a bad one before running
    if file.suffix.lower() == ".json":
        report = _load_report(file)
        if out is not None:
            write_reports(report, out)
    else:
        report = _run(settings, file, k, out, pipeline, generator, filters, Subset(limit, sample, seed))
    click.echo(summary_table(report["summary"]["overall"], run_k(report["summary"])))
    writers = report["summary"].get("by_writer") or {}
    if writers:
        click.echo("\nBy writer:\n" + writer_table(writers))
    if old is not None:
        click.echo(f"\nChange from {compare_with} (new − old):")
        click.echo(format_deltas(compare_summaries(old["summary"], report["summary"])))
    overall = report["summary"]["overall"]
    if overall.get("n_errors"):
        click.echo(f"ERROR {overall['n_errors']} question(s) failed; see the reports", err=True)
    if overall.get("citations_not_in_passages"):
        click.echo(f"ERROR {overall['citations_not_in_passages']} citation(s) point to passages the answer "
                   "was not given", err=True)
    if overall.get("n_errors") or overall.get("citations_not_in_passages"):
        sys.exit(1)


@dataclass(frozen=True)
class Subset:
    """Which items of the set to run: the first `limit`, or `sample` drawn with `seed`, or all."""

    limit: int | None = None
    sample: int | None = None
    seed: int = 0

    def of(self, items: Sequence[EvalItem]) -> list[EvalItem]:
        """The chosen items in file order; the same seed draws the same sample.

        >>> [i.id for i in Subset(sample=2, seed=1).of([EvalItem(str(n), "q?", None) for n in range(5)])]
        ['0', '1']
        """
        if self.limit is not None:
            return list(items[: self.limit])
        if self.sample is not None and self.sample < len(items):
            chosen = set(random.Random(self.seed).sample(range(len(items)), self.sample))
            return [item for n, item in enumerate(items) if n in chosen]
        return list(items)

    def to_dict(self) -> dict[str, Any]:
        if self.limit is not None:
            return {"limit": self.limit}
        return {"sample": self.sample, "seed": self.seed} if self.sample is not None else {}


def _run(settings: Settings, file: Path, k: int, out: Path | None, pipeline: str, generator: str | None,
         filters: SearchFilters, subset: Subset) -> dict[str, Any]:
    try:
        all_items, errors = load_eval_set(file)
    except EvalSetError as exc:
        raise click.ClickException(str(exc)) from exc
    for error in errors:
        click.echo(f"ERROR {file}: {error}", err=True)
    if not all_items:
        raise click.ClickException(f"{file}: no valid item to evaluate")
    items = subset.of(all_items)

    answer_fn, described = _answer_fn(settings, pipeline, k, generator, filters if filters.active else None)
    started = datetime.now(UTC)
    run = {"eval_set": str(file), "pipeline": pipeline, **described, "embedder": settings.embedder,
           "filters": filters.to_dict() if filters.active else None, "started": started.isoformat(timespec="seconds"),
           "n_dataset_errors": len(errors), "dataset_errors": errors, "n_items_in_set": len(all_items),
           **subset.to_dict()}
    declared = tuple(code for code in registry_codes(settings) if code != UNKNOWN)
    report = evaluate(items, answer_fn, declared, k=k, progress=True, run=run).to_dict()
    folder = out or settings.data_dir / "eval" / f"{file.stem}-{pipeline}-{started.strftime('%Y%m%d-%H%M%S')}"
    paths = write_reports(report, folder)
    counted = f"{len(items)} of {len(all_items)}" if len(items) < len(all_items) else str(len(items))
    click.echo(f"Evaluated {counted} questions ({len(errors)} malformed line(s) skipped); reports: "
               + ", ".join(str(p) for p in paths.values()))
    return report


def _answer_fn(settings: Settings, pipeline: str, k: int, generator: str | None,
               filters: SearchFilters | None) -> tuple[AnswerFn, dict[str, Any]]:
    """The answer function of the chosen pipeline, and what to record about it in the report."""
    if pipeline == "langchain-baseline":
        from assistant.evaluation.baseline import BASELINE_WRITER, BaselineError, LangChainBaseline

        if generator is not None:
            click.echo("note: --generator is ignored by the langchain-baseline pipeline", err=True)
        try:
            baseline = LangChainBaseline.load(settings, progress=True)
        except (BaselineError, ManifestError) as exc:
            raise click.ClickException(str(exc)) from exc
        for message in baseline.missing:
            click.echo(f"note: baseline skips {message}", err=True)
        state = "built and cached" if baseline.built else "loaded from cache"
        click.echo(f"LangChain baseline: {baseline.n_chunks} chunks, {state} "
                   f"({settings.data_dir / 'baseline' / baseline.key})")
        return (lambda question: baseline.ask(question, k=k, filters=filters)), {
            "generator": BASELINE_WRITER, "baseline_key": baseline.key}
    use_query_threads()
    try:
        assistant = Assistant.load(settings)
    except (IndexNotBuiltError, IndexMismatchError) as exc:
        raise click.ClickException(str(exc)) from exc
    return (lambda question: assistant.ask(question, k=k, generator=generator, filters=filters)), {
        "generator": generator or settings.generator, "search_mode": settings.search_mode}


def _load_report(path: Path) -> dict[str, Any]:
    try:
        return load_report(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def summary_table(overall: dict[str, Any], k: int = CUTOFF) -> str:
    """The overall summary of a run with `-k k` as two aligned columns, metric and value."""
    names = [n for n in SUMMARY_COUNTS + summary_metrics(k) if n in overall]
    width = max(len(n) for n in names)
    return "\n".join(f"{n:<{width}}  {format_value(n, overall[n]):>8}" for n in names)


def writer_table(writers: dict[str, dict[str, Any]]) -> str:
    """One row per writer: its answers' key-fact recall, abstention, citation precision, sentences removed."""
    rows = [("writer", *WRITER_METRICS)] + [
        (writer, *(format_value(n, values.get(n)) for n in WRITER_METRICS))
        for writer, values in writers.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(f"{row[0]:<{widths[0]}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(row[1:], widths[1:]))
                     for row in rows)
