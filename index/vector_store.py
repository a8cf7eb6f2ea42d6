"""FAISS vector stores of the local backend: exact inner product by default, HNSW for large corpora.

>>> store = create_vector_store("flat", dimension=384)
>>> store.count()
0
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_EF_SEARCH = 128


class FaissStore:
    """FAISS with our own int64 ids: `IndexIDMap2` over `IndexFlatIP` (exact)."""

    kind = "flat"

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def empty(cls, dimension: int) -> FaissStore:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def load(cls, path: Path) -> FaissStore:
        return cls(faiss.read_index(str(path)))

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def delete(self, ids: np.ndarray) -> None:
        if len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(ids.astype(np.int64)))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of shape (queries, k'); k' ≤ k when the store holds fewer vectors; id -1 pads. With
        `allowed` (int64 ids), only those ids are searched: the filter runs inside FAISS, not after it."""
        k = min(k, self.count() if allowed is None else len(allowed))
        if k == 0:
            return np.zeros((len(query), 0), np.float32), np.zeros((len(query), 0), np.int64)
        # the selector stays referenced here until the search returns: the parameters hold only its pointer
        selector = None if allowed is None else faiss.IDSelectorBatch(allowed.astype(np.int64))
        params = None if selector is None else self.search_parameters(selector)
        return self.index.search(np.ascontiguousarray(query, dtype=np.float32), k, params=params)

    def search_parameters(self, selector: faiss.IDSelector) -> faiss.SearchParameters:
        return faiss.SearchParameters(sel=selector)

    def count(self) -> int:
        return int(self.index.ntotal)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        return np.vstack([self.index.reconstruct(int(i)) for i in ids]) if len(ids) else np.zeros((0, 0))


class HnswStore(FaissStore):
    """An HNSW graph (M 32, efConstruction 200, efSearch 128) under the same int64 ids."""

    kind = "hnsw"

    @classmethod
    def empty(cls, dimension: int) -> HnswStore:
        graph = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 200
        graph.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(faiss.IndexIDMap2(graph))

    @classmethod
    def load(cls, path: Path) -> HnswStore:
        index = faiss.read_index(str(path))
        faiss.downcast_index(index.index).hnsw.efSearch = HNSW_EF_SEARCH  # not saved with the graph
        return cls(index)

    def delete(self, ids: np.ndarray) -> None:
        """An HNSW graph cannot remove nodes: build a graph of the vectors that stay."""
        if not len(ids):
            return
        stored = faiss.vector_to_array(self.index.id_map)  # type: ignore[attr-defined]
        keep = np.setdiff1d(stored, ids.astype(np.int64))
        vectors = self.reconstruct(keep)
        self.index = self.empty(self.index.d).index
        self.add(keep, vectors)

    def search_parameters(self, selector: faiss.IDSelector) -> faiss.SearchParameters:
        return faiss.SearchParametersHNSW(sel=selector, efSearch=HNSW_EF_SEARCH)


FAISS_STORES: dict[str, type[FaissStore]] = {store.kind: store for store in (FaissStore, HnswStore)}
VECTOR_STORES = tuple(FAISS_STORES)


def _store_class(kind: str) -> type[FaissStore]:
    if kind not in FAISS_STORES:
        raise ValueError(f"unknown vector store '{kind}'; valid stores are: {', '.join(VECTOR_STORES)}")
    return FAISS_STORES[kind]


def create_vector_store(kind: str, dimension: int) -> FaissStore:
    return _store_class(kind).empty(dimension)


def load_vector_store(path: Path, kind: str) -> FaissStore:
    return _store_class(kind).load(path)
