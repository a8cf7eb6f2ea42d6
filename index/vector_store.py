"""Vector stores behind one small Protocol; FAISS exact inner product by default, HNSW for large corpora.

>>> store = create_vector_store("flat", dimension=384)
>>> store.count()
0
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

VECTOR_STORES = ("flat", "hnsw")


class VectorStore(Protocol):
    """What a vector store does for us; a server-backed store (Qdrant, pgvector) would implement the same."""

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def delete(self, ids: np.ndarray) -> None: ...

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def count(self) -> int: ...

    def save(self, path: Path) -> None: ...


class FaissStore:
    """FAISS with our own int64 ids: `IndexIDMap2` over `IndexFlatIP` (exact) or an HNSW graph."""

    def __init__(self, index: faiss.Index, kind: str) -> None:
        self.index = index
        self.kind = kind

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def delete(self, ids: np.ndarray) -> None:
        if not len(ids):
            return
        if self.kind == "hnsw":  # an HNSW graph cannot remove nodes: build a graph of the vectors that stay
            stored = faiss.vector_to_array(self.index.id_map)  # type: ignore[attr-defined]
            keep = np.setdiff1d(stored, ids.astype(np.int64))
            vectors = self.reconstruct(keep)
            self.index = create_vector_store("hnsw", self.index.d).index
            self.add(keep, vectors)
            return
        self.index.remove_ids(faiss.IDSelectorBatch(ids.astype(np.int64)))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of shape (queries, k'); k' ≤ k when the store holds fewer vectors; id -1 pads."""
        k = min(k, self.count())
        if k == 0:
            return np.zeros((len(query), 0), np.float32), np.zeros((len(query), 0), np.int64)
        return self.index.search(np.ascontiguousarray(query, dtype=np.float32), k)

    def count(self) -> int:
        return int(self.index.ntotal)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        return np.vstack([self.index.reconstruct(int(i)) for i in ids]) if len(ids) else np.zeros((0, 0))


def create_vector_store(kind: str, dimension: int) -> FaissStore:
    if kind == "flat":
        return FaissStore(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)), kind)
    if kind == "hnsw":
        graph = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 200
        graph.hnsw.efSearch = 128
        return FaissStore(faiss.IndexIDMap2(graph), kind)
    raise ValueError(f"unknown vector store '{kind}'; valid stores are: {', '.join(VECTOR_STORES)}")


def load_vector_store(path: Path, kind: str) -> FaissStore:
    index = faiss.read_index(str(path))
    if kind == "hnsw":
        faiss.downcast_index(index.index).hnsw.efSearch = 128
    return FaissStore(index, kind)
