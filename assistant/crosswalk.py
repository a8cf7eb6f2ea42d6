"""Crosswalk a frame (the OECD AI Principles, the NIST AI RMF characteristics, …) against the corpus: one row per
item of the frame, one column per document (or jurisdiction), each cell the cited evidence of that column's
documents on that item with a coverage strength, or "not addressed" with its closest passage.

>>> walk = crosswalk(assistant, find_frame("oecd-ai-principles", frames_dir), facts)  # doctest: +SKIP
>>> cell = walk.cell("1.3", "eu-ai-act-2024-1689")  # doctest: +SKIP
>>> cell.level, cell.evidence.citations[0].passage.chunk.page_start  # doctest: +SKIP
('strong', 73)

A cell is a `compare` column asked differently (`assistant.cited_evidence`): the item's label and sentence are
searched and scored; the cited passages must use one of the item's terms (an item without terms: half its label's
distinctive words, two for a long label). Each item is embedded once for its row, each row's sentences in one call.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.cited_evidence import (
    MIN_COVERAGE,
    Evidence,
    EvidenceQuery,
    draft_request,
    evidence_passages,
    weigh_evidence,
)
from assistant.compare import DocumentFacts
from assistant.evidence import topic_stems
from assistant.frames import Frame, FrameItem
from assistant.question import QuestionIntent
from assistant.writers.extractive import ExtractiveWriter
from index.embed_memo import MemoEmbedder
from index.models import SearchFilters
from ingest.registry import UNKNOWN, Registry

if TYPE_CHECKING:
    import numpy as np

    from assistant.pipeline import Assistant

BY = ("document", "jurisdiction")
# A long label ("Respect for the rule of law, human rights and democratic values, including fairness and
# privacy") is not quoted whole by any one provision: two of its distinctive words suffice.
LONG_LABEL_WORDS = 2
# Coverage strength: the evidence strength (sentence similarity, the abstention policy's measure) up to this
# value counts in proportion, times the coverage (two terms or more: 1, one term: 0.5; or the label words' share).
FULL_STRENGTH = 0.6
STRONG = 0.6  # a cell whose strength reaches this is "strong", an addressed one below it "partial"
LEVELS = ("not addressed", "partial", "strong")


@dataclass(frozen=True)
class CrosswalkColumn:
    """A document (key: its id) or a jurisdiction (key: its code), with the facts of its documents."""

    key: str
    label: str
    documents: tuple[DocumentFacts, ...]

    def filters(self, by: str) -> SearchFilters:
        if by == "document":
            return SearchFilters(doc_ids=frozenset({self.key}))
        return SearchFilters(jurisdictions=frozenset({self.key}))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "documents": [d.to_dict() for d in self.documents]}


@dataclass(frozen=True)
class Cell:
    item_id: str
    column: str
    evidence: Evidence

    @property
    def strength(self) -> float:
        """Coverage strength in [0, 1]: 0 when not addressed."""
        e = self.evidence
        if not e.addressed:
            return 0.0
        return round(min(1.0, max(0.0, e.strength) / FULL_STRENGTH) * e.coverage, 3)

    @property
    def level(self) -> str:
        if not self.evidence.addressed:
            return LEVELS[0]
        return LEVELS[2] if self.strength >= STRONG else LEVELS[1]


@dataclass(frozen=True)
class Crosswalk:
    frame: Frame
    by: str
    columns: tuple[CrosswalkColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]  # one per frame item, in the frame's order; one cell per column
    index_version: str
    elapsed_ms: float
    from_cache: bool = False

    def cell(self, item_id: str, column: str) -> Cell:
        for row in self.rows:
            for cell in row:
                if cell.item_id == item_id and cell.column == column:
                    return cell
        raise KeyError(f"no cell for item {item_id!r} and column {column!r}")

    def column(self, key: str) -> CrosswalkColumn:
        return next(c for c in self.columns if c.key == key)


def crosswalk_columns(documents: dict[str, DocumentFacts], jurisdiction_of: dict[str, str], by: str,
                      registry: Registry) -> tuple[CrosswalkColumn, ...]:
    """Documents by jurisdiction (in the registry's order) then date; or the jurisdictions that have one, each
    labelled with its name."""
    if by not in BY:
        raise ValueError(f"unknown crosswalk columns {by!r}; valid choices are: {', '.join(BY)}")
    order = {j: n for n, j in enumerate(registry.codes)}
    ranked = sorted(documents.values(), key=lambda d: (order.get(jurisdiction_of.get(d.doc_id, UNKNOWN), 99),
                                                       d.date, d.doc_id))
    if by == "document":
        return tuple(CrosswalkColumn(d.doc_id, d.title, (d,)) for d in ranked)
    present = dict.fromkeys(jurisdiction_of.get(d.doc_id, UNKNOWN) for d in ranked)
    return tuple(CrosswalkColumn(j, registry.name(j),
                                 tuple(d for d in ranked if jurisdiction_of.get(d.doc_id, UNKNOWN) == j))
                 for j in present)


def indexed_columns(assistant: Assistant, documents: dict[str, DocumentFacts],
                    by: str) -> tuple[CrosswalkColumn, ...]:
    """The columns of the documents the assistant's index holds."""
    jurisdiction_of = {doc_id: str(record.entry.get("jurisdiction", UNKNOWN))
                       for doc_id, record in assistant.searcher.manifest.documents.items()}
    return crosswalk_columns({k: v for k, v in documents.items() if k in jurisdiction_of}, jurisdiction_of, by,
                             assistant.registry)


def item_query(item: FrameItem, vector: np.ndarray | None = None) -> EvidenceQuery:
    """The item's label and sentence, searched and scored as an open question. Its cited passages must use one of
    its terms, or, for an item without terms, half its label's distinctive words (hyphened words apart; two words
    for a long label)."""
    topic = item.label.replace("-", " ")
    if item.terms:
        return EvidenceQuery(item.query, topic, QuestionIntent(kind="open"), vector, 0.5, item.terms)
    words = len(topic_stems(topic))
    share = MIN_COVERAGE if words == 0 else min(MIN_COVERAGE, LONG_LABEL_WORDS / words)
    return EvidenceQuery(item.query, topic, QuestionIntent(kind="open"), vector, share)


def crosswalk(assistant: Assistant, frame: Frame, documents: dict[str, DocumentFacts], by: str = "document",
              items: tuple[str, ...] = ()) -> Crosswalk:
    """Every cell of the frame (or of its `items`) against the indexed documents, grouped `by` document or
    jurisdiction. `documents` holds the facts of the indexed documents (`assistant.compare.document_facts`)."""
    started = time.perf_counter()
    columns = indexed_columns(assistant, documents, by)
    chosen = tuple(frame.item(i) for i in items) if items else frame.items
    vectors = assistant.searcher.embedder.encode([item.query for item in chosen])
    sentences = MemoEmbedder.of(assistant.sentence_embedder)
    writer = ExtractiveWriter(sentences, assistant.registry)
    rows = []
    for item, vector in zip(chosen, vectors):
        query = item_query(item, vector)
        found = [evidence_passages(assistant, query, column.filters(by)) for column in columns]
        # the whole row's sentences in one call: sorted by length across cells, batches pad less
        sentences.encode([text for passages in found
                          for text in writer.texts_to_embed(draft_request(query, passages))])
        rows.append(tuple(Cell(item.id, column.key, weigh_evidence(assistant, query, column.filters(by), passages,
                                                                   sentences))
                          for column, passages in zip(columns, found)))
    return Crosswalk(frame, by, columns, tuple(rows), index_version(assistant),
                     (time.perf_counter() - started) * 1000)


def index_version(assistant: Assistant) -> str:
    """The index version the assistant searches: when it was built, and a digest of what it holds (each document's
    file, chunks and jurisdiction), so that a new build, or a document's jurisdiction edited since (its columns
    change), is a new version whatever backend stores it."""
    manifest = assistant.searcher.manifest
    held = sorted((doc_id, r.sha256, len(r.chunk_ids), str(r.entry.get("jurisdiction", "")))
                  for doc_id, r in manifest.documents.items())
    digest = hashlib.sha256(json.dumps([manifest.built_at, manifest.model_id, held]).encode()).hexdigest()[:10]
    return f"{manifest.built_at} {digest}"
