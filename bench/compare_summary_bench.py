"""How often the answer model's one-sentence summary of a compare column survives the citation check, and how long
one takes: every (topic, jurisdiction) cell of a compare gold file is compared, then each column with cited
sentences is summarised by the installed answer model (`policyqa model list`).

Run from the repository root (needs a built index and an installed model):
    .venv/bin/python bench/compare_summary_bench.py [--gold corpus/eval/compare-gold.jsonl] [--data-dir .policyqa]
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

from bench_paths import REPO

from assistant.compare import compare, indexed_document_facts
from assistant.compare_summary import summarise
from assistant.evaluation.compare_eval import load_compare_gold
from assistant.evaluation.metrics import percentile
from assistant.pipeline import Assistant
from index.embed import use_query_threads
from ingest.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "corpus" / "eval" / "compare-gold.jsonl")
    parser.add_argument("--data-dir", type=Path, default=REPO / ".policyqa")
    args = parser.parse_args()
    use_query_threads()  # as the CLI and the UI encode queries
    settings = load_settings(overrides={"data_dir": args.data_dir})
    assistant = Assistant.load(settings)
    facts = indexed_document_facts(assistant)
    topics: dict[str, list[str]] = {}
    for case in load_compare_gold(args.gold, assistant.registry.codes):
        topics.setdefault(case.topic, []).append(case.jurisdiction)
    summaries = []
    for topic, jurisdictions in topics.items():
        summarised = summarise(assistant, compare(assistant, topic, tuple(jurisdictions), facts))
        if summarised.summaries.startswith("no summaries"):
            raise SystemExit(summarised.summaries)
        for column in summarised.columns:
            if column.summary is not None:
                summaries.append(column.summary)
                shown = column.shown_summary or f"(dropped: {column.summary.dropped})"
                print(f"{topic} / {column.jurisdiction}\t{column.summary.elapsed_ms / 1000:.1f} s\t{shown}")
    kept = sum(1 for s in summaries if s.text)
    times = [s.elapsed_ms / 1000 for s in summaries]
    print(f"\n{len(topics)} topics, {sum(len(j) for j in topics.values())} columns, {len(summaries)} with cited "
          f"sentences summarised by {summaries[0].writer if summaries else '(none)'}")
    print(f"shown (passed the citation check): {kept} of {len(summaries)} ({kept / max(1, len(summaries)):.0%})")
    for reason, count in Counter(s.dropped for s in summaries if not s.text).most_common():
        print(f"  dropped, {reason}: {count}")
    print(f"time a column: p50 {percentile(times, 50):.1f} s, p95 {percentile(times, 95):.1f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
