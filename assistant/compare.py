"""Compare jurisdictions on one topic: each column the best cited sentences of that jurisdiction's own documents,
or "not addressed" with its closest passage when the evidence is weak.

>>> comparison = compare(assistant, "transparency obligations", ("japan", "eu", "us"), instruments)  # doctest: +SKIP
>>> comparison.columns[1].citations[0].passage.chunk.doc_id  # doctest: +SKIP
'eu-ai-act-2024-1689'

Each column is the cited evidence (`assistant.cited_evidence`) of that jurisdiction's documents: the extractive
path `ask` takes, searched under a filter on its jurisdiction. A question to `ask` that names several
jurisdictions draws its passages from each of them the same way (`drawn_from_each`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.cited_evidence import Evidence, EvidenceQuery, cited_evidence
from assistant.diversity import diversify
from assistant.models import AnswerSentence, Citation
from index.models import Passage, SearchFilters
from ingest.manifest import load_manifest
from ingest.models import SourceEntry
from ingest.registry import UNKNOWN

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

NOT_ADDRESSED = "not addressed in the indexed documents"


@dataclass(frozen=True)
class DocumentFacts:
    """What a column says about one of its documents: what kind of text it is, and when it was issued."""

    doc_id: str
    title: str
    instrument: str
    date: str

    def to_dict(self) -> dict[str, str]:
        return {"doc_id": self.doc_id, "title": self.title, "instrument": self.instrument, "date": self.date}


def instruments_of(documents: Iterable[DocumentFacts]) -> str:
    """The kinds of text a column's documents are, once each in their order ("executive order; report"); ""
    for a column without documents."""
    return "; ".join(dict.fromkeys(d.instrument or "instrument not stated" for d in documents))


@dataclass(frozen=True)
class Summary:
    """A column's one-sentence summary by the answer model (`assistant.compare_summary`). `text` is empty when
    the citation check dropped the sentence the model wrote (`dropped` says why): then no summary is shown."""

    text: str
    citations: tuple[int, ...]  # the column's own citation numbers it rests on
    writer: str
    elapsed_ms: float
    dropped: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations), "writer": self.writer,
                "elapsed_ms": round(self.elapsed_ms, 1), "dropped": self.dropped}


@dataclass(frozen=True)
class Column:
    """One jurisdiction's evidence on the topic. `addressed` False: the cell says NOT_ADDRESSED and `closest`
    holds the nearest passage its documents have."""

    jurisdiction: str
    name: str  # the jurisdiction's display name, the registry's
    addressed: bool
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    closest: Passage | None
    documents: tuple[DocumentFacts, ...]
    strength: float
    reason: str = ""  # the abstention reason ("weak", "fact", "off-topic", …) or "" when addressed
    coverage: float = 0.0  # share of the topic's distinctive stems the cited passages and headings hold
    summary: Summary | None = None  # None: no summary was asked for this column

    @property
    def shown_summary(self) -> str:
        """The summary with its citation markers, or "" when there is none to show."""
        if self.summary is None or not self.summary.text:
            return ""
        return self.summary.text + "".join(f" [{n}]" for n in self.summary.citations)

    @property
    def text(self) -> str:
        if not self.addressed:
            return NOT_ADDRESSED
        return " ".join(s.text + "".join(f" [{n}]" for n in s.citations) for s in self.sentences)

    @classmethod
    def of(cls, jurisdiction: str, name: str, evidence: Evidence, documents: tuple[DocumentFacts, ...]) -> Column:
        return cls(jurisdiction, name, evidence.addressed, evidence.sentences, evidence.citations, evidence.closest,
                   documents, evidence.strength, evidence.reason, evidence.coverage)

    def instrument_of(self, doc_id: str) -> str:
        return next((d.instrument for d in self.documents if d.doc_id == doc_id), "")

    def cited_passages(self) -> tuple[Passage, ...]:
        return tuple(c.passage for c in self.citations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction, "name": self.name, "addressed": self.addressed, "text": self.text,
            "strength": round(self.strength, 4), "coverage": round(self.coverage, 4), "reason": self.reason,
            "sentences": [s.to_dict() for s in self.sentences],
            "citations": [{**c.to_dict(), "instrument": self.instrument_of(c.passage.chunk.doc_id)}
                          for c in self.citations],
            "closest": None if self.closest is None else {
                **self.closest.to_dict(), "instrument": self.instrument_of(self.closest.chunk.doc_id)},
            "documents": [d.to_dict() for d in self.documents],
            "summary": None if self.summary is None else self.summary.to_dict(),
        }


@dataclass(frozen=True)
class Comparison:
    topic: str
    columns: tuple[Column, ...]
    elapsed_ms: float
    summaries: str = ""  # what became of the one-sentence summaries: who wrote them, or why there are none

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "elapsed_ms": round(self.elapsed_ms, 1), "summaries": self.summaries,
                "columns": [c.to_dict() for c in self.columns]}


def jurisdiction_documents(documents: dict[str, DocumentFacts], jurisdiction_of: dict[str, str],
                           jurisdiction: str) -> tuple[DocumentFacts, ...]:
    """The indexed documents of one jurisdiction, oldest first."""
    return tuple(sorted((d for d in documents.values() if jurisdiction_of.get(d.doc_id) == jurisdiction),
                        key=lambda d: (d.date, d.doc_id)))


def compare(assistant: Assistant, topic: str, jurisdictions: tuple[str, ...],
            documents: dict[str, DocumentFacts]) -> Comparison:
    """One column per jurisdiction, in the order given. `documents` holds the facts of the indexed documents
    (from the manifest), keyed by id."""
    if not topic.strip():
        raise ValueError("the topic to compare is empty")
    started = time.perf_counter()
    jurisdiction_of = {doc_id: record.entry.get("jurisdiction", UNKNOWN)
                       for doc_id, record in assistant.searcher.manifest.documents.items()}
    columns = tuple(_column(assistant, topic, j, jurisdiction_documents(documents, jurisdiction_of, j))
                    for j in jurisdictions)
    return Comparison(topic, columns, (time.perf_counter() - started) * 1000)


def _column(assistant: Assistant, topic: str, jurisdiction: str,
            documents: tuple[DocumentFacts, ...]) -> Column:
    evidence = cited_evidence(assistant, EvidenceQuery.of_topic(topic, assistant.registry),
                              SearchFilters(jurisdictions=frozenset({jurisdiction})))
    return Column.of(jurisdiction, assistant.registry.name(jurisdiction), evidence, documents)


def drawn_from_each(assistant: Assistant, query: str, jurisdictions: tuple[str, ...], k: int, candidates: int,
                    query_vector: np.ndarray) -> list[Passage]:
    """The passages of a question that names several jurisdictions ("How do the EU and Japan define trustworthy
    AI?"): `candidates` first-stage passages shared among the jurisdictions, each share searched and reranked
    within that jurisdiction's documents, then taken in turn (the best of each, the second of each, …), so one
    jurisdiction's many close passages cannot crowd out the others'."""
    pools = [assistant.searcher.search(query, candidates // len(jurisdictions), assistant.settings.search_mode,
                                       SearchFilters(jurisdictions=frozenset({j})), query_vector=query_vector)
             for j in jurisdictions]
    reranked = [assistant.reranker.rerank(query, pool) for pool in pools]
    merged = [p for group in zip(*reranked) for p in group]
    merged += [p for group in reranked for p in group[len(merged) // len(jurisdictions):]]
    return assistant.widened(diversify(merged, assistant.registry.secondary))[:k]


def document_facts(searcher_documents: dict[str, Any], manifest: list[SourceEntry]) -> dict[str, DocumentFacts]:
    """The facts of each indexed document: the manifest's when it lists the document (it may be newer than the
    index), else those the index stored when it was built (a user's extra file has no instrument)."""
    listed = {e.id: e for e in manifest}
    facts: dict[str, DocumentFacts] = {}
    for doc_id, record in searcher_documents.items():
        entry = listed.get(doc_id)
        stored = record.entry
        facts[doc_id] = DocumentFacts(
            doc_id, entry.title if entry else stored.get("title", doc_id),
            entry.instrument if entry else stored.get("instrument", ""),
            entry.date if entry else stored.get("date", ""))
    return facts


def indexed_document_facts(assistant: Assistant) -> dict[str, DocumentFacts]:
    """`document_facts` of the assistant's index, with the manifest its settings name read now (it may have
    changed since the index was built)."""
    return document_facts(assistant.searcher.manifest.documents, load_manifest(assistant.settings.manifest_path))
