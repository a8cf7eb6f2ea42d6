"""Compare jurisdictions on one topic: each column the best cited sentences of that jurisdiction's own documents,
or "not addressed" with its closest passage when the evidence is weak.

>>> comparison = compare(assistant, "transparency obligations", ("japan", "eu", "us"), instruments)  # doctest: +SKIP
>>> comparison.columns[1].citations[0].passage.chunk.doc_id  # doctest: +SKIP
'eu-ai-act-2024-1689'

Each column is the extractive path `ask` takes, searched under a filter on its jurisdiction: retrieve, draft
from the passages' own sentences, weigh the evidence with the abstention policy, then the citation check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from assistant.abstention import decide
from assistant.evidence import evidence_signals, stems_of, topic_stems
from assistant.models import AnswerSentence, Citation
from assistant.question import analyse
from assistant.support import check_citations
from assistant.writers.base import WriteRequest
from index.models import Passage, SearchFilters
from ingest.models import SourceEntry

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

DEFAULT_JURISDICTIONS = ("japan", "eu", "us", "oecd", "g7")
NOT_ADDRESSED = "not addressed in the indexed documents"
PASSAGES = 6  # passages retrieved per column; sentences are drawn from the top three, as `ask` does
MAX_SENTENCES = 3
# A topic's column is addressed when its cited passages (with their headings) hold at least this share of the
# topic's distinctive word stems. The abstention threshold weighs sentence similarity, which a two-word topic
# barely moves; the share was chosen on corpus/eval/compare-gold.jsonl (`policyqa compare --eval`).
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class DocumentFacts:
    """What a column says about one of its documents: what kind of text it is, and when it was issued."""

    doc_id: str
    title: str
    instrument: str
    date: str

    def to_dict(self) -> dict[str, str]:
        return {"doc_id": self.doc_id, "title": self.title, "instrument": self.instrument, "date": self.date}


@dataclass(frozen=True)
class Column:
    """One jurisdiction's evidence on the topic. `addressed` False: the cell says NOT_ADDRESSED and `closest`
    holds the nearest passage its documents have."""

    jurisdiction: str
    addressed: bool
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    closest: Passage | None
    documents: tuple[DocumentFacts, ...]
    strength: float
    reason: str = ""  # the abstention reason ("weak", "fact", "off-topic", …) or "" when addressed
    coverage: float = 0.0  # share of the topic's distinctive stems the cited passages and headings hold

    @property
    def text(self) -> str:
        if not self.addressed:
            return NOT_ADDRESSED
        return " ".join(s.text + "".join(f" [{n}]" for n in s.citations) for s in self.sentences)

    def instrument_of(self, doc_id: str) -> str:
        return next((d.instrument for d in self.documents if d.doc_id == doc_id), "")

    def cited_passages(self) -> tuple[Passage, ...]:
        return tuple(c.passage for c in self.citations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction, "addressed": self.addressed, "text": self.text,
            "strength": round(self.strength, 4), "coverage": round(self.coverage, 4), "reason": self.reason,
            "sentences": [s.to_dict() for s in self.sentences],
            "citations": [{**c.to_dict(), "instrument": self.instrument_of(c.passage.chunk.doc_id)}
                          for c in self.citations],
            "closest": None if self.closest is None else {
                **self.closest.to_dict(), "instrument": self.instrument_of(self.closest.chunk.doc_id)},
            "documents": [d.to_dict() for d in self.documents],
        }


@dataclass(frozen=True)
class Comparison:
    topic: str
    columns: tuple[Column, ...]
    elapsed_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "elapsed_ms": round(self.elapsed_ms, 1),
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
    jurisdiction_of = {doc_id: record.entry.get("jurisdiction", "unknown")
                       for doc_id, record in assistant.searcher.manifest.documents.items()}
    columns = tuple(_column(assistant, topic, j, jurisdiction_documents(documents, jurisdiction_of, j))
                    for j in jurisdictions)
    return Comparison(topic, columns, (time.perf_counter() - started) * 1000)


def _column(assistant: Assistant, topic: str, jurisdiction: str,
            documents: tuple[DocumentFacts, ...]) -> Column:
    filters = SearchFilters(jurisdictions=frozenset({jurisdiction}))
    # The column's filter says which jurisdiction is asked; jurisdictions the topic names would otherwise make
    # every other column abstain ("No passage from the documents of Japan…").
    intent = replace(analyse(topic), jurisdictions=(), elsewhere=())
    passages = [p for p in assistant.retrieve(topic, PASSAGES, filters, intent)
                if p.chunk.jurisdiction == jurisdiction]
    if not passages:
        return Column(jurisdiction, False, (), (), None, documents, 0.0, "no passage")
    request = WriteRequest(topic, intent, tuple(passages))
    drafted = assistant.writer("extractive").write(request)
    signals = evidence_signals(request, drafted, filters, assistant.searcher.chunk_frequency)
    policy = assistant.abstention
    decision = decide(signals, intent.kind, policy)
    strength = policy.strength(signals)
    if decision.abstain or not drafted.sentences:
        return Column(jurisdiction, False, (), (), passages[0], documents, strength, decision.reason or "weak")
    checked = check_citations(list(drafted.sentences[:MAX_SENTENCES]), passages, assistant.searcher.embedder,
                              assistant.support_threshold)
    if not checked.sentences:
        return Column(jurisdiction, False, (), (), passages[0], documents, strength, "unsupported")
    covered = topic_coverage(topic, [(c.passage.chunk.section, c.passage.chunk.text) for c in checked.citations])
    if covered < MIN_COVERAGE:
        return Column(jurisdiction, False, (), (), checked.citations[0].passage, documents, strength, "off-topic",
                      covered)
    return Column(jurisdiction, True, checked.sentences, checked.citations, None, documents, strength, "", covered)


def topic_coverage(topic: str, quoted: list[tuple[str, str]]) -> float:
    """Share of the topic's distinctive word stems found in the (heading, text) pairs of the cited passages
    (1.0 for a topic made only of words every document uses).

    >>> topic_coverage("watermarking", [("Article 50 Transparency obligations", "Providers shall mark outputs.")])
    0.0
    """
    wanted = topic_stems(topic)
    if not wanted:
        return 1.0
    found = stems_of(*(f"{section} {text}" for section, text in quoted))
    return len(wanted & found) / len(wanted)


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
