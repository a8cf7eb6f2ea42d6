"""Retrieval quality of each search mode and fusion on the shipped eval set (answerable items).

Run: .venv/bin/python bench/retrieval_sweep.py [--data-dir .policyqa] [--k 10]
"""

from __future__ import annotations

import argparse
import json

from bench_paths import EVAL_SET

from assistant.evaluation.matching import passage_matches_quote
from index.search import Searcher
from ingest.settings import load_settings


def first_hit(passages, evidence) -> int:
    for passage in passages:
        for ev in evidence:
            if passage.chunk.doc_id == ev["doc"] and passage_matches_quote(passage.chunk.text, ev["quote"]):
                return passage.rank
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    settings = load_settings(overrides={"data_dir": args.data_dir})
    searcher = Searcher.load(settings)
    items = [json.loads(line) for line in EVAL_SET.read_text().splitlines() if line.strip()]
    items = [i for i in items if i.get("evidence")]
    configs = [("dense", "rrf", 0.5), ("bm25", "rrf", 0.5), ("hybrid", "rrf", 0.5)]
    configs += [("hybrid", "convex", a) for a in (0.5, 0.6, 0.7, 0.8, 0.9)]
    print(f"{len(items)} answerable items, k={args.k}")
    print(f"{'mode':8} {'fusion':7} {'alpha':5} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR@10':>7}")
    for mode, fusion, alpha in configs:
        searcher.fusion, searcher.convex_alpha = fusion, alpha
        ranks = [first_hit(searcher.search(i["question"], k=args.k, mode=mode), i["evidence"]) for i in items]
        hits = [sum(1 for r in ranks if 0 < r <= n) / len(ranks) for n in (1, 5, 10)]
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        print(f"{mode:8} {fusion:7} {alpha:<5} {hits[0]:6.3f} {hits[1]:6.3f} {hits[2]:6.3f} {mrr:7.3f}")


if __name__ == "__main__":
    main()
