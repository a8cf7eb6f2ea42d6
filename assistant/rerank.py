"""The second retrieval stage: re-score the first stage's candidates before they reach the generator.

Measured on the shipped eval set, no model-free re-scoring we tried (passage and heading similarity, BM25,
term overlap, sentence-level similarity, pseudo-relevance feedback) beat the fused first-stage order, so the
default keeps it, and the pipeline's diversity step follows. The feature reranker stays available
(`reranker = "features"`); a cross-encoder (name or local path) replaces both for users who have one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.text import lexical_overlap
from index.fusion import min_max
from index.models import Passage
from index.search import Searcher


class Reranker(Protocol):
    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]: ...


def _ranked(passages: list[Passage], scores: np.ndarray) -> list[Passage]:
    order = sorted(range(len(passages)), key=lambda i: (-float(scores[i]), passages[i].rank))
    return [Passage(passages[i].chunk, float(scores[i]), rank) for rank, i in enumerate(order, start=1)]


@dataclass
class FeatureReranker:
    """Score = w_dense·cos(question, passage) + w_section·cos(question, section heading)
    + w_bm25·BM25 (normalised over the candidates) + w_terms·share of question words in the passage."""

    searcher: Searcher
    w_dense: float = 0.55
    w_section: float = 0.15
    w_bm25: float = 0.15
    w_terms: float = 0.15

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        if not passages:
            return []
        headings = [p.chunk.section.split(" > ")[-1] or p.chunk.title for p in passages]
        query = self.searcher.embedder.encode([question])[0]
        passage_vectors = self.searcher.vectors_of([p.chunk.chunk_id for p in passages])
        dense = passage_vectors @ query
        heading_vectors = self.searcher.embedder.encode(list(dict.fromkeys(headings)))
        heading_sim = dict(zip(dict.fromkeys(headings), heading_vectors @ query))
        section = np.array([heading_sim[h] for h in headings])
        bm25 = min_max(self.searcher.lexical_scores(question, [p.chunk.chunk_id for p in passages]))
        terms = np.array([lexical_overlap(question, p.chunk.section + " " + p.chunk.text) for p in passages])
        scores = self.w_dense * dense + self.w_section * section + self.w_bm25 * bm25 + self.w_terms * terms
        return _ranked(passages, scores)


@dataclass
class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder scoring (question, passage) pairs."""

    model: object

    @classmethod
    def load(cls, name_or_path: str) -> CrossEncoderReranker:
        from sentence_transformers import CrossEncoder

        return cls(CrossEncoder(name_or_path, num_labels=1, device="cpu"))

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        if not passages:
            return []
        scores = np.asarray(self.model.predict([(question, p.chunk.text) for p in passages]))  # type: ignore[attr-defined]
        return _ranked(passages, scores.reshape(-1))


class KeepFirstStageOrder:
    """The default: the fused first-stage order, which scored best on the shipped eval set (see README)."""

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        return passages


def create_reranker(name: str, searcher: Searcher) -> Reranker:
    """"" or "none": keep the first-stage order; "features": the feature reranker; else a cross-encoder
    by name or local path."""
    if name in ("", "none"):
        return KeepFirstStageOrder()
    if name == "features":
        return FeatureReranker(searcher)
    return CrossEncoderReranker.load(name)
