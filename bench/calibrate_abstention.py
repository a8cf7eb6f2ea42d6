"""Calibrate the abstention policy on the shipped eval sets: every item's evidence signals once, then a sweep of
the policy's weights, keeping those that maximise the lower of the sets' abstention F1 (ties: the higher mean
F1, then fewer answerable items abstained) with answerable items wrongly abstained at most 5 % in each
(unanswerable items are the positive class).

Run: .venv/bin/python bench/calibrate_abstention.py [--data-dir .policyqa] [--dump signals.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import asdict
from pathlib import Path

from bench_paths import EVAL_SET, NEAR_MISS_SET

from assistant.abstention import AbstentionPolicy, EvidenceSignals, decide
from assistant.evaluation.dataset import load_eval_set
from assistant.pipeline import Assistant
from ingest.settings import load_settings

MAX_WRONGLY_ABSTAINED = 0.05
Row = tuple[bool, str, EvidenceSignals]  # unanswerable, answer kind, signals


def signals_of(evidence: dict[str, float]) -> EvidenceSignals:
    def flag(name: str) -> bool | None:
        return None if evidence[name] < 0 else bool(evidence[name])

    return EvidenceSignals(evidence["best_sentence_similarity"], int(evidence["names_not_found"]),
                           int(evidence["terms_not_found"]), flag("fact_found"), flag("jurisdiction_found"),
                           outside_corpus="elsewhere" if evidence.get("outside_corpus") else "",
                           after_the_documents=bool(evidence.get("after_the_documents")))


def scores(rows: list[Row], policy: AbstentionPolicy) -> tuple[float, float]:
    """(abstention F1, share of answerable items abstained) of a policy over one set's rows."""
    tp = fp = fn = 0
    for unanswerable, kind, signals in rows:
        abstained = decide(signals, kind, policy).abstain
        tp += abstained and unanswerable
        fp += abstained and not unanswerable
        fn += (not abstained) and unanswerable
    answerable = sum(1 for u, _, _ in rows if not u)
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), (fp / answerable if answerable else 0.0)


def sweep(sets: dict[str, list[Row]]) -> tuple[AbstentionPolicy, dict[str, tuple[float, float]]]:
    best: tuple[tuple[float, float, float], AbstentionPolicy, dict[str, tuple[float, float]]] | None = None
    grid = itertools.product([t / 100 for t in range(15, 61)], (0.1, 0.15, 0.2, 0.3), (0.0, 0.05, 0.1, 0.15, 0.2),
                             (True, False), (True, False), (True, False))
    for threshold, names, terms, facts, jurisdiction, later in grid:
        policy = AbstentionPolicy(threshold, names, terms, facts, jurisdiction, later)
        figures = {name: scores(rows, policy) for name, rows in sets.items()}
        if any(wrong > MAX_WRONGLY_ABSTAINED for _, wrong in figures.values()):
            continue
        f1s = [f1 for f1, _ in figures.values()]
        rank = (min(f1s), sum(f1s) / len(f1s), -sum(wrong for _, wrong in figures.values()))
        if best is None or rank > best[0]:
            best = (rank, policy, figures)
    if best is None:
        raise SystemExit("no policy keeps answerable items wrongly abstained under 5 % in every set")
    return best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--dump", default=None, help="write every item's evidence signals to this JSON file")
    args = parser.parse_args()
    assistant = Assistant.load(load_settings(overrides={"data_dir": args.data_dir}))
    sets: dict[str, list[Row]] = {}
    dump: dict[str, list[dict[str, object]]] = {}
    for path in (EVAL_SET, NEAR_MISS_SET):
        items, _ = load_eval_set(path)
        rows: list[Row] = []
        for item in items:
            answer = assistant.ask(item.question)
            if not answer.evidence:
                continue  # not read at all (a question in another language): no signals to weigh
            rows.append((not item.answerable, answer.kind, signals_of(answer.evidence)))
            dump.setdefault(path.name, []).append({"id": item.id, "unanswerable": not item.answerable,
                                                   "kind": answer.kind, **answer.evidence})
        sets[path.name] = rows
    if args.dump:
        Path(args.dump).write_text(json.dumps(dump, indent=1))
    current = AbstentionPolicy()
    for name, rows in sets.items():
        f1, wrong = scores(rows, current)
        print(f"current policy {asdict(current)} on {name}: abstention F1 {f1:.3f}, wrongly abstained {wrong:.3f}")
    policy, figures = sweep(sets)
    print(f"best policy {asdict(policy)}")
    for name, (f1, wrong) in figures.items():
        print(f"  {name}: abstention F1 {f1:.3f}, wrongly abstained {wrong:.3f}")


if __name__ == "__main__":
    main()
