"""Search a built index: dense, lexical (BM25) or their fusion, with jurisdiction and document filters, over
whichever retrieval backend the settings name (index/backends).

>>> searcher = Searcher.load(settings)  # doctest: +SKIP
>>> [p.chunk.section for p in searcher.search("emotion recognition at work", k=3)]  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from index.backends.base import Ranked, RetrievalBackend
from index.backends.factory import open_backend
from index.embed import Embedder
from index.fusion import convex_combination, reciprocal_rank_fusion
from index.layout import IndexManifest, IndexMismatchError
from index.models import SEARCH_MODES, Passage, SearchFilters
from index.provision_order import in_document_order
from index.term_match import promote_definitions
from ingest.chunk import section_unit
from ingest.fact_edits import (
    FactEdit,
    edited_chunk,
    edited_entry_dict,
    fact_edits_stamp,
    read_fact_edits,
    with_facts_stamp,
)
from ingest.models import Chunk
from ingest.settings import Settings

CANDIDATES = 100
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z0-9]")
FUSIONS = ("rrf", "convex")


def _unit_of(section: str, kind: str) -> str | None:
    """The part of a section path that names a unit of this kind ("Article 5 Prohibited AI practices")."""
    return next((part for part in section.split(" > ") if part.startswith(f"{kind} ")), None)


class NothingMatches(Exception):
    """No indexed document has the facts the filters ask for."""


def with_edited_facts(manifest: IndexManifest, chunks: list[Chunk], edits: dict[str, FactEdit],
                      ) -> tuple[IndexManifest, list[Chunk], frozenset[str]]:
    """The index's documents and chunks with the facts users edited since it was built (`ingest.fact_edits`),
    and the ids of the documents edited. A manifest document keeps the manifest's facts."""
    edited = frozenset(doc_id for doc_id, record in manifest.documents.items()
                       if doc_id in edits and not record.entry.get("sha256"))
    if not edited:
        return manifest, chunks, edited
    documents = {doc_id: replace(record, entry=edited_entry_dict(record.entry, edits[doc_id]))
                 if doc_id in edited else record for doc_id, record in manifest.documents.items()}
    chunks = [edited_chunk(c, edits[c.doc_id]) if c.doc_id in edited else c for c in chunks]
    return replace(manifest, documents=documents), chunks, edited


@dataclass
class Searcher:
    backend: RetrievalBackend
    manifest: IndexManifest
    chunks: list[Chunk]
    embedder: Embedder
    fusion: str = "convex"
    convex_alpha: float = 0.7
    # documents whose facts a user edited since the index was built; `manifest` and `chunks` carry the edits
    edited: frozenset[str] = field(default_factory=frozenset)
    facts_stamp: str = ""  # `fact_edits_stamp` of the facts file the edits were read from

    def __post_init__(self) -> None:
        self.version = self.backend.version()
        self.row_of_chunk = {c.chunk_id: row for row, c in enumerate(self.chunks)}
        self._word_counts: Counter[str] | None = None
        self._matrix: np.ndarray | None = None
        self._units: dict[str, dict[tuple[str, str], list[int]]] = {}
        self.definition_rows = [row for row, c in enumerate(self.chunks) if c.kind == "definition"]

    def chunk_frequency(self, word: str) -> int:
        """In how many chunks a lowercase word occurs."""
        if self._word_counts is None:
            counts: Counter[str] = Counter()
            for chunk in self.chunks:
                counts.update(set(_WORD.findall(chunk.text.lower())))
            self._word_counts = counts
        return self._word_counts[word]

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None) -> Searcher:
        """Open the current index; an embedder already in memory is reused when it is the index's model."""
        backend = open_backend(settings)
        manifest = backend.manifest()
        if manifest.model_id != settings.embedder:
            raise IndexMismatchError(
                f"the index was built with model '{manifest.model_id}' but the settings name "
                f"'{settings.embedder}': run `policyqa index build` to rebuild it")
        if embedder is None or (embedder.model_id, embedder.fingerprint) != (manifest.model_id,
                                                                            manifest.model_fingerprint):
            embedder = Embedder.for_settings(settings)
        if embedder.fingerprint != manifest.model_fingerprint:
            raise IndexMismatchError(
                f"the model '{manifest.model_id}' on this machine differs from the one the index was built with "
                "(fingerprint mismatch): run `policyqa index build` to rebuild it")
        if settings.fusion not in FUSIONS:
            raise ValueError(f"unknown fusion '{settings.fusion}'; valid fusions are: {', '.join(FUSIONS)}")
        stamp = fact_edits_stamp(settings.data_dir)
        edits = read_fact_edits(settings.data_dir)
        manifest, chunks, edited = with_edited_facts(manifest, backend.chunks(), edits)
        return cls(backend=backend, manifest=manifest, chunks=chunks, embedder=embedder, fusion=settings.fusion,
                   convex_alpha=settings.fusion_alpha, edited=edited, facts_stamp=stamp)

    @property
    def facts_version(self) -> str:
        """The index version and the edited facts read with it: changes when either does."""
        return with_facts_stamp(self.version, self.facts_stamp)

    def stored_filters(self, filters: SearchFilters | None) -> SearchFilters | None:
        """The filters as the backend must apply them. It holds each document's jurisdiction as it was built, so
        once a document's jurisdiction is edited a jurisdiction filter becomes one on the ids of the documents
        that now have it; raises `NothingMatches` when none has."""
        if filters is None or not filters.jurisdictions or not self.edited:
            return filters
        docs = {doc_id for doc_id, record in self.manifest.documents.items()
                if record.entry.get("jurisdiction", "unknown") in filters.jurisdictions}
        if filters.doc_ids:
            docs &= filters.doc_ids
        if not docs:  # an empty set of ids would restrict nothing
            raise NothingMatches
        return SearchFilters(doc_ids=frozenset(docs), sections=filters.sections)

    def _rows(self, ranked: Ranked) -> list[tuple[int, float]]:
        return [(self.row_of_chunk[chunk_id], score) for chunk_id, score in ranked if chunk_id in self.row_of_chunk]

    def dense_ranking(self, query_vector: np.ndarray, depth: int,
                      filters: SearchFilters | None) -> list[tuple[int, float]]:
        """(row, score) of the `depth` nearest chunks the filters accept; the backend applies the filters."""
        try:
            return self._rows(self.backend.dense(query_vector, depth, self.stored_filters(filters)))
        except NothingMatches:
            return []

    def bm25_ranking(self, query: str, depth: int, filters: SearchFilters | None) -> list[tuple[int, float]]:
        try:
            return self._rows(self.backend.lexical(query, depth, self.stored_filters(filters)))
        except NothingMatches:
            return []

    def lexical_scores(self, query: str, chunk_ids: list[str]) -> np.ndarray:
        """The lexical score of each of these chunks, as the lexical ranking scores them."""
        return self.backend.lexical_scores(query, chunk_ids)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: SearchFilters | None = None,
               depth: int = CANDIDATES, query_vector: np.ndarray | None = None) -> list[Passage]:
        """The k best passages for `query`, best first, ranks from 1; the paragraphs of a provision the query
        names (every query word is in its section path) or whose scores tie read in document order
        (`index/provision_order.py`)."""
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode '{mode}'; valid modes are: {', '.join(SEARCH_MODES)}")
        filters = filters if filters is not None and filters.active else None
        depth = max(depth, k)
        if mode == "bm25":
            ranked = self.bm25_ranking(query, depth, filters)
        else:
            vector = self.embedder.encode([query])[0] if query_vector is None else query_vector
            dense = self.dense_ranking(vector, depth, filters)
            ranked = dense if mode == "dense" else self._fuse(dense, self.bm25_ranking(query, depth, filters), vector)
        asked = set(_WORD.findall(query.lower()))
        ranked = in_document_order(self._definitions_first(query, ranked, filters)[:k], self._provision_of,
                                   lambda unit: asked <= set(_WORD.findall(unit[1].lower())))
        return [Passage(self.chunks[row], score, rank) for rank, (row, score) in enumerate(ranked, start=1)]

    def _provision_of(self, row: int) -> tuple[str, str] | None:
        """The provision (document, unit) a text chunk belongs to; None for a definition or a chunk without one."""
        chunk = self.chunks[row]
        unit = section_unit(chunk.section) if chunk.kind == "text" else ""
        return (chunk.doc_id, unit) if unit else None

    def _definitions_first(self, query: str, ranked: list[tuple[int, float]],
                           filters: SearchFilters | None) -> list[tuple[int, float]]:
        """The definitions of a term the query asks about lead, scored as the best passage (so scores still fall
        with rank); a definition and the text chunk that holds it do not both stay."""
        definitions = [row for row in self.definition_rows if filters is None or filters.accepts(self.chunks[row])]
        rows, promoted = promote_definitions([row for row, _ in ranked], self.chunks, query, definitions)
        scores = dict(ranked)
        best = max(scores.values(), default=0.0)
        return [(row, best if row in promoted else scores[row]) for row in rows]

    def _fuse(self, dense: list[tuple[int, float]], sparse: list[tuple[int, float]],
              vector: np.ndarray) -> list[tuple[int, float]]:
        if self.fusion == "rrf":
            fused = reciprocal_rank_fusion([[r for r, _ in dense], [r for r, _ in sparse]])
            return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        rows = sorted({r for r, _ in dense} | {r for r, _ in sparse})
        dense_scores = dict(dense)
        sparse_scores = dict(sparse)
        d = np.array([dense_scores.get(r, min(dense_scores.values(), default=0.0)) for r in rows])
        s = np.array([sparse_scores.get(r, 0.0) for r in rows])
        combined = convex_combination(d, s, self.convex_alpha)
        return sorted(zip(rows, combined.tolist()), key=lambda item: (-item[1], item[0]))

    def vectors_of(self, chunk_ids: list[str]) -> np.ndarray:
        """The stored (normalised) vectors of these chunks, in order."""
        return self.backend.vectors(chunk_ids)

    def matrix(self) -> np.ndarray:
        """Every chunk's stored vector, row-aligned with `chunks` (read from the store once)."""
        if self._matrix is None:
            self._matrix = self.vectors_of([c.chunk_id for c in self.chunks]) if self.chunks else np.zeros((0, 1))
        return self._matrix

    def units(self, kind: str) -> dict[tuple[str, str], list[int]]:
        """Rows of each unit of a kind ("Article", "Recital"), keyed by (document id, unit label)."""
        if kind not in self._units:
            grouped: dict[tuple[str, str], list[int]] = {}
            for row, chunk in enumerate(self.chunks):
                # a definition repeats text of its article: provisions are gathered from the text chunks only
                label = _unit_of(chunk.section, kind) if chunk.kind == "text" else None
                if label is not None:
                    grouped.setdefault((chunk.doc_id, label), []).append(row)
            self._units[kind] = grouped
        return self._units[kind]

    def explained_provision(self, chunk: Chunk, query_vector: np.ndarray,
                            min_similarity: float = 0.6) -> Chunk | None:
        """For a recital, the chunk of the article it explains that best answers the query: recitals explain
        articles, and an answer should cite the provision that binds. The article is the one closest to the
        whole recital; None for chunks that are not recitals, or when no article is close."""
        recital = _unit_of(chunk.section, "Recital")
        if recital is None:
            return None
        matrix = self.matrix()
        recital_vector = matrix[self.units("Recital")[(chunk.doc_id, recital)]].mean(axis=0)
        articles = [(label, rows) for (doc, label), rows in self.units("Article").items() if doc == chunk.doc_id]
        if not articles:
            return None
        best_rows: list[int] = []
        best = -1.0
        for _, rows in articles:
            similarity = float(np.max(matrix[rows] @ recital_vector)) / max(float(np.linalg.norm(recital_vector)),
                                                                             1e-9)
            if similarity > best:
                best_rows, best = rows, similarity
        if best < min_similarity:
            return None
        return self.chunks[max(best_rows, key=lambda row: float(matrix[row] @ query_vector))]

    def chunk(self, chunk_id: str) -> Chunk | None:
        row = self.row_of_chunk.get(chunk_id)
        return None if row is None else self.chunks[row]

    def neighbours(self, chunk: Chunk) -> tuple[Chunk | None, Chunk | None]:
        """The chunks just before and after `chunk` in its document (definitions stand apart from the text)."""
        row = self.row_of_chunk[chunk.chunk_id]

        def beside(at: int) -> Chunk | None:
            other = self.chunks[at] if 0 <= at < len(self.chunks) else None
            return other if other is not None and other.doc_id == chunk.doc_id and \
                other.kind == chunk.kind == "text" else None

        return beside(row - 1), beside(row + 1)
