"""The citation check every generator's output goes through: each sentence is scored against the passage it
cites; citations to passages that were not given are removed; uncited sentences get the best passage or are
marked unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.models import AnswerSentence, Citation
from assistant.text import lexical_overlap, sentences
from index.embed import Embedder
from index.models import Passage

_CITATION = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class CheckedAnswer:
    text: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    support: float


def split_cited(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Answer text → (sentence without markers, cited numbers), in order."""
    parts: list[tuple[str, tuple[int, ...]]] = []
    for sentence in re.split(r"(?<=[.!?;:]|\])\s+(?=[A-Z(“\"‘'])", text.strip()):
        numbers = tuple(int(n) for n in _CITATION.findall(sentence))
        plain = _CITATION.sub("", sentence).strip()
        if plain:
            parts.append((plain, numbers))
        elif numbers and parts:
            parts[-1] = (parts[-1][0], parts[-1][1] + numbers)
    return parts


def support_score(sentence: str, passage_text: str, sentence_vector: np.ndarray,
                  passage_sentence_vectors: np.ndarray) -> float:
    """Half lexical (share of the sentence's content words in the passage), half semantic (best cosine with
    one of the passage's sentences)."""
    semantic = float(np.max(passage_sentence_vectors @ sentence_vector)) if len(passage_sentence_vectors) else 0.0
    return 0.5 * lexical_overlap(sentence, passage_text) + 0.5 * max(0.0, semantic)


def best_quote(sentence: str, passage: Passage) -> str:
    """The passage sentence that shares most words with the answer sentence (the sentence itself when quoted)."""
    options = sentences(passage.chunk.text) or [passage.chunk.text]
    if sentence in passage.chunk.text:
        return sentence
    return max(options, key=lambda option: lexical_overlap(sentence, option))


def check_citations(text: str | list[tuple[str, tuple[int, ...]]], passages: list[Passage], embedder: Embedder,
                    threshold: float) -> CheckedAnswer:
    """Check a generator's answer: its text with `[n]` markers, or its sentences with their numbers."""
    parts = split_cited(text) if isinstance(text, str) else [(s, tuple(n)) for s, n in text]
    if not parts:
        return CheckedAnswer("", (), (), 0.0)
    verbatim = all(any(1 <= n <= len(passages) and sentence in passages[n - 1].chunk.text for n in numbers)
                   for sentence, numbers in parts)
    cited = {n for _, numbers in parts for n in numbers if 1 <= n <= len(passages)}
    uncited = any(not any(1 <= n <= len(passages) for n in numbers) for _, numbers in parts)
    needed = [] if verbatim else (range(1, len(passages) + 1) if uncited else sorted(cited))
    passage_sentences = {n: sentences(passages[n - 1].chunk.text) or [passages[n - 1].chunk.text] for n in needed}
    flat = [s for n in passage_sentences for s in passage_sentences[n]]
    vectors = embedder.encode([s for s, _ in parts] + flat) if not verbatim else np.zeros((len(parts), 1))
    sentence_vectors, flat_vectors = vectors[:len(parts)], vectors[len(parts):]
    by_passage: dict[int, np.ndarray] = {}
    start = 0
    for n, group in passage_sentences.items():
        by_passage[n] = flat_vectors[start:start + len(group)]
        start += len(group)

    def score(i: int, number: int) -> float:
        if parts[i][0] in passages[number - 1].chunk.text:
            return 1.0  # quoted verbatim: the passage says exactly this
        return support_score(parts[i][0], passages[number - 1].chunk.text, sentence_vectors[i], by_passage[number])

    checked: list[AnswerSentence] = []
    used: dict[int, Citation] = {}
    for i, (sentence, numbers) in enumerate(parts):
        valid = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= len(passages)))
        if not valid and passages:
            best = max(range(1, len(passages) + 1), key=lambda n: score(i, n))
            valid = (best,) if score(i, best) >= threshold else ()
        support = max((score(i, n) for n in valid), default=0.0)
        checked.append(AnswerSentence(sentence, valid, support, bool(valid) and support >= threshold))
        for n in valid:
            used.setdefault(n, Citation(n, passages[n - 1], best_quote(sentence, passages[n - 1])))
    rendered = " ".join(s.text + "".join(f" [{n}]" for n in s.citations) for s in checked)
    overall = min(s.support for s in checked)
    return CheckedAnswer(rendered, tuple(checked), tuple(used[n] for n in sorted(used)), overall)
