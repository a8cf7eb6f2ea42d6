"""The `ingest` verb: load, clean and chunk every document of the corpus directory; report each one."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from ingest.corpus_files import chunking_params, select_corpus_files
from ingest.errors import ManifestError
from ingest.limits import DocumentLimits
from ingest.models import DocumentReport
from ingest.pipeline import IngestResult, ingest_files
from ingest.settings import Settings

_HEADER = ("ID", "PAGES", "CHARACTERS", "CHUNKS", "WARNINGS")


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the chunks to this file as JSON Lines, one chunk a line.")
@click.pass_obj
def ingest(settings: Settings, out: Path | None) -> None:
    """Read every document in the corpus directory and split it into citable chunks.

    Prints one row per document (pages, characters, chunks, warnings) and one ERROR line per document that
    could not be read. Exits with status 0 when at least one document was ingested, else 1.
    """
    try:
        params = chunking_params(settings)
        selection = select_corpus_files(settings)
    except (ManifestError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for line in selection.refused:
        click.echo(line, err=True)
    files = selection.files
    if not files:
        click.echo(f"No documents to ingest in {settings.corpus_dir}; run `policyqa corpus sync` first "
                   "or put documents there.", err=True)
        sys.exit(1)

    started = time.perf_counter()
    result = ingest_files(files, params, progress=True, limits=DocumentLimits.from_settings(settings))
    seconds = time.perf_counter() - started

    for line in report_lines(result):
        click.echo(line)
    click.echo(f"{len(result.documents)} documents, {len(result.chunks)} chunks, "
               f"{len(result.failures)} failures in {seconds:.1f} s")
    if not result.documents:
        sys.exit(1)
    if out is not None:
        write_jsonl(result, out)
        click.echo(f"Wrote {len(result.chunks)} chunks to {out}")


def report_lines(result: IngestResult) -> list[str]:
    """The table of ingested documents, then one `ERROR <file>: <problem>` line per failure."""
    rows = [_HEADER] + [
        (r.doc_id, str(r.pages), str(r.characters), str(r.chunks), "; ".join(r.warnings))
        for r in (doc.report for doc in result.documents)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        numbers = [cell.rjust(width) for cell, width in zip(row[1:4], widths[1:], strict=True)]
        lines.append("  ".join([row[0].ljust(widths[0]), *numbers, row[4]]).rstrip())
    return lines + [error_line(failure) for failure in result.failures]


def error_line(failure: DocumentReport) -> str:
    named = failure.error.startswith(f"{failure.file}:")
    return f"ERROR {failure.error if named else f'{failure.file}: {failure.error}'}"


def write_jsonl(result: IngestResult, out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for chunk in result.chunks:
                handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc}") from exc
