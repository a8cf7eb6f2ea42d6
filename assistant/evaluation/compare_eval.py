"""Score `compare` against a gold set of (topic, jurisdiction) cells: the provisions a careful reader cites, or
"not addressed". The report and its match rule serve every gold set of cells (the crosswalk's too).

>>> report = evaluate_compare(assistant, load_compare_gold(Path("corpus/eval/compare-gold.jsonl"), registry.codes), facts)  # doctest: +SKIP
>>> report.summary().splitlines()[0]  # doctest: +SKIP
'compare eval: 32 cells (20 addressed, 12 not addressed)'

A cell hits when one of its cited passages (at most three) is on a gold provision's document and page and holds
its quote (the evaluation's one match rule, `passage_matches_quote`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from assistant.compare import DocumentFacts, compare
from assistant.evaluation.matching import passage_matches_quote
from assistant.evaluation.metrics import percentile
from index.models import Passage

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

HIT_DEPTH = 3
Case = TypeVar("Case")


@dataclass(frozen=True)
class GoldProvision:
    doc_id: str
    page: int
    quote: str


class GoldCell(Protocol):
    """A gold cell: its provisions, none when the documents do not address it."""

    @property
    def id(self) -> str: ...

    @property
    def provisions(self) -> tuple[GoldProvision, ...]: ...

    @property
    def not_addressed(self) -> bool: ...

    def describe(self) -> dict[str, str]: ...


class Cites(Protocol):
    def cited_passages(self) -> tuple[Passage, ...]: ...


@dataclass(frozen=True)
class CompareCase:
    id: str
    topic: str
    jurisdiction: str
    provisions: tuple[GoldProvision, ...]  # empty: the jurisdiction's documents do not address the topic

    @property
    def not_addressed(self) -> bool:
        return not self.provisions

    def describe(self) -> dict[str, str]:
        return {"topic": self.topic, "jurisdiction": self.jurisdiction}


def load_compare_gold(path: Path, jurisdictions: tuple[str, ...]) -> list[CompareCase]:
    """The cases of a compare gold file (JSON lines); a bad line, or a jurisdiction not among `jurisdictions` (the
    registry's codes), raises ValueError naming the file and line."""
    cases: list[CompareCase] = []
    for where, case in read_gold_cells(path, "compare", ("id", "topic", "jurisdiction"),
                                       lambda d, p: CompareCase(d["id"], d["topic"], d["jurisdiction"], p)):
        if case.jurisdiction not in jurisdictions:
            raise ValueError(f"{where}: unknown jurisdiction {case.jurisdiction!r}; valid choices are: "
                             f"{', '.join(jurisdictions)}")
        cases.append(case)
    return cases


def read_gold_cells(path: Path, kind: str, fields: tuple[str, ...],
                    make: Callable[[dict[str, Any], tuple[GoldProvision, ...]], Case]) -> Iterator[tuple[str, Case]]:
    """("file:line", case) for each line of a gold file of cells: JSON objects with `fields`, `provisions` (doc_id,
    page, quote; empty for not addressed) and `not_addressed`, made into cases by `make`. A malformed line raises
    ValueError naming the file and line."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
            provisions = tuple(GoldProvision(p["doc_id"], int(p["page"]), p["quote"]) for p in data["provisions"])
            case = make(data, provisions)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: not a {kind} case ({exc!r}); each line needs {', '.join(fields)} and "
                             f"provisions (a list of doc_id, page, quote; empty for not addressed)") from exc
        if bool(data.get("not_addressed")) != (not provisions):
            raise ValueError(f"{where}: not_addressed must be true exactly when provisions is empty")
        yield where, case


def passage_holds(passage: Passage, provision: GoldProvision) -> bool:
    chunk = passage.chunk
    return (chunk.doc_id == provision.doc_id and chunk.page_start <= provision.page <= chunk.page_end
            and passage_matches_quote(chunk.text, provision.quote))


def cell_hit(column: Cites, case: GoldCell) -> bool:
    """Whether one of the column's (or cell's) first HIT_DEPTH cited passages holds a gold provision."""
    cited = column.cited_passages()[:HIT_DEPTH]
    return any(passage_holds(p, g) for p in cited for g in case.provisions)


@dataclass(frozen=True)
class CaseResult:
    case: GoldCell
    addressed: bool
    hit: bool
    cited: tuple[str, ...]  # "doc_id p.N" of each cited passage, or of the closest one when not addressed
    ms: float
    reason: str = ""  # why it was said not addressed ("weak", "off-topic", …)


@dataclass(frozen=True)
class CompareReport:
    results: tuple[CaseResult, ...]
    name: str = "compare"  # "compare" or "crosswalk": the first word of the summary

    def metrics(self) -> dict[str, float]:
        answerable = [r for r in self.results if not r.case.not_addressed]
        gold_none = [r for r in self.results if r.case.not_addressed]
        said_none = [r for r in self.results if not r.addressed]
        true_none = [r for r in said_none if r.case.not_addressed]
        precision = len(true_none) / len(said_none) if said_none else 0.0
        recall = len(true_none) / len(gold_none) if gold_none else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        ms = [r.ms for r in self.results]
        return {
            "n_cells": len(self.results), "n_addressed": len(answerable), "n_not_addressed": len(gold_none),
            f"cell_hit@{HIT_DEPTH}": sum(r.hit for r in answerable) / len(answerable) if answerable else 0.0,
            "not_addressed_precision": precision, "not_addressed_recall": recall, "not_addressed_f1": f1,
            "wrongly_not_addressed": sum(not r.addressed for r in answerable) / len(answerable) if answerable else 0.0,
            "column_ms_p50": percentile(ms, 50) if ms else 0.0, "column_ms_p95": percentile(ms, 95) if ms else 0.0,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.metrics(), "cells": [
            {"id": r.case.id, **r.case.describe(),
             "gold_not_addressed": r.case.not_addressed, "addressed": r.addressed, "hit": r.hit,
             "cited": list(r.cited), "reason": r.reason, "ms": round(r.ms, 1)} for r in self.results]}

    def summary(self) -> str:
        m = self.metrics()
        lines = [(f"{self.name} eval: {m['n_cells']} cells ({m['n_addressed']} addressed, "
                  f"{m['n_not_addressed']} not addressed)")]
        for key in (f"cell_hit@{HIT_DEPTH}", "not_addressed_precision", "not_addressed_recall", "not_addressed_f1",
                    "wrongly_not_addressed"):
            lines.append(f"  {key:<26}{m[key]:.3f}")
        lines.append(f"  {'cell latency p50/p95':<26}{m['column_ms_p50']:.0f} / {m['column_ms_p95']:.0f} ms")
        misses = [r for r in self.results if (r.case.not_addressed == r.addressed) or
                  (not r.case.not_addressed and r.addressed and not r.hit)]
        if misses:
            lines.append("misses:")
            for r in misses:
                gold = "not addressed" if r.case.not_addressed else "addressed"
                said = "addressed" if r.addressed else f"not addressed ({r.reason or 'weak'})"
                lines.append(f"  {r.case.id}: gold {gold}, said {said}; cited {', '.join(r.cited) or '-'}")
        return "\n".join(lines)


def evaluate_compare(assistant: Assistant, cases: list[CompareCase],
                     documents: dict[str, DocumentFacts]) -> CompareReport:
    """Each case as a one-column comparison of its topic for its jurisdiction."""
    results = []
    for case in cases:
        comparison = compare(assistant, case.topic, (case.jurisdiction,), documents)
        column = comparison.columns[0]
        shown = column.cited_passages() or ((column.closest,) if column.closest is not None else ())
        results.append(case_result(case, column.addressed, column, shown, comparison.elapsed_ms, column.reason))
    return CompareReport(tuple(results))


def case_result(case: GoldCell, addressed: bool, cell: Cites, shown: tuple[Passage, ...], ms: float,
                reason: str = "") -> CaseResult:
    """A gold cell against what was said of it: addressed or not (and why not), the passages shown, the time."""
    cited = tuple(f"{p.chunk.doc_id} p.{p.chunk.page_start}" for p in shown)
    return CaseResult(case, addressed, addressed and cell_hit(cell, case), cited, ms, reason)
