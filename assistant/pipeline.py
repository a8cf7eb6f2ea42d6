"""The question-answering pipeline `ask` runs: retrieve, rerank, diversify, answer, check citations, abstain.

>>> assistant = Assistant.load(settings)  # doctest: +SKIP
>>> answer = assistant.ask("May employers use AI to detect how their staff feel?")  # doctest: +SKIP
>>> answer.citations[0].passage.chunk.section  # doctest: +SKIP
'Chapter II PROHIBITED AI PRACTICES > Article 5 Prohibited AI practices > 1(e)–1(f)'
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.conversation import Conversation, mentioned_jurisdictions
from assistant.diversity import diversify
from assistant.extractive import draft_extractive
from assistant.llm import DECLINE_TEXT as LLM_DECLINES
from assistant.models import Answer
from assistant.rerank import Reranker, create_reranker
from assistant.support import check_citations
from assistant.text import content_words
from index.embed import Embedder
from index.models import Passage, SearchFilters
from index.search import Searcher
from ingest.settings import Settings

GENERATORS = ("extractive", "llm")
CANDIDATES = 30
ABSTENTION_TEXT = "The indexed documents do not answer this question. The closest passages are listed below."
# Calibrated on the unanswerable items of the shipped eval set (bench/calibrate_abstention.py).
DEFAULT_ABSTAIN_THRESHOLD = 0.35
NAME_PENALTY = 0.15
DEFAULT_SUPPORT_THRESHOLD = 0.5
# Words every document of this corpus uses: they say nothing about whether a passage answers the question.
_GENERIC = frozenset(["ai", "artificial", "intelligence", "system", "systems", "model", "models", "use", "used", "act", "policy", "policies", "law", "rules", "rule", "say", "says", "does", "document", "documents", "regulation"])

TokenSink = Callable[[str], None]


def term_coverage(question: str, passages: list[Passage]) -> float:
    """Share of the question's distinctive words found in the passages (1.0 when it has none)."""
    words = {w for w in content_words(question) if w not in _GENERIC}
    if not words:
        return 1.0
    text = " ".join(p.chunk.section + " " + p.chunk.text for p in passages).lower()
    return sum(1 for w in words if w in text or (w.endswith("s") and w[:-1] in text)) / len(words)


_NAME = re.compile(r"(?<![\w'’])([A-Z][A-Za-z0-9\-]*[A-Za-z0-9])")
_NOT_NAMES = frozenset(["AI", "What", "How", "Which", "Who", "When", "Where", "Why", "Does", "Do", "Is", "Are", "Can", "May", "Under", "In", "For", "The", "A", "An", "If", "According", "Must", "Should", "Would", "Could", "Has", "Have"])
RARE_IN_CORPUS = 5  # a name found in fewer chunks than this is specific enough to be looked for


def missing_names(question: str, passages: list[Passage], chunk_frequency: Callable[[str], int]) -> list[str]:
    """Names the question asks about (capitalised, rare in the corpus, not short acronyms) that none of the
    passages mention: "Canada's AIDA", "the Bletchley Declaration" — a sign the documents do not cover it."""
    text = " ".join(f"{p.chunk.title} {p.chunk.section} {p.chunk.text}" for p in passages).lower()
    found = []
    for match in _NAME.finditer(question):
        name = match.group(1)
        if match.start() == 0 or name in _NOT_NAMES or (name.isupper() and len(name) <= 4):
            continue
        if name.lower() not in text and chunk_frequency(name.lower()) < RARE_IN_CORPUS:
            found.append(name)
    return found


def evidence_strength(best_sentence_similarity: float, unknown_names: int) -> float:
    """How strongly the passages bear on the question; below the abstention threshold, we abstain."""
    return best_sentence_similarity - NAME_PENALTY * unknown_names


@dataclass
class Assistant:
    settings: Settings
    searcher: Searcher
    reranker: Reranker
    llm: Any = None  # an LLMGenerator, made on first use of the llm generator

    def llm_generator(self) -> Any:
        if self.llm is None:
            from assistant.llm import LLMGenerator

            self.llm = LLMGenerator(self.settings)
        return self.llm

    @classmethod
    def load(cls, settings: Settings, searcher: Searcher | None = None,
             embedder: Embedder | None = None) -> Assistant:
        searcher = searcher or Searcher.load(settings, embedder=embedder)
        return cls(settings, searcher, create_reranker(settings.reranker, searcher))

    @property
    def abstain_threshold(self) -> float:
        return self.settings.abstain_threshold or DEFAULT_ABSTAIN_THRESHOLD

    @property
    def support_threshold(self) -> float:
        return self.settings.support_threshold or DEFAULT_SUPPORT_THRESHOLD

    def retrieve(self, query: str, k: int, filters: SearchFilters | None) -> list[Passage]:
        """First stage, reranking and diversity. A question naming several jurisdictions draws from each."""
        named = mentioned_jurisdictions(query)
        if (filters is None or not filters.active) and len(named) >= 2:
            pools = [self.searcher.search(query, CANDIDATES // len(named), self.settings.search_mode,
                                          SearchFilters(jurisdictions=frozenset({j}))) for j in named]
            reranked = [self.reranker.rerank(query, pool) for pool in pools]
            merged = [p for group in zip(*reranked) for p in group]
            merged += [p for group in reranked for p in group[len(merged) // len(named):]]
            return diversify(merged)[:k]
        query_vector = self.searcher.embedder.encode([query])[0]
        candidates = self.searcher.search(query, max(CANDIDATES, k), self.settings.search_mode, filters,
                                          query_vector=query_vector)
        return diversify(self.with_explained_provisions(query_vector, self.reranker.rerank(query, candidates),
                                                        filters))[:k]

    def with_explained_provisions(self, query_vector: np.ndarray, passages: list[Passage],
                                  filters: SearchFilters | None) -> list[Passage]:
        """Each recital among the passages is followed by the article it explains (when one is close)."""
        present = {p.chunk.chunk_id for p in passages}
        expanded: list[Passage] = []
        for passage in passages:
            expanded.append(passage)
            provision = self.searcher.explained_provision(passage.chunk, query_vector)
            if provision is not None and provision.chunk_id not in present and (
                    filters is None or filters.accepts(provision)):
                present.add(provision.chunk_id)
                expanded.append(Passage(provision, passage.score, passage.rank))
        return expanded

    def ask(self, question: str, *, k: int | None = None, generator: str | None = None,
            filters: SearchFilters | None = None, conversation: Conversation | None = None,
            on_token: TokenSink | None = None) -> Answer:
        generator = generator or self.settings.generator
        if generator not in GENERATORS:
            raise ValueError(f"unknown generator '{generator}'; valid generators are: {', '.join(GENERATORS)}")
        k = k or self.settings.top_k
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = (now - clock) * 1000
            clock = now

        if conversation is not None and conversation.turns and generator == "llm":
            standalone = self.llm_generator().rewrite(question, conversation.last_question)
        else:
            standalone = conversation.standalone(question) if conversation else question
        named_in_follow_up = mentioned_jurisdictions(question) if standalone != question else ()
        if named_in_follow_up and (filters is None or not filters.active):
            # "And what about the US?": the follow-up asks about that jurisdiction only
            filters = SearchFilters(jurisdictions=frozenset(named_in_follow_up))
        passages = self.retrieve(standalone, k, filters)
        lap("retrieve_ms")
        embedder = self.searcher.embedder
        named = mentioned_jurisdictions(standalone)
        drafted = draft_extractive(standalone, passages, embedder,
                                   must_cover=named if len(named) >= 2 else ())
        coverage = term_coverage(standalone, passages[:5])
        unknown = missing_names(standalone, passages[:5], self.searcher.chunk_frequency)
        strength = evidence_strength(drafted.best_score, len(unknown))
        evidence = {"best_sentence_similarity": drafted.best_score, "term_coverage": coverage,
                    "names_not_found": float(len(unknown)), "strength": strength}
        lap("select_ms")
        answer = Answer(question=question, text="", citations=(), passages=tuple(passages), abstained=True,
                        standalone_question=standalone, timings_ms=timings, evidence=evidence)
        if not passages or not drafted.sentences or strength < self.abstain_threshold:
            answer = replace(answer, text=ABSTENTION_TEXT)
            _stream(answer.text, on_token)
        else:
            raw: str | list[tuple[str, tuple[int, ...]]]
            if generator == "llm":
                raw = self.llm_generator().answer(standalone, passages, on_token)
            else:
                raw = [(text, (n,)) for text, n in drafted.sentences]
                _stream(" ".join(f"{text} [{n}]" for text, n in drafted.sentences), on_token)
            lap("generate_ms")
            if isinstance(raw, str) and raw.startswith(LLM_DECLINES):
                answer = replace(answer, text=ABSTENTION_TEXT)
            else:
                checked = check_citations(raw, passages, embedder, self.support_threshold)
                lap("check_ms")
                answer = replace(answer, text=checked.text or ABSTENTION_TEXT, citations=checked.citations,
                                 abstained=not checked.text, sentences=checked.sentences, support=checked.support)
        timings["total_ms"] = sum(v for key, v in timings.items() if key != "total_ms")
        if conversation is not None:
            conversation.add(answer)
        return answer


def _stream(text: str, on_token: TokenSink | None) -> None:
    if on_token is None:
        return
    for piece in _words(text):
        on_token(piece)


def _words(text: str) -> Iterator[str]:
    start = 0
    for index, char in enumerate(text):
        if char == " ":
            yield text[start:index + 1]
            start = index + 1
    if start < len(text):
        yield text[start:]
