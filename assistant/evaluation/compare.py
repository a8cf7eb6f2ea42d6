"""Deltas between the summaries of two evaluation reports (new − old), overall and by group.

>>> rows = compare_summaries(load_report(old_path)["summary"], load_report(new_path)["summary"])  # doctest: +SKIP
>>> print(format_deltas(rows))  # doctest: +SKIP
metric      old    new    delta
MRR@10      0.512  0.604  +0.092
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.evaluation.metrics import CUTOFF
from assistant.evaluation.report import format_value
from assistant.evaluation.runner import (
    LOWER_IS_BETTER,
    NEUTRAL_METRICS,
    depth_of,
    retrieval_metrics,
    run_k,
    summary_metrics,
)

GROUP_KEYS = ("by_jurisdiction", "by_kind", "by_tag", "by_writer")
# Groups are compared on these only, to keep the comparison readable; `overall` on every summary metric.


def group_metrics(k: int = CUTOFF) -> tuple[str, ...]:
    """The metrics groups are compared on (`overall` on every summary metric), to keep comparisons readable."""
    retrieval = tuple(n for n in retrieval_metrics(k) if n != "hit@3" or depth_of(k) == 3)
    return ("n_items", *retrieval, "answer_f1", "citation_precision", "key_fact_recall", "abstention_f1",
            "wrongly_abstained_rate")


GROUP_METRICS = group_metrics()


@dataclass(frozen=True)
class MetricDelta:
    group: str  # "overall", or "by_jurisdiction/eu", "by_tag/paraphrase", "by_kind/amount", "by_writer/…"
    metric: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def improved(self) -> bool | None:
        """Whether the change is for the better (lower is better for latency and error counts; None for a
        descriptive metric such as the mean passage length)."""
        if self.delta is None or self.delta == 0 or self.metric in NEUTRAL_METRICS:
            return None
        return (self.delta < 0) if self.metric in LOWER_IS_BETTER else (self.delta > 0)

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "metric": self.metric, "old": self.old, "new": self.new, "delta": self.delta}


def compare_summaries(old: dict[str, Any], new: dict[str, Any], groups: bool = True) -> list[MetricDelta]:
    """One row per metric of `overall`, then (with `groups`) per `GROUP_METRICS` metric of each group present
    in both summaries; a metric undefined in both (n/a) is left out."""
    sections: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("overall", old.get("overall", {}), new.get("overall", {}))]
    if groups:
        for key in GROUP_KEYS:
            old_groups, new_groups = old.get(key) or {}, new.get(key) or {}
            sections += [(f"{key}/{name}", old_groups[name], new_groups[name])
                         for name in new_groups if name in old_groups]
    # Runs of different -k name their retrieval metrics differently: each side's are compared (n/a on the other).
    ks = dict.fromkeys((run_k(new), run_k(old)))
    overall = tuple(dict.fromkeys(("n_items", "n_removed_sentences") + sum((summary_metrics(k) for k in ks), ())))
    in_groups = tuple(dict.fromkeys(sum((group_metrics(k) for k in ks), ())))
    rows: list[MetricDelta] = []
    for group, old_values, new_values in sections:
        for metric in overall if group == "overall" else in_groups:
            row = MetricDelta(group, metric, _number(old_values.get(metric)), _number(new_values.get(metric)))
            if row.old is not None or row.new is not None:
                rows.append(row)
    return rows


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def format_deltas(rows: list[MetricDelta]) -> str:
    """Plain-text tables, one per group: metric, old, new, delta (signed; `+` marks an increase)."""
    blocks: list[str] = []
    for group in dict.fromkeys(r.group for r in rows):
        table = [("metric", "old", "new", "delta")]
        for row in (r for r in rows if r.group == group):
            delta = "n/a" if row.delta is None else _signed(row.metric, row.delta)
            table.append((row.metric, format_value(row.metric, row.old), format_value(row.metric, row.new), delta))
        widths = [max(len(line[i]) for line in table) for i in range(4)]
        lines = [f"{line[0]:<{widths[0]}}  " + "  ".join(f"{cell:>{w}}" for cell, w in zip(line[1:], widths[1:]))
                 for line in table]
        blocks.append(f"== {group} ==\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _signed(metric: str, delta: float) -> str:
    if metric.startswith("n_") or metric == "citations_not_in_passages":
        return f"{delta:+.0f}"
    if metric.endswith("_ms"):
        return f"{delta:+.0f}"
    return f"{delta:+.3f}"
