"""The cited evidence one part of the corpus (a jurisdiction's documents, or one document) gives on a topic: up to
three of its own sentences, checked, or none and the closest passage when the evidence is weak. A `compare`
column and a `crosswalk` cell each hold one.

>>> eu = SearchFilters(jurisdictions=frozenset({"eu"}))
>>> evidence = cited_evidence(assistant, EvidenceQuery.of_topic("human oversight", registry), eu)  # doctest: +SKIP
>>> evidence.addressed, evidence.citations[0].passage.chunk.doc_id  # doctest: +SKIP
(True, 'eu-ai-act-2024-1689')

It is the extractive path `ask` takes, searched under the filter: retrieve, draft from the passages' own
sentences, weigh the evidence with the abstention policy, then the citation check; last, the cited passages (with
their headings) must hold enough of the topic's distinctive words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.abstention import decide
from assistant.evidence import evidence_signals, stems_of, topic_stems
from assistant.models import AnswerSentence, Citation
from assistant.question import QuestionIntent, analyse
from assistant.support import check_citations
from assistant.text import content_words
from assistant.writers.base import WriteRequest
from assistant.writers.extractive import ExtractiveWriter
from index.bm25 import stem
from index.embed import Embedder
from index.models import Passage, SearchFilters
from ingest.registry import Registry

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

PASSAGES = 6  # passages retrieved; sentences are drawn from the top three, as `ask` does
MAX_SENTENCES = 3
# Evidence is on the topic when its cited passages (with their headings) hold at least this share of the topic's
# distinctive word stems. The abstention threshold weighs sentence similarity, which a two-word topic barely
# moves; the share was chosen on corpus/eval/compare-gold.jsonl (`policyqa compare --eval`).
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class EvidenceQuery:
    """What is searched and scored (`question`), whose distinctive words the cited passages must hold (`topic`,
    at least `min_coverage` of them), and the intent the writer and the abstention policy read. A query vector
    already computed is reused."""

    question: str
    topic: str
    intent: QuestionIntent
    vector: np.ndarray | None = None
    min_coverage: float = MIN_COVERAGE
    terms: tuple[str, ...] = ()  # when given, coverage counts these words or phrases instead of the topic's words

    @classmethod
    def of_topic(cls, topic: str, registry: Registry) -> EvidenceQuery:
        """A topic asked as it is. The filter says which documents are asked; jurisdictions the topic names would
        otherwise make every other part abstain ("No passage from the documents of Japan…")."""
        return cls(topic, topic, replace(analyse(topic, registry), jurisdictions=(), elsewhere=()))


@dataclass(frozen=True)
class Evidence:
    """`addressed` False: no sentence is shown, and `closest` holds the nearest passage, if any."""

    addressed: bool
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    closest: Passage | None
    strength: float  # the abstention policy's evidence strength
    reason: str = ""  # the abstention reason ("weak", "fact", "off-topic", …) or "" when addressed
    coverage: float = 0.0  # share of the topic's distinctive stems the cited passages and headings hold

    def cited_passages(self) -> tuple[Passage, ...]:
        return tuple(c.passage for c in self.citations)

    def shown_passages(self) -> tuple[Passage, ...]:
        """The cited passages, or the closest one when not addressed."""
        return self.cited_passages() or ((self.closest,) if self.closest is not None else ())


def cited_evidence(assistant: Assistant, query: EvidenceQuery, filters: SearchFilters,
                   sentences: Embedder | None = None) -> Evidence:
    """The evidence the documents `filters` accepts give on `query`. `sentences` scores sentences in place of the
    assistant's sentence embedder (a memoising one, when many queries share sentences)."""
    return weigh_evidence(assistant, query, filters, evidence_passages(assistant, query, filters), sentences)


def evidence_passages(assistant: Assistant, query: EvidenceQuery, filters: SearchFilters) -> list[Passage]:
    """The passages the evidence is drawn from: the search under the filter, kept to what it accepts."""
    return [p for p in assistant.retrieve(query.question, PASSAGES, filters, query.intent, query_vector=query.vector)
            if filters.accepts(p.chunk)]


def draft_request(query: EvidenceQuery, passages: list[Passage]) -> WriteRequest:
    return WriteRequest(query.question, query.intent, tuple(passages))


def weigh_evidence(assistant: Assistant, query: EvidenceQuery, filters: SearchFilters, passages: list[Passage],
                   sentences: Embedder | None = None) -> Evidence:
    """The evidence of `passages` (from `evidence_passages`): drafted, weighed, checked, then its coverage."""
    if not passages:
        return Evidence(False, (), (), None, 0.0, "no passage")
    embedder = sentences or assistant.sentence_embedder
    request = draft_request(query, passages)
    drafted = ExtractiveWriter(embedder, assistant.registry).write(request)
    signals = evidence_signals(request, drafted, filters, assistant.searcher.chunk_frequency)
    policy = assistant.abstention
    decision = decide(signals, query.intent.kind, policy, assistant.registry)
    strength = policy.strength(signals)
    if decision.abstain or not drafted.sentences:
        return Evidence(False, (), (), passages[0], strength, decision.reason or "weak")
    checked = check_citations(list(drafted.sentences[:MAX_SENTENCES]), passages, embedder,
                              assistant.support_threshold)
    if not checked.sentences:
        return Evidence(False, (), (), passages[0], strength, "unsupported")
    quoted = [(c.passage.chunk.section, c.passage.chunk.text) for c in checked.citations]
    covered = terms_coverage(query.terms, quoted) if query.terms else topic_coverage(query.topic, quoted)
    if covered < query.min_coverage:
        return Evidence(False, (), (), checked.citations[0].passage, strength, "off-topic", covered)
    return Evidence(True, checked.sentences, checked.citations, None, strength, "", covered)


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


def terms_coverage(terms: tuple[str, ...], quoted: list[tuple[str, str]], enough: int = 2) -> float:
    """How many of `terms` the (heading, text) pairs of the cited passages use, as a share of `enough`. A term is
    used when its words (stemmed) stand together in one heading or text, so "risk management" is not found in
    "manage risks", nor "data protection" in "data centres … protected".

    >>> terms_coverage(("privacy", "personal data"), [("Article 10", "Personal data may be processed.")])
    0.5
    """
    texts = [" " + " ".join(stem(w) for w in content_words(part)) + " " for pair in quoted for part in pair]
    used = 0
    for term in terms:
        words = " ".join(stem(w) for w in content_words(term))
        used += bool(words) and any(f" {words} " in text for text in texts)
    return min(1.0, used / enough)
