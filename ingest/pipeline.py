"""Ingest documents end to end: load, clean, recognise structure, chunk; one report per document."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ingest.chunk import ChunkingParams, TokenCounter, chunk_blocks, estimate_tokens
from ingest.clean import (
    contents_titles,
    fix_spacing,
    normalize_unicode,
    recurring_edge_lines,
    restore_lost_exponents,
    strip_page_furniture,
)
from ingest.definitions import definition_chunks
from ingest.errors import IngestError
from ingest.limits import DEFAULT_LIMITS, DocumentLimits
from ingest.loaders import load_document
from ingest.models import Chunk, DocumentReport, LoadedDocument, SourceEntry
from ingest.structure import Line, build_blocks

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class IngestedDocument:
    entry: SourceEntry
    text: str  # the cleaned text that chunk offsets point into
    chunks: tuple[Chunk, ...]
    report: DocumentReport


def clean_lines(document: LoadedDocument) -> list[Line]:
    """Every line of the document, Unicode-normalised, page furniture removed, spacing mended."""
    pages = [normalize_unicode(page.text).splitlines() for page in document.pages]
    paged = document.kind == "pdf"
    recurring = recurring_edge_lines(pages) if paged else set()
    lines: list[Line] = []
    for page, raw in zip(document.pages, pages):
        kept = strip_page_furniture(raw, recurring) if paged else raw
        lines.extend(Line(page.number, fix_spacing(line)) for line in kept)
    texts = restore_lost_exponents([line.text for line in lines])
    return [Line(line.page, text) for line, text in zip(lines, texts)]


def ingest_document(path: Path, entry: SourceEntry, params: ChunkingParams,
                    count: TokenCounter = estimate_tokens, limits: DocumentLimits = DEFAULT_LIMITS
                    ) -> IngestedDocument:
    """Load and chunk one file within `limits`; raises `IngestError` naming the file and the problem."""
    if path.is_file():  # a missing file is reported by load_document
        limits.check_before_reading(path)
    document = load_document(path, entry)
    listed = contents_titles([normalize_unicode(page.text).splitlines() for page in document.pages]) \
        if document.kind == "pdf" else frozenset()
    blocks = build_blocks(clean_lines(document), markdown=document.kind == "markdown",
                          blank_separates=document.kind != "pdf", listed=listed)
    labels = {page.number: page.label for page in document.pages if page.label}
    text, chunks = chunk_blocks(entry, blocks, params, count, labels)
    chunks += definition_chunks(entry, blocks, labels)
    warnings = []
    empty_pages = [p.number for p in document.pages if not p.text.strip()]
    if empty_pages:
        shown = ", ".join(map(str, empty_pages[:10])) + (" …" if len(empty_pages) > 10 else "")
        warnings.append(f"{len(empty_pages)} page(s) without text: {shown}")
    if not chunks:
        raise IngestError(path, "no text left to index after cleaning")
    limits.check_chunks(path, len(chunks))
    report = DocumentReport(doc_id=entry.id, file=path.name, pages=len(document.pages), characters=len(text),
                            chunks=len(chunks), warnings=tuple(warnings))
    return IngestedDocument(entry=entry, text=text, chunks=tuple(chunks), report=report)


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[IngestedDocument, ...]
    failures: tuple[DocumentReport, ...]

    @property
    def chunks(self) -> list[Chunk]:
        return [chunk for doc in self.documents for chunk in doc.chunks]

    @property
    def reports(self) -> list[DocumentReport]:
        return [doc.report for doc in self.documents] + list(self.failures)


def ingest_files(files: Iterable[tuple[Path, SourceEntry]], params: ChunkingParams,
                 count: TokenCounter = estimate_tokens, progress: bool = False, workers: int = 0,
                 limits: DocumentLimits = DEFAULT_LIMITS) -> IngestResult:
    """Ingest every file, in `workers` processes (0: one per CPU); a file that fails or is over `limits` is
    reported and the others still go through. Results keep the order of `files`."""
    items = list(files)
    outcomes = _ingest_outcomes(items, params, count, progress, worker_count(workers, len(items)), limits)
    documents: list[IngestedDocument] = []
    failures: list[DocumentReport] = []
    for (path, entry), outcome in zip(items, outcomes):
        if isinstance(outcome, IngestedDocument):
            documents.append(outcome)
        else:
            failures.append(DocumentReport(doc_id=entry.id, file=path.name, error=outcome))
    return IngestResult(documents=tuple(documents), failures=tuple(failures))


def worker_count(requested: int, files: int) -> int:
    """Processes worth starting: `requested` (0: one per CPU), never more than there are files."""
    return max(1, min(requested or os.cpu_count() or 1, files))


def _ingest_or_error(path: Path, entry: SourceEntry, params: ChunkingParams,
                     count: TokenCounter, limits: DocumentLimits) -> IngestedDocument | str:
    # The message, not the exception, crosses the process boundary: IngestError(path, problem) does not unpickle.
    try:
        return ingest_document(path, entry, params, count, limits)
    except IngestError as exc:
        return str(exc)


def _exit_with_parent(parent_pid: int) -> None:
    """Runs first in each worker: a parent killed outright (SIGKILL, out of memory) never shuts its pool down,
    and its workers would otherwise wait forever, idle or blocked sending a result nobody reads."""
    if sys.platform == "linux":
        # The kernel kills the worker with its parent, even while Python code in the worker is stuck.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _ingest_outcomes(items: list[tuple[Path, SourceEntry]], params: ChunkingParams, count: TokenCounter,
                     progress: bool, workers: int, limits: DocumentLimits) -> list[IngestedDocument | str]:
    bar = tqdm(total=len(items), desc="ingest", unit="doc", disable=not progress)
    outcomes: list[IngestedDocument | str | None] = [None] * len(items)
    if workers > 1:
        # pypdf is pure Python, so only processes use both cores. "spawn": a forked child would inherit the
        # parent's open build lock and its torch threads. Largest files first keeps the workers evenly busy.
        largest_first = sorted(range(len(items)), key=lambda i: items[i][0].stat().st_size, reverse=True)
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_exit_with_parent,
                                     initargs=(os.getpid(),)) as pool:
                futures = {pool.submit(_ingest_or_error, *items[i], params, count, limits): i
                           for i in largest_first}
                for future in as_completed(futures):
                    outcomes[futures[future]] = future.result()
                    bar.update()
        except BrokenProcessPool:
            # A worker died: killed for memory, or started from a script without an `if __name__ == "__main__"`
            # guard (a spawned process imports the main script again). The rest is read in this process.
            pass
    for position, (path, entry) in enumerate(items):
        if outcomes[position] is None:
            outcomes[position] = _ingest_or_error(path, entry, params, count, limits)
            bar.update()
    bar.close()
    return [outcome for outcome in outcomes if outcome is not None]
