"""Build the index, incrementally by default: only new or changed documents are ingested and embedded, and
the retrieval backend (index/backends) takes the changes: the local one publishes a finished build atomically,
Postgres replaces each document in one transaction, so a crash leaves the previous index (each document whole)
intact.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from index.backends.base import RetrievalBackend
from index.backends.factory import open_backend
from index.cache import EmbeddingCache, embed_with_cache
from index.embed import Embedder, model_fingerprint
from index.layout import (
    CACHE_FILE,
    SCHEMA_VERSION,
    BuildLockedError,
    DocumentRecord,
    IndexManifest,
    IndexMismatchError,
    IndexNotBuiltError,
)
from index.plan import file_checksums, plan_build
from ingest.chunk import CHUNKER_VERSION
from ingest.corpus_files import chunking_params
from ingest.definitions import DEFINITIONS_VERSION
from ingest.editions import Duplicate, Edition, duplicate_editions, text_sketch
from ingest.limits import DocumentLimits
from ingest.models import Chunk, SourceEntry
from ingest.pipeline import ingest_files
from ingest.settings import Settings

# BuildLockedError is raised by the backends; the UI and the CLI know it by this module.
__all__ = ["BuildLockedError", "BuildReport", "build_index", "embedding_text", "full_rebuild_reason"]

EMBED_PREFIXES = ("none", "section", "title+section", "title+section+lead-in")


def embedding_text(chunk: Chunk, prefix: str) -> str:
    """The text the embedder sees for a chunk: its text, optionally after its title and section, and optionally
    the lead-in of the list it opens inside (measured, not the default: README "Quality"). A definition is
    embedded as "term: definition" after the title: its section path adds nothing the term does not say."""
    if chunk.kind == "definition":
        if prefix not in EMBED_PREFIXES:
            raise ValueError(f"unknown embed prefix '{prefix}'; valid prefixes are: {', '.join(EMBED_PREFIXES)}")
        body = f"{chunk.term}: {chunk.text}"
        return f"{chunk.title}\n{body}" if prefix.startswith("title+section") and chunk.title else body
    if prefix == "none":
        return chunk.text
    if prefix == "section":
        return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text
    if prefix == "title+section":
        return "\n".join(part for part in (chunk.title, chunk.section, chunk.text) if part)
    if prefix == "title+section+lead-in":
        return "\n".join(part for part in (chunk.title, chunk.section, chunk.lead_in, chunk.text) if part)
    raise ValueError(f"unknown embed prefix '{prefix}'; valid prefixes are: {', '.join(EMBED_PREFIXES)}")


def build_params(settings: Settings) -> dict[str, object]:
    return {
        "chunker_version": CHUNKER_VERSION,
        "chunking": asdict(chunking_params(settings)),
        "embed_prefix": settings.embed_prefix,
        "definitions": DEFINITIONS_VERSION,
    }


@dataclass
class BuildReport:
    status: str  # "up to date", "updated" or "built"
    full: bool
    reason: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    other_editions: list[str] = field(default_factory=list)  # of `failures`: another edition of an indexed text
    first: bool = False  # there was no index before
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0


def full_rebuild_reason(old: IndexManifest | None, settings: Settings, fingerprint: str) -> str:
    """Why the next build cannot update `old` in place ("" when it can)."""
    if old is None:
        return "no index yet"
    if old.model_fingerprint != fingerprint or old.model_id != settings.embedder:
        return f"the embedding model changed ({old.model_id} → {settings.embedder})"
    if old.build_params != build_params(settings):
        return "the chunking parameters or embedded text changed"
    if old.vector_store != settings.vector_store:
        return f"the vector store changed ({old.vector_store} → {settings.vector_store})"
    return ""


def _load_previous(backend: RetrievalBackend) -> tuple[IndexManifest | None, str]:
    """The committed index's manifest, and why it cannot be built upon ("" when it can)."""
    try:
        return backend.manifest(), ""
    except IndexNotBuiltError:
        return None, "no index yet"
    except (IndexMismatchError, OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"the index on disk cannot be updated ({exc})"


def _other_editions(fresh: dict[str, tuple[SourceEntry, list[Chunk]]],
                    kept: dict[str, tuple[DocumentRecord, list[Chunk]]]) -> list[Duplicate]:
    """The documents to leave out because another edition of their text is indexed. Only a file the manifest
    does not name can be another edition, so a corpus of manifest documents alone is never compared."""
    listed = {d: bool(entry.sha256) for d, (entry, _) in fresh.items()}
    listed |= {d: bool(record.entry.get("sha256")) for d, (record, _) in kept.items()}
    if not fresh or all(listed.values()):
        return []
    editions = [Edition(d, entry.file, listed[d], _pages(chunks), _sketch(chunks))
                for d, (entry, chunks) in fresh.items()]
    editions += [Edition(d, record.file, listed[d], _pages(chunks), _sketch(chunks))
                 for d, (record, chunks) in kept.items()]
    return duplicate_editions(editions, fresh=set(fresh))


def _pages(chunks: list[Chunk]) -> int:
    return max((c.page_end for c in chunks), default=1)


def _sketch(chunks: list[Chunk]) -> frozenset[int]:
    return text_sketch("\n".join(c.text for c in chunks if c.kind == "text"))


def build_index(settings: Settings, files: list[tuple[Path, SourceEntry]], full: bool = False,
                embedder: Embedder | None = None, progress: bool = False,
                on_stage: Callable[[str], None] | None = None) -> BuildReport:
    """Bring the index in `settings.index_dir` up to date with `files`; see the module docstring."""
    started = time.perf_counter()
    backend = open_backend(settings)
    with backend.build_lock():
        report = _build_locked(backend, settings, files, full, embedder, progress, on_stage or (lambda _: None))
    report.seconds = time.perf_counter() - started
    return report


def _build_locked(backend: RetrievalBackend, settings: Settings, files: list[tuple[Path, SourceEntry]],
                  full: bool, embedder: Embedder | None, progress: bool,
                  on_stage: Callable[[str], None]) -> BuildReport:
    started = time.perf_counter()
    previous, unusable = _load_previous(backend)
    fingerprint = embedder.fingerprint if embedder else model_fingerprint(settings.embedder, settings.model_dir,
                                                                         settings.embed_precision)
    reason = "requested with --full" if full else unusable or full_rebuild_reason(previous, settings, fingerprint)
    shas, unreadable = file_checksums(files)
    plan = plan_build(previous, shas, unreadable, reason)
    report = BuildReport(status="built" if plan.full else "updated", full=plan.full, reason=plan.reason,
                         added=list(plan.added), changed=list(plan.changed), removed=list(plan.removed),
                         first=plan.first, other_editions=[d for d in plan.other_editions if d not in plan.to_read])
    # Failures not read again are carried forward: a file that failed is not read until its bytes change.
    report.failures = {d: message for d, message in plan.failed.items() if d not in plan.to_read}
    failed_shas = {d: shas.get(d, "") for d in report.failures}
    duplicate_of = {d: previous.duplicate_of[d] for d in report.failures
                    if previous is not None and d in previous.duplicate_of}
    if plan.up_to_date:
        report.status = "up to date"
        report.chunks = previous.chunk_count if previous else 0
        return report

    on_stage("ingest")
    full = plan.full
    old_docs = {} if full or previous is None else previous.documents
    wanted = {entry.id: (path, entry) for path, entry in files}
    params = chunking_params(settings)
    with ThreadPoolExecutor(1) as loader:
        # The model loads (seconds of imports and weights) while worker processes read the documents.
        loading = None if embedder else loader.submit(Embedder.for_settings, settings)
        ingested = ingest_files([wanted[d] for d in plan.to_read], params, progress=progress,
                                workers=settings.ingest_workers, limits=DocumentLimits.from_settings(settings))
        embedder = embedder or loading.result()
    fresh: dict[str, tuple[SourceEntry, list[Chunk]]] = {
        doc.entry.id: (doc.entry, list(doc.chunks)) for doc in ingested.documents}
    for failure in ingested.failures:
        report.failures[failure.doc_id] = failure.error
        failed_shas[failure.doc_id] = shas[failure.doc_id]
    kept_ids = {d for d in wanted if d in old_docs and d not in plan.to_read}
    # a changed document that now fails keeps its previous chunks: nothing already indexed is lost
    kept_ids |= {d for d in plan.changed if d in report.failures and d in old_docs}
    # another edition of a text already indexed is left out (only files the manifest does not name are compared)
    old_by_doc: dict[str, list[Chunk]] = {}
    if fresh and old_docs and not all(entry.sha256 for entry, _ in fresh.values()):
        for chunk in backend.chunks():
            old_by_doc.setdefault(chunk.doc_id, []).append(chunk)
    for other in _other_editions(fresh, {d: (old_docs[d], old_by_doc.get(d, [])) for d in kept_ids}):
        fresh.pop(other.doc_id, None)
        kept_ids.discard(other.doc_id)
        report.failures[other.doc_id] = other.message
        failed_shas[other.doc_id] = shas[other.doc_id]
        duplicate_of[other.doc_id] = other.kept
        report.other_editions.append(other.doc_id)

    documents: dict[str, DocumentRecord] = {}
    for doc_id in sorted(set(kept_ids) | set(fresh)):
        if doc_id in fresh:
            entry, chunks = fresh[doc_id]
            documents[doc_id] = DocumentRecord(file=wanted[doc_id][0].name, sha256=shas[doc_id],
                                               chunk_ids=tuple(c.chunk_id for c in chunks), entry=asdict(entry))
        else:
            record = old_docs[doc_id]
            documents[doc_id] = replace(record, entry=asdict(SourceEntry(**record.entry)))

    on_stage("embed")
    cache = EmbeddingCache(settings.data_dir / CACHE_FILE, embedder.fingerprint)
    try:
        new_chunks = [c for doc_id in sorted(fresh) for c in fresh[doc_id][1]]
        vectors, report.embedded = embed_with_cache(
            [embedding_text(c, settings.embed_prefix) for c in new_chunks], cache,
            lambda texts: embedder.encode(texts, bulk=True), progress=progress)
    finally:
        cache.close()

    on_stage("write")
    backend.begin(full=full, dimension=embedder.dimension)
    for doc_id in plan.removed:
        backend.delete_document(doc_id)
    start = 0
    for doc_id in sorted(fresh):
        chunks = fresh[doc_id][1]
        backend.replace_document(doc_id, documents[doc_id], chunks, vectors[start:start + len(chunks)])
        start += len(chunks)
    manifest = IndexManifest(
        schema_version=SCHEMA_VERSION, model_id=settings.embedder, model_fingerprint=embedder.fingerprint,
        dimension=embedder.dimension, vector_store=settings.vector_store, build_params=build_params(settings),
        documents=documents, built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        failures=report.failures, failed_shas=failed_shas, duplicate_of=duplicate_of,
        build_seconds=round(time.perf_counter() - started, 2),
    )
    backend.commit(manifest)
    report.chunks = manifest.chunk_count
    return report
