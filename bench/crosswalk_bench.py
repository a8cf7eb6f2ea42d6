"""Time of `crosswalk` for a frame of 10 rows (the OECD AI Principles) against the indexed documents (13 in the
default corpus): made cold (no stored crosswalk; index and model loaded, as in the UI or a second CLI call), then
read back from the cache. Goals: ≤ 30 s cold, instant from the cache.

Run from the repository root (needs a built index):
    .venv/bin/python bench/crosswalk_bench.py [--data-dir .policyqa] [--frame oecd-ai-principles] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_paths import REPO

from assistant.compare import indexed_document_facts
from assistant.crosswalk_cache import cached_crosswalk
from assistant.evaluation.metrics import percentile
from assistant.frames import find_frame, frames_dir_of
from assistant.pipeline import Assistant
from index.embed import use_query_threads
from ingest.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / ".policyqa")
    parser.add_argument("--frame", default="oecd-ai-principles")
    parser.add_argument("--runs", type=int, default=1, help="cold crosswalks to time (each in a fresh cache)")
    args = parser.parse_args()
    use_query_threads()  # as the CLI and the UI encode queries
    settings = load_settings(overrides={"data_dir": args.data_dir})
    started = time.perf_counter()
    assistant = Assistant.load(settings)
    facts = indexed_document_facts(assistant)
    frame = find_frame(args.frame, frames_dir_of(settings.manifest_path))
    print(f"load\t{time.perf_counter() - started:.2f} s")
    cold, cached = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            clock = time.perf_counter()
            walk = cached_crosswalk(assistant, frame, facts, "document", Path(cache))
            cold.append(time.perf_counter() - clock)
            assert not walk.from_cache
            for _ in range(5):
                clock = time.perf_counter()
                assert cached_crosswalk(assistant, frame, facts, "document", Path(cache)).from_cache
                cached.append((time.perf_counter() - clock) * 1000)
    cells = len(walk.rows) * len(walk.columns)
    print(f"crosswalk {frame.id}: {len(walk.rows)} rows × {len(walk.columns)} documents = {cells} cells")
    print(f"cold\tp50 {percentile(cold, 50):.1f} s over {len(cold)} run(s) ({percentile(cold, 50) / cells * 1000:.0f} ms "
          f"a cell)\tgoal ≤ 30 s")
    print(f"cached\tp50 {percentile(cached, 50):.0f} ms over {len(cached)} reads")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
