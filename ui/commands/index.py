"""The `index` verb: `build` brings the search index up to date with the corpus, `status` describes it."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from index.backends.factory import open_backend
from index.build import BuildLockedError, BuildReport, build_index, full_rebuild_reason
from index.embed import ModelNotFoundError, model_fingerprint
from index.layout import IndexManifest, IndexMismatchError, IndexNotBuiltError
from index.plan import file_checksums, plan_build
from ingest.corpus_files import select_corpus_files
from ingest.errors import ManifestError
from ingest.models import SourceEntry
from ingest.settings import Settings

_STAGES = {
    "ingest": "reading and chunking new or changed documents",
    "embed": "embedding new chunks",
    "write": "writing the new index version",
}


@click.group()
def index() -> None:
    """Build and inspect the search index (dense vectors and BM25) over the corpus."""


@index.command()
@click.option("--full", is_flag=True, help="Rebuild everything instead of only new or changed documents.")
@click.pass_obj
def build(settings: Settings, full: bool) -> None:
    """Index the documents of the corpus directory.

    Only new or changed documents are read and embedded, unless --full is given or the model, the chunking
    parameters or the vector store changed. A finished build replaces the previous index in one atomic step;
    an interrupted build leaves it untouched. Exits with status 1 when another build holds the lock.
    """
    files = _corpus_files(settings)
    if not files:
        click.echo(f"No documents to index in {settings.corpus_dir}; run `policyqa corpus sync` first "
                   "or put documents there.", err=True)
        sys.exit(1)
    click.echo(f"Indexing {len(files)} documents from {settings.corpus_dir} into {settings.index_dir}")
    stages = _StageClock()
    try:
        report = build_index(settings, files, full=full, progress=sys.stderr.isatty(), on_stage=stages.enter)
    except BuildLockedError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (ModelNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if report.embedded:  # the bar's last state on a terminal; the only trace of embedding in a log
        seconds = stages.seconds("embed")
        click.echo(f"[embed] {report.embedded} chunks embedded in {seconds:.1f} s "
                   f"({report.embedded / max(seconds, 1e-9):.1f} chunks/s)", err=True)
    for line in summary_lines(report, files):
        click.echo(line)
    if report.status != "up to date" and report.chunks == 0:
        sys.exit(1)


@dataclass
class _StageClock:
    """Prints each build stage as it starts and remembers when, so that a stage's duration can be reported."""

    started: dict[str, float] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def enter(self, stage: str) -> None:
        self.started[stage] = time.perf_counter()
        self.order.append(stage)
        click.echo(f"[{stage}] {_STAGES.get(stage, stage)}")

    def seconds(self, stage: str) -> float:
        """From the start of `stage` to the start of the next one (or now)."""
        if stage not in self.started:
            return 0.0
        following = self.order[self.order.index(stage) + 1:]
        end = self.started[following[0]] if following else time.perf_counter()
        return end - self.started[stage]


def summary_lines(report: BuildReport, files: list[tuple[Path, SourceEntry]]) -> list[str]:
    """What a build did, one fact a line; the first line says `up to date` exactly when nothing changed. The
    added, changed and removed documents are those since the index it replaced, a full rebuild's too."""
    if report.status == "up to date":
        lines = [f"Index up to date: {report.chunks} chunks, nothing to do ({report.seconds:.1f} s)"]
        present = {entry.id for _, entry in files}  # a failed file deleted since is no longer a failure
        return lines + [f"{_failed_label(doc_id, report.other_editions)} {_failure(doc_id, message, files)}"
                        for doc_id, message in report.failures.items() if doc_id in present]
    lines = [f"Index {'rebuilt in full' if report.full else 'updated'}"]
    if report.full:
        lines.append(f"  full rebuild: {report.reason}")
    # A document that failed is counted once, as a failure, not also as added or changed.
    added = [d for d in report.added if d not in report.failures]
    changed = [d for d in report.changed if d not in report.failures]
    failed = [d for d in report.failures if d not in report.other_editions]
    skipped = f", {len(report.other_editions)} other editions skipped" if report.other_editions else ""
    lines.append(f"  documents: {len(added)} added, {len(changed)} changed, "
                 f"{len(report.removed)} removed, {len(failed)} failed{skipped}")
    for label, ids in (("added", added), ("changed", changed), ("removed", report.removed)):
        if ids and not (report.first and label == "added"):  # a first build: no list
            lines.append(f"  {label}: {', '.join(ids)}")
    for doc_id, message in report.failures.items():
        kept = "" if report.full or doc_id not in report.changed else " (its indexed version is kept)"
        lines.append(f"  {_failed_label(doc_id, report.other_editions)} {_failure(doc_id, message, files)}{kept}")
    lines.append(f"  chunks: {report.chunks} ({report.embedded} newly embedded)")
    lines.append(f"  seconds: {report.seconds:.1f}")
    return lines


def _failed_label(doc_id: str, other_editions: list[str] | tuple[str, ...]) -> str:
    return "SKIPPED" if doc_id in other_editions else "FAILED"


def _failure(doc_id: str, message: str, files: list[tuple[Path, SourceEntry]]) -> str:
    """`<file>: <problem>`; ingest errors already start with the file name."""
    names = {entry.id: path.name for path, entry in files}
    name = names.get(doc_id, doc_id)
    return message if message.startswith(f"{name}:") else f"{name}: {message}"


@dataclass
class IndexStatus:
    """The index on disk compared with the corpus directory."""

    index_dir: str
    built: bool
    documents: int = 0
    chunks: int = 0
    model_id: str = ""
    model_fingerprint: str = ""
    dimension: int = 0
    vector_store: str = ""
    built_at: str = ""
    stale: list[str] = field(default_factory=list)  # indexed, but the file changed since
    missing: list[str] = field(default_factory=list)  # indexed, but the file is gone
    new: list[str] = field(default_factory=list)  # a file of the corpus not indexed yet
    failures: dict[str, str] = field(default_factory=dict)  # what cannot be read, or was left out, and why
    other_editions: list[str] = field(default_factory=list)  # of `failures`: another edition of an indexed text
    next_build: str = ""  # why the next build will rebuild in full, if it will

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def index_status(settings: Settings, files: list[tuple[Path, SourceEntry]]) -> IndexStatus:
    """Describe the current index and the build plan (`index.plan.plan_build`) that would bring it up to date."""
    try:
        manifest: IndexManifest | None = open_backend(settings).manifest()
    except IndexNotBuiltError:
        manifest = None
    shas, unreadable = file_checksums(files)
    reason = full_rebuild_reason(manifest, settings, model_fingerprint(settings.embedder, settings.model_dir,
                                                                               settings.embed_precision)) \
        if manifest is not None else ""
    plan = plan_build(manifest, shas, unreadable, reason)
    state = IndexStatus(index_dir=str(settings.index_dir), built=manifest is not None, stale=list(plan.changed),
                        missing=list(plan.removed), new=list(plan.added), failures=dict(plan.failed),
                        other_editions=list(plan.other_editions), next_build=reason)
    if manifest is None:
        return state
    state.documents, state.chunks, state.built_at = len(manifest.documents), manifest.chunk_count, manifest.built_at
    state.model_id, state.model_fingerprint = manifest.model_id, manifest.model_fingerprint
    state.dimension, state.vector_store = manifest.dimension, manifest.vector_store
    return state


@index.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.pass_obj
def status(settings: Settings, as_json: bool) -> None:
    """Show the index's size, model and build time, and the corpus documents that are stale, missing or new.

    Exits with status 1 when there is no index yet.
    """
    files = _corpus_files(settings)
    try:
        state = index_status(settings, files)
    except IndexMismatchError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(state.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in status_lines(state):
            click.echo(line)
    if not state.built:
        sys.exit(1)


def status_lines(state: IndexStatus) -> list[str]:
    """The status as aligned `Label: value` lines, then what to do next."""
    if not state.built:
        to_index = len(state.new)
        return [f"No index in {state.index_dir}: run `policyqa index build` ({to_index} documents to index)"] + \
            [f"Failed:       {message}" for message in state.failures.values()]
    model = f"{state.model_id} ({state.dimension} dimensions, fingerprint {state.model_fingerprint})"
    lines = [
        f"Index:        {state.index_dir}",
        f"Documents:    {state.documents}",
        f"Chunks:       {state.chunks}",
        f"Model:        {model}",
        f"Vector store: {state.vector_store}",
        f"Last build:   {state.built_at}",
    ]
    for label, ids, meaning in (("Stale", state.stale, "file changed since indexing"),
                                ("Missing", state.missing, "indexed, file gone"),
                                ("New", state.new, "not indexed yet")):
        lines.append(f"{label + ':':<14}{len(ids)} ({meaning})" + (f": {', '.join(ids)}" if ids else ""))
    lines += [f"{'Skipped:' if d in state.other_editions else 'Failed:':<14}{message}"
              for d, message in state.failures.items()]
    if state.next_build:
        lines.append(f"The next build rebuilds in full: {state.next_build}")
    elif state.stale or state.missing or state.new:
        lines.append("Run `policyqa index build` to bring the index up to date.")
    else:
        lines.append("The index is up to date with the corpus.")
    return lines


def _corpus_files(settings: Settings) -> list[tuple[Path, SourceEntry]]:
    try:
        selection = select_corpus_files(settings)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in selection.refused:  # one line each, and the other documents go on
        click.echo(line, err=True)
    return selection.files
