"""Time of `compare` for five jurisdictions in one process with the index and model loaded (the extractive
path): p50 and p95 over a few topics run `--runs` times each, and the share spent per column.

Run from the repository root (needs a built index):
    .venv/bin/python bench/compare_bench.py [--data-dir .policyqa] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bench_paths import REPO

from assistant.compare import compare, indexed_document_facts
from assistant.evaluation.metrics import percentile
from assistant.pipeline import Assistant
from index.embed import use_query_threads
from ingest.settings import load_settings

TOPICS = ("human oversight", "transparency and explainability", "Chief AI Officers", "international cooperation",
          "watermarking of AI-generated content")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / ".policyqa")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    use_query_threads()  # as the CLI and the UI encode queries
    settings = load_settings(overrides={"data_dir": args.data_dir})
    started = time.perf_counter()
    assistant = Assistant.load(settings)
    facts = indexed_document_facts(assistant)
    print(f"load\t{time.perf_counter() - started:.2f} s")
    jurisdictions = assistant.registry.declared
    compare(assistant, "warm-up", jurisdictions, facts)
    times = [compare(assistant, topic, jurisdictions, facts).elapsed_ms
             for _ in range(args.runs) for topic in TOPICS]
    load = os.getloadavg()[0]
    print(f"compare, {len(jurisdictions)} jurisdictions, {len(times)} runs: "
          f"p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms "
          f"({percentile(times, 50) / len(jurisdictions):.0f} ms a column; load average {load:.1f} "
          f"on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
