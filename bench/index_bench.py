"""Index a copy of the default corpus from scratch; print build, rebuild and query figures in Markdown.

Run from the repository root:  .venv/bin/python bench/index_bench.py  [--corpus-dir DIR] [--queries 100]

Figures: full build from an empty data dir with the model load included (median of --full-builds runs; seconds,
chunks/s), a no-op rebuild, a rebuild after one document changed (seconds, and chunks embedded: only that
document's), warm query latency p50/p95 per search mode, and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_paths import DEFAULT_CORPUS, DEFAULT_MANIFEST, EVAL_SET

from assistant.evaluation.metrics import percentile
from index.build import build_index
from index.embed import Embedder
from index.layout import current_version_dir, read_manifest
from index.models import SEARCH_MODES
from index.search import Searcher
from ingest.corpus_files import files_to_ingest
from ingest.manifest import load_manifest
from ingest.settings import Settings

CHANGED_DOC = "oecd-ai-recommendation-2024"
APPENDED = ("\n\n## Review\n\nAdherents will review the implementation of this Recommendation and report "
            "to the Council on progress with trustworthy AI, including its effects on labour markets.\n")


def chunk_ids_of(settings: Settings, doc_id: str) -> set[str]:
    version_dir = current_version_dir(settings.index_dir)
    assert version_dir is not None
    return set(read_manifest(version_dir).documents[doc_id].chunk_ids)


def latencies_ms(searcher: Searcher, questions: list[str], mode: str) -> tuple[float, float]:
    for question in questions[:5]:  # warm-up: the first calls pay for lazy initialisation
        searcher.search(question, k=10, mode=mode)
    timings = []
    for question in questions:
        started = time.perf_counter()
        searcher.search(question, k=10, mode=mode)
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 50), percentile(timings, 95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--queries", type=int, default=100, help="Questions of the shipped eval set to time.")
    parser.add_argument("--full-builds", type=int, default=3, help="Full builds to time (median reported).")
    parser.add_argument("--vector-store", choices=("flat", "hnsw"), default="flat")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="policyqa-index-bench-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        for entry in load_manifest(args.manifest):
            if (args.corpus_dir / entry.file).is_file():
                shutil.copyfile(args.corpus_dir / entry.file, corpus / entry.file)
        settings = Settings(data_dir=root / "data", corpus_dir=corpus, manifest_path=args.manifest,
                            vector_store=args.vector_store)
        files = files_to_ingest(settings)
        if not files:
            sys.exit(f"no documents in {args.corpus_dir}")
        rows: list[tuple[str, str]] = []

        # As `policyqa index build` runs it: the build loads the model itself, and the embedding cache is empty.
        # Several builds, because a shared 2-core machine varies by ±10 % from one minute to the next.
        seconds = []
        for _ in range(args.full_builds):
            shutil.rmtree(settings.data_dir, ignore_errors=True)
            full = build_index(settings, files)
            assert full.full and not full.failures and full.embedded == full.chunks, full
            seconds.append(full.seconds)
        median = statistics.median(seconds)
        spread = f", range {min(seconds):.1f}–{max(seconds):.1f} s over {len(seconds)} builds" if len(seconds) > 1 else ""
        rows.append(("full build, model load included", f"median {median:.1f} s{spread} ({len(files)} documents, "
                                                        + f"{full.chunks} chunks, {full.chunks / median:.1f} chunks/s)"))
        embedder = Embedder.for_settings(settings)

        noop = build_index(settings, files_to_ingest(settings))  # no embedder given: it must not need one
        assert noop.status == "up to date", noop
        rows.append(("no-op rebuild", f"{noop.seconds:.2f} s"))

        before = chunk_ids_of(settings, CHANGED_DOC)
        changed_file = next(path for path, entry in files if entry.id == CHANGED_DOC)
        with changed_file.open("a", encoding="utf-8") as handle:
            handle.write(APPENDED)
        one = build_index(settings, files_to_ingest(settings), embedder=embedder)
        assert one.changed == [CHANGED_DOC] and not one.added and not one.removed, one
        after = chunk_ids_of(settings, CHANGED_DOC)
        assert one.embedded <= len(after - before), (one.embedded, len(after - before))
        new = len(after - before)
        rows.append(("rebuild, one document changed", f"{one.seconds:.1f} s ({one.embedded} chunk(s) embedded; "
                                                      + f"{CHANGED_DOC} has {len(after)} chunks, {new} new)"))

        lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()][:args.queries]
        searcher = Searcher.load(settings, embedder)
        for mode in SEARCH_MODES:
            p50, p95 = latencies_ms(searcher, questions, mode)
            rows.append((f"query latency, {mode}",
                         f"p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(questions)} queries, k=10, warm)"))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    rows.append(("peak RSS", f"{peak_mb:.0f} MB"))

    print(f"Index benchmark: {settings.embedder}, {args.vector_store} store, {os.cpu_count()} CPUs")
    print()
    print("| measure | value |")
    print("|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
