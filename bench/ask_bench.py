"""Latency of `ask` (extractive), warm, over 100 questions of the shipped eval set: p50/p95 per stage.

Run from the repository root (needs a built index): .venv/bin/python bench/ask_bench.py [--data-dir .policyqa]
"""

from __future__ import annotations

import argparse
import statistics

from bench_paths import EVAL_SET

from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.metrics import percentile
from assistant.pipeline import Assistant
from ingest.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    assistant = Assistant.load(load_settings(overrides={"data_dir": args.data_dir}))
    items, _ = load_eval_set(EVAL_SET)
    questions = [item.question for item in items][: args.questions]
    for question in questions[:5]:  # warm-up: lazy matrices, tokenizer caches
        assistant.ask(question)
    stages: dict[str, list[float]] = {}
    for question in questions:
        for stage, ms in assistant.ask(question).timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    print(f"ask latency over {len(questions)} questions (extractive, warm), ms")
    print("| stage | p50 | p95 | mean |\n|---|---|---|---|")
    for stage, values in stages.items():
        print(f"| {stage.removesuffix('_ms')} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
              f"{statistics.mean(values):.1f} |")


if __name__ == "__main__":
    main()
