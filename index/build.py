"""Build the index, incrementally by default: only new or changed documents are ingested and embedded,
and a finished build is published atomically, so a crash leaves the previous index intact.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from index.bm25 import BM25Index
from index.cache import EmbeddingCache, embed_with_cache
from index.embed import Embedder, model_fingerprint
from index.layout import (
    BM25_DIR,
    CACHE_FILE,
    CHUNKS_FILE,
    CURRENT_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    SCHEMA_VERSION,
    VECTORS_FILE,
    VERSIONS_DIR,
    DocumentRecord,
    IndexManifest,
    IndexMismatchError,
    current_version_dir,
    fsync_tree,
    publish_version,
    read_manifest,
)
from index.plan import file_checksums, plan_build
from index.vector_store import create_vector_store, load_vector_store
from ingest.chunk import CHUNKER_VERSION
from ingest.corpus_files import chunking_params
from ingest.definitions import DEFINITIONS_VERSION
from ingest.editions import Duplicate, Edition, duplicate_editions, text_sketch
from ingest.limits import DocumentLimits
from ingest.models import Chunk, SourceEntry
from ingest.pipeline import ingest_files
from ingest.settings import Settings

EMBED_PREFIXES = ("none", "section", "title+section")


class BuildLockedError(Exception):
    """Another build holds the lock on this data directory."""


def embedding_text(chunk: Chunk, prefix: str) -> str:
    """The text the embedder sees for a chunk: its text, optionally after its title and section. A definition is
    embedded as "term: definition" after the title: its section path adds nothing the term does not say."""
    if chunk.kind == "definition":
        if prefix not in EMBED_PREFIXES:
            raise ValueError(f"unknown embed prefix '{prefix}'; valid prefixes are: {', '.join(EMBED_PREFIXES)}")
        body = f"{chunk.term}: {chunk.text}"
        return f"{chunk.title}\n{body}" if prefix == "title+section" and chunk.title else body
    if prefix == "none":
        return chunk.text
    if prefix == "section":
        return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text
    if prefix == "title+section":
        return "\n".join(part for part in (chunk.title, chunk.section, chunk.text) if part)
    raise ValueError(f"unknown embed prefix '{prefix}'; valid prefixes are: {', '.join(EMBED_PREFIXES)}")


def bm25_text(chunk: Chunk) -> str:
    """What BM25 indexes: the section path with the text, so "Article 5" finds the chunks of Article 5."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def chunk_row_id(chunk_id: str) -> int:
    """The int64 id FAISS stores for a chunk id."""
    return int(hashlib.sha256(chunk_id.encode()).hexdigest()[:15], 16)


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


def read_chunks(version_dir: Path) -> list[Chunk]:
    with (version_dir / CHUNKS_FILE).open(encoding="utf-8") as handle:
        return [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]


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


def _load_previous(index_dir: Path) -> tuple[Path | None, IndexManifest | None, str]:
    """The current version, its manifest, and why it cannot be built upon ("" when it can)."""
    version_dir = current_version_dir(index_dir)
    if version_dir is None:
        return None, None, "no index yet"
    try:
        return version_dir, read_manifest(version_dir), ""
    except (IndexMismatchError, OSError, ValueError, KeyError, TypeError) as exc:
        return version_dir, None, f"the index on disk cannot be updated ({exc})"


def remove_leftovers(index_dir: Path, keep: str) -> None:
    """What killed builds left (run under the build lock): CURRENT.tmp, and version folders that never got
    their manifest, the last file a build writes. Finished versions stay: a running UI may still read one."""
    (index_dir / f"{CURRENT_FILE}.tmp").unlink(missing_ok=True)
    versions = index_dir / VERSIONS_DIR
    for path in versions.iterdir() if versions.exists() else []:
        if path.name != keep and not (path / MANIFEST_FILE).exists():
            shutil.rmtree(path, ignore_errors=True)


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


def _remove_stale_versions(index_dir: Path, keep: set[str]) -> None:
    versions = index_dir / VERSIONS_DIR
    for path in versions.iterdir() if versions.exists() else []:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def build_index(settings: Settings, files: list[tuple[Path, SourceEntry]], full: bool = False,
                embedder: Embedder | None = None, progress: bool = False,
                on_stage: Callable[[str], None] | None = None) -> BuildReport:
    """Bring the index in `settings.index_dir` up to date with `files`; see the module docstring."""
    started = time.perf_counter()
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise BuildLockedError(f"another index build is running on {index_dir} (lock file "
                               f"{index_dir / LOCK_FILE}); wait for it to finish") from exc
    try:
        report = _build_locked(settings, files, full, embedder, progress, on_stage or (lambda _: None))
    finally:
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _build_locked(settings: Settings, files: list[tuple[Path, SourceEntry]], full: bool,
                  embedder: Embedder | None, progress: bool, on_stage: Callable[[str], None]) -> BuildReport:
    started = time.perf_counter()
    index_dir = settings.index_dir
    previous_dir, previous, unusable = _load_previous(index_dir)
    remove_leftovers(index_dir, keep=previous_dir.name if previous_dir else "")
    fingerprint = embedder.fingerprint if embedder else model_fingerprint(settings.embedder, settings.model_dir)
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
    old_docs = {} if plan.full or previous is None else previous.documents
    wanted = {entry.id: (path, entry) for path, entry in files}
    params = chunking_params(settings)
    with ThreadPoolExecutor(1) as loader:
        # The model loads (seconds of imports and weights) while worker processes read the documents.
        loading = None if embedder else loader.submit(Embedder.load, settings.embedder, settings.embed_batch_size,
                                                       model_dir=settings.model_dir)
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
    old_chunks = read_chunks(previous_dir) if previous_dir is not None and old_docs else []
    old_by_doc: dict[str, list[Chunk]] = {}
    for chunk in old_chunks:
        old_by_doc.setdefault(chunk.doc_id, []).append(chunk)
    for other in _other_editions(fresh, {d: (old_docs[d], old_by_doc.get(d, [])) for d in kept_ids}):
        fresh.pop(other.doc_id, None)
        kept_ids.discard(other.doc_id)
        report.failures[other.doc_id] = other.message
        failed_shas[other.doc_id] = shas[other.doc_id]
        duplicate_of[other.doc_id] = other.kept
        report.other_editions.append(other.doc_id)

    documents: dict[str, DocumentRecord] = {}
    ordered: list[Chunk] = []
    for doc_id in sorted(set(kept_ids) | set(fresh)):
        if doc_id in fresh:
            entry, chunks = fresh[doc_id]
            sha = shas[doc_id]
            file_name = wanted[doc_id][0].name
        else:
            chunks = old_by_doc.get(doc_id, [])
            record = old_docs[doc_id]
            entry, sha, file_name = SourceEntry(**record.entry), record.sha256, record.file
        ordered.extend(chunks)
        documents[doc_id] = DocumentRecord(file=file_name, sha256=sha, chunk_ids=tuple(c.chunk_id for c in chunks),
                                           entry=asdict(entry))

    on_stage("embed")
    cache = EmbeddingCache(settings.data_dir / CACHE_FILE, embedder.fingerprint)
    try:
        new_chunks = [c for c in ordered if c.doc_id in fresh]
        vectors, report.embedded = embed_with_cache(
            [embedding_text(c, settings.embed_prefix) for c in new_chunks], cache, embedder.encode,
            progress=progress)
    finally:
        cache.close()

    on_stage("write")
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version_dir = index_dir / VERSIONS_DIR / name
    version_dir.mkdir(parents=True)
    if plan.full or previous_dir is None:
        store = create_vector_store(settings.vector_store, embedder.dimension)
    else:
        store = load_vector_store(previous_dir / VECTORS_FILE, settings.vector_store)
        stale = [chunk_row_id(c.chunk_id) for c in old_chunks if c.doc_id not in kept_ids]
        store.delete(np.array(stale, dtype=np.int64))
    store.add(np.array([chunk_row_id(c.chunk_id) for c in new_chunks], dtype=np.int64), vectors)
    store.save(version_dir / VECTORS_FILE)
    BM25Index.build([bm25_text(c) for c in ordered]).save(version_dir / BM25_DIR)
    with (version_dir / CHUNKS_FILE).open("w", encoding="utf-8") as handle:
        for chunk in ordered:
            handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    manifest = IndexManifest(
        schema_version=SCHEMA_VERSION, model_id=settings.embedder, model_fingerprint=embedder.fingerprint,
        dimension=embedder.dimension, vector_store=settings.vector_store, build_params=build_params(settings),
        documents=documents, built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        failures=report.failures, failed_shas=failed_shas, duplicate_of=duplicate_of,
        build_seconds=round(time.perf_counter() - started, 2),
    )
    (version_dir / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
    fsync_tree(version_dir)
    publish_version(index_dir, name)
    _remove_stale_versions(index_dir, keep={name, previous_dir.name if previous_dir else ""})
    report.chunks = len(ordered)
    return report
