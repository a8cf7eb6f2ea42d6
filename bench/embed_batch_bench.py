"""Embedding throughput of the shipped model per batch size, on a sample of the corpus's real embedded texts.

Run from the repository root:  .venv/bin/python bench/embed_batch_bench.py  [--sample 400] [--rounds 2]

Each batch size is timed `--rounds` times, interleaved with the others so that a busy neighbour on the machine
slows every size alike; the table gives the best and the median round. What it chose: `embed_batch_size = 8`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
from bench_paths import DEFAULT_CORPUS, DEFAULT_MANIFEST

from index.build import embedding_text
from index.embed import Embedder
from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.pipeline import ingest_files
from ingest.settings import Settings

BATCH_SIZES = (4, 8, 16, 32, 64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--sample", type=int, default=400, help="Chunks to embed per round.")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    settings = Settings(corpus_dir=args.corpus_dir, manifest_path=args.manifest)
    result = ingest_files(files_to_ingest(settings, include_extras=False), chunking_params(settings))
    texts = [embedding_text(chunk, settings.embed_prefix) for chunk in result.chunks]
    picked = np.random.default_rng(0).choice(len(texts), min(args.sample, len(texts)), replace=False)
    sample = [texts[i] for i in picked]

    embedder = Embedder.load(settings.embedder)
    embedder.model.encode(sample[:32], batch_size=8)  # warm-up: the first call pays for lazy initialisation
    seconds: dict[int, list[float]] = {size: [] for size in BATCH_SIZES}
    for _ in range(args.rounds):
        for size in BATCH_SIZES:
            started = time.perf_counter()
            embedder.model.encode(sample, batch_size=size, normalize_embeddings=True)
            seconds[size].append(time.perf_counter() - started)

    print(f"Embedding throughput: {settings.embedder}, {len(sample)} corpus chunks ({settings.embed_prefix} "
          f"prefix), {os.cpu_count()} CPUs, {args.rounds} rounds")
    print()
    print("| batch size | best (passages/s) | median (passages/s) |")
    print("|---|---|---|")
    for size in BATCH_SIZES:
        best, median = min(seconds[size]), statistics.median(seconds[size])
        print(f"| {size} | {len(sample) / best:.1f} | {len(sample) / median:.1f} |")


if __name__ == "__main__":
    main()
