"""The default answer writer: quotes the sentences of the top passages that best answer the question.

Every answer sentence is a verbatim sentence of the passage it cites, so its support holds by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.text import lexical_overlap, sentences
from index.embed import Embedder
from index.models import Passage

MIN_WORDS = 5
MAX_WORDS = 120
# Sentences are scored on their first words; embedding time grows with length and dominates `ask`.
SCORED_WORDS = 32
# bibliography entries and link lists are not answers
_REFERENCE = re.compile(r"https?://|www\.|\bet al\.|arXiv|\bdoi\b|Retrieved from|Accessed ", re.IGNORECASE)
# a sentence that ends in a colon announces a list: on its own it answers nothing
_ENDS_SENTENCE = re.compile(r"[.;?!)”\"’]$")


@dataclass(frozen=True)
class Candidate:
    passage_number: int  # 1-based position in the passages given: the citation number
    position: int  # order of the sentence inside its passage
    text: str
    jurisdiction: str


@dataclass(frozen=True)
class Drafted:
    """A drafted answer: sentences with the passage number each cites."""

    sentences: tuple[tuple[str, int], ...]
    best_score: float


def candidates(passages: list[Passage], top: int) -> list[Candidate]:
    found: list[Candidate] = []
    for number, passage in enumerate(passages[:top], start=1):
        for position, sentence in enumerate(sentences(passage.chunk.text)):
            if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS and _ENDS_SENTENCE.search(sentence) \
                    and not _REFERENCE.search(sentence):
                found.append(Candidate(number, position, sentence, passage.chunk.jurisdiction))
    return found


def select(question_vector: np.ndarray, sentence_vectors: np.ndarray, lexical: np.ndarray,
           pool: list[Candidate], max_sentences: int, must_cover: tuple[str, ...] = (),
           redundancy: float = 0.85, relative_floor: float = 0.85) -> list[int]:
    """Greedy selection by relevance with a redundancy penalty; one sentence per jurisdiction in
    `must_cover` first, when the pool has one. Pure: returns indices into `pool`."""
    relevance = sentence_vectors @ question_vector + 0.35 * lexical
    relevance -= 0.03 * np.array([c.passage_number for c in pool])
    order = list(np.argsort(-relevance, kind="stable"))
    chosen: list[int] = []

    def novel(i: int) -> bool:
        return all(float(sentence_vectors[i] @ sentence_vectors[j]) < redundancy for j in chosen)

    for jurisdiction in must_cover:
        best = next((i for i in order if pool[i].jurisdiction == jurisdiction and novel(i)), None)
        if best is not None:
            chosen.append(int(best))
    floor = relative_floor * float(relevance[order[0]]) if order else 0.0
    for i in order:
        if len(chosen) >= max_sentences:
            break
        if i in chosen or relevance[i] < floor:
            continue
        if sum(1 for j in chosen if pool[j].passage_number == pool[i].passage_number) >= 2:
            continue
        if novel(i):
            chosen.append(int(i))
    return chosen


def _head(sentence: str, words: int = SCORED_WORDS) -> str:
    """The opening words of a long sentence: enough to judge what it is about, at a fraction of the cost."""
    parts = sentence.split()
    return sentence if len(parts) <= words else " ".join(parts[:words])


def draft_extractive(question: str, passages: list[Passage], embedder: Embedder, max_sentences: int = 3,
                     top_passages: int = 3, must_cover: tuple[str, ...] = ()) -> Drafted:
    """Pick up to `max_sentences` sentences and order them by passage rank, then by place in the passage."""
    pool = candidates(passages, top_passages)
    if not pool:
        return Drafted((), 0.0)
    vectors = embedder.encode([question, *[_head(c.text) for c in pool]])
    question_vector, sentence_vectors = vectors[0], vectors[1:]
    lexical = np.array([lexical_overlap(question, c.text) for c in pool])
    chosen = select(question_vector, sentence_vectors, lexical, pool, max_sentences, must_cover)
    chosen.sort(key=lambda i: (pool[i].passage_number, pool[i].position))
    best = float(max(sentence_vectors @ question_vector))
    return Drafted(tuple((pool[i].text, pool[i].passage_number) for i in chosen), best)
