"""Run every item of an evaluation set through an answer function; per-item rows and summaries by group.

>>> report = evaluate(items, assistant_answer_fn, registry.declared, k=10, progress=True)  # doctest: +SKIP
>>> report.summary["overall"]["MRR@10"]  # doctest: +SKIP
0.61

Retrieval and answer metrics are means over answerable items only (those with evidence, or with a reference
answer, or with key facts, respectively); abstention metrics and latency cover every item. Latency is the
wall-clock time of one call of the answer function, the same measure for every pipeline. Groups: overall,
each tag (other than a jurisdiction), each jurisdiction and each answer kind named by the items' tags, and
each writer that wrote the answers (`Answer.writer`), with the sentences its guards removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tqdm import tqdm

from assistant.evaluation import metrics as m
from assistant.evaluation.dataset import EvalItem
from assistant.models import Answer
from assistant.question import ANSWER_KINDS

AnswerFn = Callable[[str], Answer]

ANSWER_METRICS = ("answer_f1", "rouge_l", "citation_precision", "key_fact_recall")
OTHER_METRICS = ("unsupported_answer_rate", "citations_not_in_passages", "facts_not_in_passages",
                 "abstention_precision", "abstention_recall", "abstention_f1", "wrongly_abstained_rate",
                 "latency_p50_ms", "latency_p95_ms")


def depth_of(k: int) -> int:
    """How many ranked passages the retrieval metrics read for a run with `-k k`: k, at most m.CUTOFF."""
    return min(k, m.CUTOFF)


def retrieval_metrics(k: int = m.CUTOFF) -> tuple[str, ...]:
    """The retrieval metrics' names for a run with `-k k`, named from the depth they read.

    >>> retrieval_metrics(5)[:5]
    ('hit@1', 'hit@3', 'hit@5', 'MRR@5', 'nDCG@5')
    """
    depth = depth_of(k)
    hits = tuple(f"hit@{cutoff}" for cutoff in m.HIT_KS if cutoff < depth) + (f"hit@{depth}",)
    return hits + (f"MRR@{depth}", f"nDCG@{depth}", f"evidence_recall@{depth}", "hit@850w", "mean_passage_words")


def summary_metrics(k: int = m.CUTOFF) -> tuple[str, ...]:
    return retrieval_metrics(k) + ANSWER_METRICS + OTHER_METRICS


def run_k(summary: dict[str, Any]) -> int:
    """The -k of the run a summary (or a `report.json`) describes; reports written before it was recorded: 10."""
    return int((summary.get("run") or {}).get("k") or m.CUTOFF)


RETRIEVAL_METRICS = retrieval_metrics()
SUMMARY_METRICS = summary_metrics()
# The counts of a summary, shown before its metrics.
SUMMARY_COUNTS = ("n_items", "n_answerable", "n_unanswerable", "n_with_key_facts", "n_abstained", "n_errors",
                  "n_removed_sentences")
# What the report shows for each writer.
WRITER_METRICS = ("n_items", "key_fact_recall", "abstention_precision", "abstention_recall", "abstention_f1",
                  "citation_precision", "n_removed_sentences", "facts_not_in_passages")
# Metrics that describe rather than score: a change is neither better nor worse (read by comparisons).
NEUTRAL_METRICS = frozenset({"mean_passage_words"})
# Metrics where a lower value is better (read by comparisons).
LOWER_IS_BETTER = frozenset({"unsupported_answer_rate", "citations_not_in_passages", "facts_not_in_passages",
                             "wrongly_abstained_rate", "latency_p50_ms", "latency_p95_ms"})
# The groups of answers that do not say who wrote them: abstentions (no writer ran), and the others.
ABSTAINED_WRITER, UNRECORDED_WRITER = "none (abstained)", "unrecorded"


@dataclass(frozen=True)
class ItemResult:
    """One evaluated question: the item, what the pipeline answered, and the item's metrics."""

    item: EvalItem
    answer: Answer | None  # None when the answer function raised
    latency_ms: float  # wall-clock time of the answer function's call
    metrics: dict[str, Any]
    error: str = ""
    jurisdictions: tuple[str, ...] = ()  # the item's tags that name a jurisdiction of the registry

    @property
    def should_abstain(self) -> bool:
        return not self.item.answerable

    def to_dict(self) -> dict[str, Any]:
        answer = self.answer
        return {
            "id": self.item.id, "question": self.item.question, "reference": self.item.answer,
            "key_facts": list(self.item.key_facts), "answer": answer.text if answer else None,
            "abstained": answer.abstained if answer else None,
            "kind": answer.kind if answer else None, "writer": writer_of(answer) if answer else None,
            "removed_sentences": answer.removed_sentences if answer else None,
            "citations": [c.to_dict() for c in answer.citations] if answer else [],
            "passages": [p.to_dict() for p in answer.passages] if answer else [],
            "timings_ms": {k: round(v, 4) for k, v in (answer.timings_ms if answer else {}).items()},
            "latency_ms": round(self.latency_ms, 2),
            "tags": list(self.item.tags), "jurisdictions": list(self.jurisdictions),
            "answerable": self.item.answerable, "evidence": [e.to_dict() for e in self.item.evidence],
            "error": self.error,
            **{k: _rounded(v) for k, v in self.metrics.items()},
        }


@dataclass(frozen=True)
class EvalReport:
    items: list[ItemResult]
    summary: dict[str, Any]  # {"overall": {...}, "by_tag": {tag: {...}}, "by_jurisdiction": {...}, "run": {...}}

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary, "items": [r.to_dict() for r in self.items]}


def evaluate(items: Sequence[EvalItem], answer_fn: AnswerFn, jurisdictions: tuple[str, ...], k: int = m.CUTOFF,
             progress: bool = False, run: dict[str, Any] | None = None) -> EvalReport:
    """Ask every question through `answer_fn`, score each answer, and summarise overall and by group.

    An item whose answer function raises is kept with its error and left out of the metrics. `run` is
    stored as `summary["run"]` (what was evaluated, with which settings). Tags among `jurisdictions` (the
    registry's codes, in its order) are grouped `by_jurisdiction`, the others `by_tag`.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    results: list[ItemResult] = []
    for item in tqdm(items, desc="eval", unit="question", disable=not progress):
        started = time.perf_counter()
        try:
            answer = answer_fn(item.question)
        except Exception as exc:  # noqa: BLE001 - one failing question must not lose the others' results
            results.append(ItemResult(item=item, answer=None, latency_ms=_ms_since(started), metrics={},
                                      error=f"{type(exc).__name__}: {exc}",
                                      jurisdictions=item.jurisdictions(jurisdictions)))
            continue
        latency = _ms_since(started)
        scores = score_item(item, answer, k)
        results.append(ItemResult(item=item, answer=_top_k(answer, k), latency_ms=latency, metrics=scores,
                                  jurisdictions=item.jurisdictions(jurisdictions)))
    writers = _writer_groups(results)
    summary: dict[str, Any] = {
        "overall": summarize(results, k),
        "by_tag": {tag: summarize(group, k) for tag, group in _groups(results, jurisdictions, False).items()},
        "by_jurisdiction": {j: summarize(group, k) for j, group in _groups(results, jurisdictions, True).items()},
        "by_kind": {kind: summarize(group, k) for kind, group in _kind_groups(results).items()},
        "by_writer": {writer: summarize(group, k) for writer, group in writers.items()},
        "run": {"k": k, **(run or {}), "writers": {writer: len(group) for writer, group in writers.items()}},
    }
    return EvalReport(items=results, summary=summary)


def writer_of(answer: Answer) -> str:
    if answer.writer:
        return answer.writer
    return ABSTAINED_WRITER if answer.abstained else UNRECORDED_WRITER


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _top_k(answer: Answer, k: int) -> Answer:
    return answer if len(answer.passages) <= k else replace(answer, passages=tuple(answer.passages[:k]))


def score_item(item: EvalItem, answer: Answer, k: int = m.CUTOFF) -> dict[str, Any]:
    """The per-item metrics over the answer's top-k passages; a metric that does not apply is None."""
    scores: dict[str, Any] = {name: None for name in retrieval_metrics(k) + ANSWER_METRICS}
    scores["first_relevant_rank"] = None
    depth = depth_of(k)
    if item.answerable and item.evidence:
        matches = m.evidence_matches(answer.passages[:depth], item.evidence)
        relevant = m.relevance(matches)
        for cutoff in (c for c in m.HIT_KS if c < depth):
            scores[f"hit@{cutoff}"] = m.hit_at_k(relevant, cutoff)
        scores[f"hit@{depth}"] = m.hit_at_k(relevant, depth)
        scores[f"MRR@{depth}"] = m.mrr(relevant, depth)
        scores[f"nDCG@{depth}"] = m.ndcg(relevant, len(item.evidence), depth)
        scores[f"evidence_recall@{depth}"] = m.evidence_recall(matches, depth)
        scores["hit@850w"] = m.hit_within_words(answer.passages[:depth], item.evidence)
        scores["mean_passage_words"] = m.mean_passage_words(answer.passages[:depth])
        scores["first_relevant_rank"] = next((r for r, rel in enumerate(relevant, start=1) if rel), None)
        scores["citation_precision"] = m.citation_precision(answer.citations, item.evidence)
    if item.answerable and item.answer is not None:
        scores["answer_f1"] = m.token_f1(answer.text, item.answer)
        scores["rouge_l"] = m.rouge_l(answer.text, item.answer)
    if item.answerable and item.key_facts:
        scores["key_fact_recall"] = m.key_fact_recall(answer.text, item.key_facts, answer.abstained)
        scores["key_facts_missing"] = (list(item.key_facts) if answer.abstained
                                       else m.key_facts_missing(answer.text, item.key_facts))
    scores["should_abstain"] = not item.answerable
    scores["has_unsupported"] = answer.has_unsupported
    scores["citations_not_in_passages"] = m.citations_not_in_passages(answer)
    scores["facts_not_in_passages"] = m.facts_not_in_passages(answer)
    return scores


def summarize(results: Sequence[ItemResult], k: int = m.CUTOFF) -> dict[str, Any]:
    """Aggregates of one group of items: counts, metric means, abstention P/R/F1, latency percentiles."""
    done = [r for r in results if r.answer is not None]
    answerable = [r for r in done if r.item.answerable]
    answered = [r for r in answerable if r.answer is not None and not r.answer.abstained]
    summary: dict[str, Any] = {
        "n_items": len(results),
        "n_answerable": sum(1 for r in results if r.item.answerable),
        "n_unanswerable": sum(1 for r in results if not r.item.answerable),
        "n_with_evidence": sum(1 for r in answerable if r.item.evidence),
        "n_with_key_facts": sum(1 for r in answerable if r.item.key_facts),
        "n_abstained": sum(1 for r in done if r.answer is not None and r.answer.abstained),
        "n_errors": len(results) - len(done),
        "n_removed_sentences": sum(r.answer.removed_sentences for r in done if r.answer is not None),
    }
    for name in retrieval_metrics(k) + ANSWER_METRICS:
        summary[name] = _rounded(m.mean(r.metrics.get(name) for r in answerable))
    summary["unsupported_answer_rate"] = _rounded(
        m.mean(1.0 if r.metrics["has_unsupported"] else 0.0 for r in answered))
    summary["citations_not_in_passages"] = sum(r.metrics["citations_not_in_passages"] for r in done)
    summary["facts_not_in_passages"] = sum(r.metrics.get("facts_not_in_passages", 0) for r in done)
    precision, recall, f1 = m.abstention_prf([r.should_abstain for r in done],
                                             [bool(r.answer and r.answer.abstained) for r in done])
    summary["abstention_precision"] = _rounded(precision)
    summary["abstention_recall"] = _rounded(recall)
    summary["abstention_f1"] = _rounded(f1)
    summary["wrongly_abstained_rate"] = _rounded(
        m.mean(1.0 if r.answer is not None and r.answer.abstained else 0.0 for r in answerable))
    latencies = [r.latency_ms for r in done]
    summary["latency_p50_ms"] = _rounded(m.percentile(latencies, 50), 1)
    summary["latency_p95_ms"] = _rounded(m.percentile(latencies, 95), 1)
    return summary


def _groups(results: Sequence[ItemResult], codes: tuple[str, ...], jurisdictions: bool) -> dict[str, list[ItemResult]]:
    groups: dict[str, list[ItemResult]] = {}
    for result in results:
        for tag in result.item.tags:
            if (tag in codes) == jurisdictions:
                groups.setdefault(tag, []).append(result)
    order = list(codes) if jurisdictions else sorted(groups)
    return {name: groups[name] for name in order if name in groups}


def _kind_groups(results: Sequence[ItemResult]) -> dict[str, list[ItemResult]]:
    """Items by the answer kind their tags name (`yesno`, `amount`… of `assistant.question.ANSWER_KINDS`)."""
    return {kind: group for kind in ANSWER_KINDS
            if (group := [r for r in results if kind in r.item.tags])}


def _writer_groups(results: Sequence[ItemResult]) -> dict[str, list[ItemResult]]:
    groups: dict[str, list[ItemResult]] = {}
    for result in results:
        if result.answer is not None:
            groups.setdefault(writer_of(result.answer), []).append(result)
    return groups


def _rounded(value: Any, digits: int = 4) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    return value
