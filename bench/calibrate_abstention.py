"""Calibrate the abstention threshold on the shipped eval set: the evidence strength of every item, and the
threshold that maximises abstention F1 (unanswerable items are the positive class).

Run: .venv/bin/python bench/calibrate_abstention.py [--data-dir .policyqa]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench_paths import EVAL_SET

from assistant.evaluation.dataset import load_eval_set
from assistant.pipeline import Assistant
from ingest.settings import load_settings


def best_threshold(strengths: list[tuple[float, bool]]) -> tuple[float, float]:
    """(threshold, F1) maximising abstention F1; an item abstains when its strength is below the threshold."""
    best = (0.0, 0.0)
    for threshold in sorted({s for s, _ in strengths} | {1e9}):
        tp = sum(1 for s, unanswerable in strengths if s < threshold and unanswerable)
        fp = sum(1 for s, unanswerable in strengths if s < threshold and not unanswerable)
        fn = sum(1 for s, unanswerable in strengths if s >= threshold and unanswerable)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--dump", default=None, help="write every item's evidence signals to this JSON file")
    args = parser.parse_args()
    settings = load_settings(overrides={"data_dir": args.data_dir, "abstain_threshold": -10.0})
    assistant = Assistant.load(settings)
    items, _ = load_eval_set(EVAL_SET)
    strengths = []
    rows = []
    for item in items:
        answer = assistant.ask(item.question)
        unanswerable = item.answer is None and not item.evidence
        strengths.append((answer.evidence["strength"], unanswerable))
        rows.append((item.id, unanswerable, answer.evidence))
        if unanswerable:
            print(f"unanswerable {item.id}: {answer.evidence}  {item.question}", flush=True)
    answerable = sorted(s for s, u in strengths if not u)
    print(f"answerable strengths: min {answerable[0]:.3f} p5 {answerable[len(answerable) // 20]:.3f} "
          f"p10 {answerable[len(answerable) // 10]:.3f} median {answerable[len(answerable) // 2]:.3f}")
    if args.dump:
        Path(args.dump).write_text(json.dumps(rows))
    threshold, f1 = best_threshold(strengths)
    print(f"best threshold {threshold:.3f}: abstention F1 {f1:.3f}")


if __name__ == "__main__":
    main()
