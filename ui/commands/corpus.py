"""The `corpus` verb: `sync` fetches the manifest's documents, `list` shows what the corpus folder holds."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from ingest.corpus_status import corpus_status
from ingest.errors import ManifestError
from ingest.fact_edits import (
    EDITABLE,
    LABELS,
    FactsError,
    editable_documents,
    read_fact_edits,
    save_fact_edit,
    with_fact_edits,
)
from ingest.manifest import load_manifest
from ingest.models import INSTRUMENTS, SourceEntry
from ingest.settings import Settings
from ingest.sync import resolve_mirror, sync_corpus

_TITLE_WIDTH = 60


@click.group()
def corpus() -> None:
    """Fetch and inspect the documents policyqa answers from, and give uploaded ones their facts."""


@corpus.command()
@click.option("--from", "mirror", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Copy documents from this folder instead of downloading them "
                   "(default: corpus_mirror setting, else ../shared/corpus when it exists).")
@click.pass_obj
def sync(settings: Settings, mirror: Path | None) -> None:
    """Copy or download every manifest document into the corpus directory and check its sha256.

    Files already there are never overwritten; one that differs from the manifest is reported as modified.
    Exits with status 1 when any document failed.
    """
    entries = _manifest(settings)
    source = resolve_mirror(mirror, settings.corpus_mirror, Path.cwd())
    if source is not None and not source.is_dir():
        raise click.ClickException(f"corpus mirror {source} (corpus_mirror setting) is not a folder")
    via = f"mirror {source}, else download" if source is not None else "download"
    click.echo(f"Syncing {len(entries)} documents into {settings.corpus_dir} ({via})")
    try:
        results = sync_corpus(
            entries,
            settings.corpus_dir,
            source,
            timeout_s=settings.download_timeout_s,
            retries=settings.download_retries,
            progress=sys.stderr.isatty(),
        )
    except OSError as exc:  # the corpus directory itself could not be created
        raise click.ClickException(f"{settings.corpus_dir}: {exc}") from exc

    width = max((len(r.entry.id) for r in results), default=0)
    for result in results:
        line = f"{result.status:<10} {result.entry.id:<{width}}  {result.message}".rstrip()
        click.echo(line)
    counts: Counter[str] = Counter(result.status for result in results)
    click.echo(f"{len(results)} documents: {_counts(counts)}")
    if counts["failed"]:
        sys.exit(1)


@corpus.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
def list_documents(settings: Settings, as_json: bool) -> None:
    """Show each document's status (present, missing, modified, extra, refused), id, jurisdiction, instrument,
    date, file and title (for a refused file: why it is not read). An uploaded file shows the facts given it
    with `corpus facts` or the web app's Documents tab."""
    try:
        edits = read_fact_edits(settings.data_dir)
    except FactsError as exc:
        raise click.ClickException(str(exc)) from exc
    statuses = with_fact_edits(corpus_status(_manifest(settings), settings.corpus_dir), edits)
    if as_json:
        rows = [
            {"status": s.status, **_entry_dict(s.entry), "path": str(s.path),
             **({"reason": s.reason} if s.reason else {})}
            for s in statuses
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = [("STATUS", "ID", "JURISDICTION", "INSTRUMENT", "DATE", "FILE", "TITLE")] + [
        (s.status, s.entry.id, s.entry.jurisdiction, s.entry.instrument, s.entry.date, s.entry.file,
         _shorten(s.reason or s.entry.title)) for s in statuses
    ]
    widths = [max(len(row[i]) for row in table) for i in range(6)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[6]]
        click.echo("  ".join(cells).rstrip())
    counts: Counter[str] = Counter(s.status for s in statuses)
    click.echo(f"{len(statuses)} documents in {settings.corpus_dir}: {_counts(counts)}")


@corpus.command(name="facts")
@click.argument("doc_id")
@click.option("--title", default=None, help="The document's title.")
@click.option("--issuer", default=None, help="Who issued it (empty: none stated).")
@click.option("--jurisdiction", default=None,
              help="A jurisdiction code of the manifest's registry (eu, us, …), or unknown.")
@click.option("--instrument", default=None, help=f"Its nature, one of: {'; '.join(INSTRUMENTS)} (empty: not stated).")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="When it was issued (empty: none).")
@click.option("--url", default=None, help="Its official http(s) address (empty: none).")
@click.pass_obj
def facts(settings: Settings, doc_id: str, **given: str | None) -> None:
    """Show, or set, the facts of an uploaded document (one the manifest does not list): the options given
    replace those facts, the others stay. Saved in the data dir; citations, filters, `corpus list`, compare
    and crosswalk use them at once, without re-indexing."""
    try:
        current = {s.entry.id: s.entry for s in editable_documents(settings)}.get(doc_id)
        changes = {name: value for name, value in given.items() if value is not None}
        if changes or current is None:  # an unknown or manifest document: save_fact_edit says why
            values = {name: getattr(current, name, "") for name in EDITABLE} | changes
            save_fact_edit(settings, doc_id, values)
            current = {s.entry.id: s.entry for s in editable_documents(settings)}[doc_id]
    except (FactsError, ManifestError) as exc:
        raise click.ClickException(str(exc)) from exc
    if changes:
        click.echo(f"Saved the facts of {doc_id}.")
    for name in EDITABLE:
        click.echo(f"{LABELS[name] + ':':<17} {getattr(current, name) or '-'}")


def _manifest(settings: Settings) -> list[SourceEntry]:
    try:
        return load_manifest(settings.manifest_path)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc


def _entry_dict(entry: SourceEntry) -> dict[str, str]:
    return {name: getattr(entry, name) for name in entry.__dataclass_fields__}


def _counts(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {status}" for status, n in counts.items()) or "none"


def _shorten(title: str) -> str:
    return title if len(title) <= _TITLE_WIDTH else title[: _TITLE_WIDTH - 1].rstrip() + "…"
