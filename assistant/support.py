"""The guards every writer's output goes through: each sentence is scored against the passages it claims,
attributed to the one that supports it when it claims none, and dropped when no passage supports it or when it
states a number, date, id or name its passages do not.

>>> checked = check_citations(draft.sentences, passages, embedder, threshold=0.5)  # doctest: +SKIP
>>> checked.removed  # doctest: +SKIP
1
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.facts import extract_facts, fact_in
from assistant.models import AnswerSentence, Citation
from assistant.text import lexical_overlap, sentences
from assistant.windows import narrowed
from assistant.writers.base import DraftSentence
from index.embed import Embedder
from index.models import Passage

_CITATION = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class CheckedAnswer:
    text: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    support: float
    removed: int = 0  # sentences of the draft the guards dropped


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


def unstated_facts(sentence: str, passages: list[Passage]) -> list[str]:
    """The numbers, amounts, dates, ids and names of a sentence that none of these passages states."""
    sources = " ".join(f"{p.chunk.title} {p.chunk.section} {p.chunk.text}" for p in passages)
    return [fact.text for fact in extract_facts(sentence) if not fact_in(fact, sources)]


def check_citations(draft: list[DraftSentence], passages: list[Passage], embedder: Embedder,
                    threshold: float) -> CheckedAnswer:
    """The guards every writer's draft goes through. Each sentence keeps the sources it claims that exist and
    support it; a sentence that claims none is attributed to the passage that supports it best; a sentence
    that no passage supports, or with a number, date, id or name its sources do not state, is dropped.
    Citation numbers are then given in the order the answer uses them."""
    if not draft:
        return CheckedAnswer("", (), (), 0.0)
    # Embedding is the slow part: a draft quoted verbatim from the passages it cites never needs it.
    sentence_vectors: list[np.ndarray] = []
    passage_vectors: dict[int, np.ndarray] = {}

    def score(i: int, number: int) -> float:
        text = passages[number - 1].chunk.text
        if draft[i].text in text:
            return 1.0  # quoted verbatim: the passage says exactly this
        if not sentence_vectors:
            sentence_vectors.extend(embedder.encode([s.text for s in draft]))
        if number not in passage_vectors:
            passage_vectors[number] = embedder.encode(sentences(text) or [text])
        return support_score(draft[i].text, text, sentence_vectors[i], passage_vectors[number])

    kept: list[tuple[DraftSentence, tuple[int, ...], float]] = []
    for i, sentence in enumerate(draft):
        claimed = tuple(dict.fromkeys(n for n in sentence.sources if 1 <= n <= len(passages)))
        supporting = tuple(n for n in claimed if score(i, n) >= threshold)
        if not supporting and passages:
            best = max(range(1, len(passages) + 1), key=lambda n: score(i, n))
            supporting = (best,) if score(i, best) >= threshold else ()
        if not supporting:
            continue
        quoted = any(sentence.text in passages[n - 1].chunk.text for n in supporting)
        if not quoted and unstated_facts(sentence.text, [passages[n - 1] for n in supporting]):
            continue  # a quote states what its passage states; anything else must not add a fact
        kept.append((sentence, supporting, max(score(i, n) for n in supporting)))
    numbering: dict[int, int] = {}
    for _, sources, _ in kept:
        for n in sources:
            numbering.setdefault(n, len(numbering) + 1)
    checked = tuple(AnswerSentence(s.shown, tuple(numbering[n] for n in sources), support, True, s.bullet)
                    for s, sources, support in kept)
    used: dict[int, Citation] = {}
    for sentence, sources, _ in kept:
        for n in sources:
            quote = best_quote(sentence.text, passages[n - 1])
            used.setdefault(n, Citation(numbering[n], narrowed(passages[n - 1], quote), quote))
    overall = min((s.support for s in checked), default=0.0)
    return CheckedAnswer(render(checked), checked, tuple(sorted(used.values(), key=lambda c: c.n)), overall,
                         removed=len(draft) - len(kept))


def render(checked: tuple[AnswerSentence, ...]) -> str:
    """The answer text: sentences run on with their markers; list items each on a line of their own."""
    lines: list[str] = []
    for sentence in checked:
        marked = sentence.text + "".join(f" [{n}]" for n in sentence.citations)
        if sentence.bullet:
            lines.append(f"- {marked}")
        elif lines and not lines[-1].startswith("- "):
            lines[-1] += " " + marked
        else:
            lines.append(marked)
    return "\n".join(lines)
