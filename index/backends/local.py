"""The local backend: FAISS vectors and a bm25s index in versioned folders under the index directory; a build
writes a new version and publishes it in one atomic rename, so a killed build leaves the previous one intact.

>>> backend = LocalBackend(Path(".policyqa/index"), "flat")  # doctest: +SKIP
>>> backend.lexical("Article 5", depth=3, filters=None)  # doctest: +SKIP
[('eu-ai-act-2024-1689#0123', 17.2), ...]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from index.backends.base import Ranked
from index.bm25 import BM25Index, bm25_text
from index.layout import (
    BM25_DIR,
    CHUNKS_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    VECTORS_FILE,
    VERSIONS_DIR,
    BuildLockedError,
    DocumentRecord,
    IndexManifest,
    IndexNotBuiltError,
    current_version_dir,
    fsync_tree,
    publish_version,
    read_chunks,
    read_manifest,
    remove_leftovers,
    remove_stale_versions,
)
from index.models import SearchFilters
from index.vector_store import FaissStore, create_vector_store, load_vector_store
from ingest.models import Chunk
from ingest.settings import Settings


def chunk_row_id(chunk_id: str) -> int:
    """The int64 id FAISS stores for a chunk id."""
    return int(hashlib.sha256(chunk_id.encode()).hexdigest()[:15], 16)


class _Version:
    """One published version, each part read on first use."""

    def __init__(self, directory: Path, manifest: IndexManifest) -> None:
        self.directory = directory
        self.manifest = manifest
        self._accepted: dict[SearchFilters, np.ndarray] = {}

    @cached_property
    def chunks(self) -> list[Chunk]:
        """The chunks in row order: row i is BM25's row i."""
        return read_chunks(self.directory)

    @cached_property
    def row_of_chunk(self) -> dict[str, int]:
        return {c.chunk_id: row for row, c in enumerate(self.chunks)}

    @cached_property
    def row_ids(self) -> np.ndarray:
        """The FAISS id of each row."""
        return np.array([chunk_row_id(c.chunk_id) for c in self.chunks], dtype=np.int64)

    @cached_property
    def chunk_of_id(self) -> dict[int, str]:
        return dict(zip(self.row_ids.tolist(), (c.chunk_id for c in self.chunks)))

    @cached_property
    def store(self) -> FaissStore:
        # an index is read with the store it was built with, whatever the settings now name
        return load_vector_store(self.directory / VECTORS_FILE, self.manifest.vector_store)

    @cached_property
    def bm25(self) -> BM25Index:
        return BM25Index.load(self.directory / BM25_DIR)

    def accepted(self, filters: SearchFilters) -> np.ndarray:
        """Which rows the filters accept (kept per filter: a routed question repeats its filters)."""
        if filters not in self._accepted:
            self._accepted[filters] = np.array([filters.accepts(c) for c in self.chunks], dtype=bool)
        return self._accepted[filters]


@dataclass
class _Pending:
    """A build in memory: the store it updates, and each document's chunks."""

    full: bool
    previous: str
    store: FaissStore
    chunks: dict[str, list[Chunk]]
    stale: list[int] = field(default_factory=list)
    added: dict[str, np.ndarray] = field(default_factory=dict)


class LocalBackend:
    """FAISS (`flat` exact, or `hnsw`) and bm25s files; see the module docstring."""

    def __init__(self, index_dir: Path, store_kind: str) -> None:
        self.index_dir = index_dir
        self.store_kind = store_kind
        self._version: _Version | None = None
        self._pending: _Pending | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalBackend:
        return cls(settings.index_dir, settings.vector_store)

    def _current(self) -> _Version:
        if self._version is None:
            directory = current_version_dir(self.index_dir)
            if directory is None:
                raise IndexNotBuiltError(f"no index in {self.index_dir}: run `policyqa index build` first")
            self._version = _Version(directory, read_manifest(directory))
        return self._version

    @property
    def version_dir(self) -> Path:
        return self._current().directory

    @property
    def store(self) -> FaissStore:
        return self._current().store

    def manifest(self) -> IndexManifest:
        return self._current().manifest

    def version(self) -> str:
        if self._version is None:  # the pointer alone: a reader checking for a new build loads nothing
            directory = current_version_dir(self.index_dir)
            if directory is None:
                raise IndexNotBuiltError(f"no index in {self.index_dir}: run `policyqa index build` first")
            return directory.name
        return self._version.directory.name

    def close(self) -> None:
        """Nothing held open: the files are read whole."""

    def count(self) -> int:
        return self._current().store.count()

    def chunks(self) -> list[Chunk]:
        return self._current().chunks

    def dense(self, vector: np.ndarray, depth: int, filters: SearchFilters | None) -> Ranked:
        current = self._current()
        allowed = current.row_ids[current.accepted(filters)] if filters is not None and filters.active else None
        scores, ids = current.store.search(vector.reshape(1, -1), depth, allowed)
        known = current.chunk_of_id
        return [(known[int(i)], float(s)) for s, i in zip(scores[0], ids[0]) if int(i) in known]

    def lexical(self, query: str, depth: int, filters: SearchFilters | None) -> Ranked:
        current = self._current()
        scores = current.bm25.scores(query)
        if filters is not None and filters.active:
            scores = np.where(current.accepted(filters), scores, -1.0)
        top = np.argsort(-scores, kind="stable")[:depth]
        return [(current.chunks[row].chunk_id, float(scores[row])) for row in top if scores[row] > 0]

    def lexical_scores(self, query: str, chunk_ids: list[str]) -> np.ndarray:
        current = self._current()
        scores = current.bm25.scores(query)
        return np.array([scores[current.row_of_chunk[c]] for c in chunk_ids], dtype=np.float32)

    def vectors(self, chunk_ids: list[str]) -> np.ndarray:
        return self._current().store.reconstruct(np.array([chunk_row_id(c) for c in chunk_ids], dtype=np.int64))

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """A file lock in the index directory; its holder first clears what killed builds left."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.index_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise BuildLockedError(f"another index build is running on {self.index_dir} (lock file "
                                   f"{self.index_dir / LOCK_FILE}); wait for it to finish") from exc
        try:
            previous = current_version_dir(self.index_dir)
            remove_leftovers(self.index_dir, keep=previous.name if previous else "")
            yield
        finally:
            self._pending = None
            lock.release()

    def begin(self, full: bool, dimension: int) -> None:
        previous = current_version_dir(self.index_dir)
        if full or previous is None:
            self._pending = _Pending(True, previous.name if previous else "",
                                     create_vector_store(self.store_kind, dimension), {})
            return
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in read_chunks(previous):
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        self._pending = _Pending(False, previous.name,
                                 load_vector_store(previous / VECTORS_FILE, self.store_kind), by_doc)

    def _building(self) -> _Pending:
        if self._pending is None:
            raise RuntimeError("no build in progress: call begin() under build_lock() first")
        return self._pending

    def replace_document(self, doc_id: str, record: DocumentRecord, chunks: list[Chunk],
                         vectors: np.ndarray) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"document {doc_id}: {len(chunks)} chunks but {len(vectors)} vectors")
        self.delete_document(doc_id)
        pending = self._building()
        pending.chunks[doc_id] = list(chunks)
        pending.added[doc_id] = np.asarray(vectors, dtype=np.float32)

    def delete_document(self, doc_id: str) -> None:
        pending = self._building()
        pending.stale.extend(chunk_row_id(c.chunk_id) for c in pending.chunks.pop(doc_id, []))
        pending.added.pop(doc_id, None)

    def commit(self, manifest: IndexManifest) -> None:
        """Write the new version (vectors, BM25, chunks, manifest last), flush it and publish it."""
        pending = self._building()
        documents = sorted(manifest.documents)
        unlisted = set(pending.chunks) - set(documents)
        if unlisted:
            raise ValueError(f"the build wrote documents its manifest does not list: {sorted(unlisted)}")
        ordered = [chunk for doc_id in documents for chunk in pending.chunks.get(doc_id, [])]
        # one deletion, then the new vectors in document order: an HNSW graph is rebuilt once, not per document
        pending.store.delete(np.array(pending.stale, dtype=np.int64))
        new = [doc_id for doc_id in documents if doc_id in pending.added]
        if new:
            pending.store.add(np.array([chunk_row_id(c.chunk_id) for d in new for c in pending.chunks[d]],
                                       dtype=np.int64), np.vstack([pending.added[d] for d in new]))
        name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        version_dir = self.index_dir / VERSIONS_DIR / name
        version_dir.mkdir(parents=True)
        pending.store.save(version_dir / VECTORS_FILE)
        BM25Index.build([bm25_text(c) for c in ordered]).save(version_dir / BM25_DIR)
        with (version_dir / CHUNKS_FILE).open("w", encoding="utf-8") as handle:
            for chunk in ordered:
                handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        (version_dir / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
        fsync_tree(version_dir)
        publish_version(self.index_dir, name)
        remove_stale_versions(self.index_dir, keep={name, pending.previous})
        self._pending = None
        self._version = None
