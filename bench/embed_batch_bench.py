"""Embedding throughput of the shipped model per batch size, on a sample of the corpus's real embedded texts.

Run from the repository root:  .venv/bin/python bench/embed_batch_bench.py  [--sample 400] [--rounds 2]
                               .venv/bin/python bench/embed_batch_bench.py --order [--sample 1024] [--threads 1]

Each batch size is timed `--rounds` times, interleaved with the others so that a busy neighbour on the machine
slows every size alike; the table gives the best and the median round. What it chose: `embed_batch_size = 8`.

`--order` compares, at the configured batch size, the order chunks are embedded in: as they come (each batch
on its own), in the cache's parts of 256 as builds did before (each part sorted by length inside the model),
and sorted longest first across the build (what `embed_with_cache` and `Embedder.encode` do now). It counts
chunks per CPU-second of this process (time.process_time), which a busy neighbour disturbs less than wall time.
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
from index.cache import SAVE_EVERY
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
    parser.add_argument("--order", action="store_true", help="Compare embedding orders instead of batch sizes.")
    parser.add_argument("--threads", type=int, default=None,
                        help="Torch threads (default: torch's own); 1 keeps spin-waiting out of the CPU time.")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    settings = Settings(corpus_dir=args.corpus_dir, manifest_path=args.manifest)
    result = ingest_files(files_to_ingest(settings, include_extras=False), chunking_params(settings))
    texts = [embedding_text(chunk, settings.embed_prefix) for chunk in result.chunks]
    picked = np.random.default_rng(0).choice(len(texts), min(args.sample, len(texts)), replace=False)
    sample = [texts[i] for i in picked]

    embedder = Embedder.for_settings(settings)
    embedder.model.encode(sample[:32], batch_size=8)  # warm-up: the first call pays for lazy initialisation
    if args.order:
        compare_orders(embedder, sample, args.rounds)
        return
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


def compare_orders(embedder: Embedder, sample: list[str], rounds: int) -> None:
    """Chunks per CPU-second for each embedding order, and the largest difference between their vectors."""
    size = embedder.batch_size

    def as_they_come() -> np.ndarray:
        return np.vstack([embedder.model.encode(sample[i:i + size], batch_size=size)
                          for i in range(0, len(sample), size)])

    def parts_of_256() -> np.ndarray:
        return np.vstack([embedder.model.encode(sample[i:i + SAVE_EVERY], batch_size=size)
                          for i in range(0, len(sample), SAVE_EVERY)])

    def sorted_by_length() -> np.ndarray:
        longest_first = sorted(range(len(sample)), key=lambda i: -len(sample[i]))
        vectors = np.empty((len(sample), embedder.dimension), dtype=np.float32)
        for start in range(0, len(sample), SAVE_EVERY):
            rows = longest_first[start:start + SAVE_EVERY]
            vectors[rows] = embedder.encode([sample[i] for i in rows])
        return vectors

    orders = {"as they come (batch by batch)": as_they_come, "parts of 256 (before)": parts_of_256,
              "sorted longest first (now)": sorted_by_length}
    seconds: dict[str, list[float]] = {name: [] for name in orders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name, run in orders.items():
            started = time.process_time()
            vectors[name] = run()
            seconds[name].append(time.process_time() - started)
    reference = vectors["as they come (batch by batch)"]
    print(f"Embedding order: {embedder.model_id}, {len(sample)} corpus chunks, batch size {size}, "
          f"{os.cpu_count()} CPUs, {rounds} rounds; chunks per CPU-second of this process")
    print()
    print("| order | best (chunks/CPU-s) | median (chunks/CPU-s) | max abs difference to 'as they come' |")
    print("|---|---|---|---|")
    for name in orders:
        best, median = min(seconds[name]), statistics.median(seconds[name])
        drift = float(np.abs(vectors[name] - reference).max())
        print(f"| {name} | {len(sample) / best:.1f} | {len(sample) / median:.1f} | {drift:.1e} |")


if __name__ == "__main__":
    main()
