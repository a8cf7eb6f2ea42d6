"""Where the growth benchmark's figures go at one size: a hybrid query's time split into the backend's dense and
lexical calls and the rest (`Searcher`'s own work), and what the answer pipeline's router holds beside the chunks.

Run from the repository root, with a built index in --data-dir (the same synthetic chunks as
bench/pg_growth_bench.py):
    .venv/bin/python bench/growth_parts_bench.py --size 1000000 --store flat [--queries 30]

The router's memory is measured over the synthetic chunks in this process (tracemalloc: what it holds, and the
peak while it is built), whichever store is named: every answering process builds one at load.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path

from bench_paths import EVAL_SET, REPO
from pg_growth_bench import build, rss_mb, synthetic

from assistant.routing import Router
from index.backends.factory import open_backend
from index.search import Searcher
from ingest.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / ".policyqa")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--store", default="flat", choices=("flat", "hnsw"))
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()

    source = Searcher.load(Settings(data_dir=args.data_dir))
    vectors = source.backend.vectors([c.chunk_id for c in source.chunks])
    docs, synthetic_vectors = synthetic(source.chunks, vectors, args.size)
    root = Path(tempfile.mkdtemp(prefix="growth-parts-"))
    settings = Settings(data_dir=root, vector_store=args.store)
    build(open_backend(settings), docs, synthetic_vectors, args.store)
    del synthetic_vectors
    backend = open_backend(settings)
    searcher = Searcher(backend, backend.manifest(), backend.chunks(), source.embedder)
    questions = [json.loads(line)["question"] for line in EVAL_SET.read_text(encoding="utf-8").splitlines()
                 if line.strip()][:args.queries]
    query_vectors = source.embedder.encode(questions)
    for question, vector in zip(questions[:3], query_vectors):  # warm
        searcher.search(question, k=10, query_vector=vector)
    parts: dict[str, list[float]] = {"dense": [], "lexical": [], "whole search": []}
    for question, vector in zip(questions, query_vectors):
        for name, call in (("dense", partial(backend.dense, vector, 100, None)),
                           ("lexical", partial(backend.lexical, question, 100, None)),
                           ("whole search", partial(searcher.search, question, k=10, query_vector=vector))):
            started = time.perf_counter()
            call()
            parts[name].append((time.perf_counter() - started) * 1000)
    medians = {name: round(statistics.median(times), 1) for name, times in parts.items()}
    print(f"{args.store} {args.size:,d} chunks, {len(questions)} queries, p50 ms: {medians}; "
          f"the rest of a search: {medians['whole search'] - medians['dense'] - medians['lexical']:.1f} ms")
    del searcher, backend
    shutil.rmtree(root, ignore_errors=True)

    chunks = [chunk for doc_id in sorted(docs) for chunk in docs[doc_id]]
    gc.collect()
    before = rss_mb()
    tracemalloc.start()
    router = Router.from_chunks(chunks)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # kept: what the router holds; peak: what building it needs (a word set per chunk, dropped at the end)
    print(f"Router.from_chunks over {len(chunks):,d} chunks ({len(router.titles):,d} documents): holds "
          f"{kept / 2**20:.0f} MB, needs {peak / 2**20:.0f} MB while it is built, resident growth "
          f"+{rss_mb() - before:.0f} MB")


if __name__ == "__main__":
    main()
