"""Evaluation metrics as pure functions, named as the IR and QA literature names them.

Retrieval (binary relevance: a passage is relevant when it matches any evidence quote of the item):
hit@k, MRR@10, nDCG@10, evidence recall@10, and hit@850w: the evidence within an equal reading budget (the
first 850 words of the ranked passages), so a longer passage does not win by length alone; mean passage words. Answer: token F1 and ROUGE-L against the reference, and the
recall of the item's key facts (amounts, dates, ids, names… stated in any wording).
Citations: precision against the evidence; citations to passages the answer was not given.
Abstention: precision, recall and F1 with "should abstain" as the positive class. Latency: percentiles.

>>> relevant = [False, True, False]
>>> hit_at_k(relevant, 1), hit_at_k(relevant, 3), mrr(relevant)
(0.0, 1.0, 0.5)
>>> round(rouge_l("the cat sat", "the cat was sitting"), 4)
0.5714
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.evaluation.dataset import Evidence
from assistant.evaluation.matching import normalize_for_matching, passage_matches_quote
from assistant.facts import fact_in
from assistant.models import Answer, Citation
from assistant.support import unstated_facts
from index.models import Passage, shown_chunk_ids

CUTOFF = 10
HIT_KS = (1, 3, 5, 10)
READING_BUDGET = 850  # words: hit@850w
_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")


# --- retrieval -------------------------------------------------------------------------------------------------

def evidence_matches(passages: Sequence[Passage], evidence: Sequence[Evidence]) -> list[list[bool]]:
    """`matches[r][q]`: whether the passage at rank r+1 matches quote q.

    A quote matches only a passage of the same document id as its evidence, by the rule of
    `matching.passage_matches_quote` (contained, or a contiguous run of at least 60% of its tokens).
    """
    return [[p.chunk.doc_id == e.doc and passage_matches_quote(p.chunk.text, e.quote) for e in evidence]
            for p in passages]


def relevance(matches: Sequence[Sequence[bool]]) -> list[bool]:
    """Binary relevance of each ranked passage: it matches at least one quote."""
    return [any(row) for row in matches]


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage stands in the top k, else 0.0."""
    return 1.0 if any(relevant[:k]) else 0.0


def mrr(relevant: Sequence[bool], k: int = CUTOFF) -> float:
    """Reciprocal rank of the first relevant passage in the top k (0.0 when none); its mean is MRR@k."""
    for rank, is_relevant in enumerate(relevant[:k], start=1):
        if is_relevant:
            return 1.0 / rank
    return 0.0


def ndcg(relevant: Sequence[bool], n_relevant: int, k: int = CUTOFF) -> float:
    """nDCG@k with binary gains: DCG = sum of 1/log2(rank+1) over relevant ranks, over the ideal DCG.

    The ideal ranking puts min(n_relevant, k) relevant passages first, `n_relevant` being the number of
    evidence quotes. When more retrieved passages are relevant than there are quotes (overlapping chunks
    holding the same quote), the ideal counts those as well, so the score never exceeds 1.
    """
    top = relevant[:k]
    dcg = sum(1.0 / math.log2(rank + 1) for rank, is_relevant in enumerate(top, start=1) if is_relevant)
    n_ideal = min(k, max(n_relevant, sum(1 for r in top if r)))
    if n_ideal == 0:
        return 0.0
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, n_ideal + 1))
    return dcg / ideal


def evidence_recall(matches: Sequence[Sequence[bool]], k: int = CUTOFF) -> float:
    """Share of the item's quotes matched by at least one of the top-k passages."""
    if not matches:
        return 0.0
    n_quotes = len(matches[0])
    if n_quotes == 0:
        return 0.0
    found = sum(1 for q in range(n_quotes) if any(row[q] for row in matches[:k]))
    return found / n_quotes


def budget_texts(passages: Sequence[Passage], budget: int = READING_BUDGET) -> list[str]:
    """What a reader sees of each ranked passage within the first `budget` words of all of them, in order:
    whole passages, then the opening words of the one the budget ends in; the passages after it are left out."""
    shown: list[str] = []
    left = budget
    for passage in passages:
        if left <= 0:
            break
        words = passage.chunk.text.split()
        shown.append(passage.chunk.text if len(words) <= left else " ".join(words[:left]))
        left -= len(words)
    return shown


def hit_within_words(passages: Sequence[Passage], evidence: Sequence[Evidence], budget: int = READING_BUDGET) -> float:
    """1.0 when an evidence quote is matched (same document, `passage_matches_quote`) by what the first `budget`
    words of the ranked passages show, else 0.0: hit@850w."""
    for passage, text in zip(passages, budget_texts(passages, budget)):
        if any(passage.chunk.doc_id == e.doc and passage_matches_quote(text, e.quote) for e in evidence):
            return 1.0
    return 0.0


def mean_passage_words(passages: Sequence[Passage]) -> float | None:
    """Mean length in words of the passages; None when there is none."""
    return mean(len(p.chunk.text.split()) for p in passages)


# --- answer text -----------------------------------------------------------------------------------------------

def answer_tokens(text: str) -> list[str]:
    """Lowercase normalised tokens of an answer, its `[n]` citation marks removed."""
    return normalize_for_matching(_CITATION_MARK.sub(" ", text)).split()


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1: harmonic mean of precision and recall of the shared token multiset."""
    pred, ref = answer_tokens(prediction), answer_tokens(reference)
    if not pred or not ref:
        return 1.0 if pred == ref else 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F-measure (beta = 1): LCS over the prediction's and the reference's normalised tokens."""
    pred, ref = answer_tokens(prediction), answer_tokens(reference)
    if not pred or not ref:
        return 1.0 if pred == ref else 0.0
    lcs = lcs_length(pred, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(pred), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def key_facts_missing(answer_text: str, key_facts: Sequence[str]) -> list[str]:
    """The key facts the answer does not state (`assistant.facts.fact_in`: "35 million" states
    "EUR 35 000 000").

    >>> key_facts_missing("Fines reach 35 million euros or 7 percent [1].",
    ...                   ["EUR 35 000 000", "7 %", "Art. 99"])
    ['Art. 99']
    """
    return [key for key in key_facts if not fact_in(key, answer_text)]


def key_fact_recall(answer_text: str, key_facts: Sequence[str], abstained: bool = False) -> float | None:
    """Share of the key facts the answer states; None without key facts; 0.0 for an abstention.

    >>> key_fact_recall("Up to EUR 35 000 000 or 7 % [1].", ["35 million", "7 per cent"])
    1.0
    """
    if not key_facts:
        return None
    if abstained:
        return 0.0
    return 1 - len(key_facts_missing(answer_text, key_facts)) / len(key_facts)


# --- citations -------------------------------------------------------------------------------------------------

def citation_precision(citations: Sequence[Citation], evidence: Sequence[Evidence]) -> float | None:
    """Share of citations whose passage matches an evidence quote of the item; None without citations."""
    if not citations:
        return None
    matches = evidence_matches([c.passage for c in citations], evidence)
    return sum(1 for row in matches if any(row)) / len(citations)


def citations_not_in_passages(answer: Answer) -> int:
    """Citations whose chunk is not among the passages the answer was given: must always be 0."""
    given = shown_chunk_ids(answer.passages)
    return sum(1 for c in answer.citations if c.passage.chunk.chunk_id not in given)


def facts_not_in_passages(answer: Answer) -> int:
    """Shown sentences holding a number, amount, date, id or name that no passage given to the answer states:
    an invented fact that reached the reader. Checked against all the passages, independently of the guard
    (which checks each sentence's own citations), so it must always be 0."""
    passages = list(answer.passages)
    return sum(1 for s in answer.sentences if unstated_facts(s.text, passages))


# --- abstention ------------------------------------------------------------------------------------------------

def abstention_prf(should_abstain: Sequence[bool], abstained: Sequence[bool]
                   ) -> tuple[float | None, float | None, float | None]:
    """(precision, recall, F1) of abstaining, "should abstain" being the positive class.

    Precision is None when nothing was abstained on, recall None when no item should be; F1 is None when
    recall is, and 0.0 when precision is None but recall is defined (then recall is 0).
    """
    if len(should_abstain) != len(abstained):
        raise ValueError("should_abstain and abstained must have the same length")
    tp = sum(1 for s, a in zip(should_abstain, abstained) if s and a)
    predicted, actual = sum(1 for a in abstained if a), sum(1 for s in should_abstain if s)
    precision = tp / predicted if predicted else None
    recall = tp / actual if actual else None
    if recall is None:
        return precision, None, None
    if precision is None or precision + recall == 0:
        return precision, recall, 0.0
    return precision, recall, 2 * precision * recall / (precision + recall)


# --- aggregation -----------------------------------------------------------------------------------------------

def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None when there is none."""
    defined = [float(v) for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks; None when empty.

    >>> percentile([10, 20, 30, 40], 50)
    25.0
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must lie in [0, 100], got {q}")
    if not values:
        return None
    ordered = sorted(float(v) for v in values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
