"""Where the first stage leaves the evidence, and first-stage variants tried against it, on the shipped eval set
(answerable items; a chunk is evidence when it matches a quote of the item, `passage_matches_quote`):

- the rank of the evidence in the dense ranking and in the BM25 ranking over the whole index, and the better of
  the two per question (what a perfect fusion could reach);
- pseudo-relevance feedback on the dense query (Rocchio: the query plus β × the mean of the top m vectors);
- the convex fusion's dense weight set per question from the BM25 peak score;
- with `--sentence-windows`: each chunk also scored by its best two-sentence window (embeds every window of the
  corpus once, about two minutes on two cores);
- with `--list-items`: each chunk that holds an enumeration also scored by its best item, embedded with the
  chunk's title, section and the list's lead-in (about 1,700 items, 25 s);
- with `--expand`: the BM25 query widened by the corpus words nearest (by the embedder) to each question word the
  corpus uses rarely (a word vocabulary of about 5,500 words, 8 s), reported on the two halves of the set too.

Run: .venv/bin/python bench/first_stage_bench.py [--data-dir .policyqa] [--sentence-windows] [--list-items]
[--expand]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Callable

import numpy as np
from bench_paths import EVAL_SET

from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.matching import passage_matches_quote
from assistant.writers.extractive import list_items
from index.bm25 import _STOPWORDS
from index.fusion import convex_combination
from index.search import Searcher
from ingest.sentences import sentence_spans
from ingest.settings import load_settings

DEPTH = 100


def evidence_rank(scores: np.ndarray, evidence: set[int]) -> int:
    """1-based rank of the best-ranked evidence row under `scores` (one per row); a large number when none."""
    order = np.argsort(-scores, kind="stable")
    found = np.flatnonzero(np.isin(order, list(evidence)))
    return int(found[0]) + 1 if found.size else 10**6


def report(name: str, ranks: list[int]) -> None:
    r = np.asarray(ranks)
    mrr = float(np.mean([1.0 / x if x <= 10 else 0.0 for x in r]))
    print(f"{name:44s} hit@5 {np.mean(r <= 5):.3f}  hit@10 {np.mean(r <= 10):.3f}  hit@30 {np.mean(r <= 30):.3f}  "
          f"hit@100 {np.mean(r <= 100):.3f}  MRR@10 {mrr:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--sentence-windows", action="store_true")
    parser.add_argument("--list-items", action="store_true")
    parser.add_argument("--expand", action="store_true")
    args = parser.parse_args()
    searcher = Searcher.load(load_settings(overrides={"data_dir": args.data_dir}))
    items = [item for item in load_eval_set(EVAL_SET)[0] if item.evidence]
    chunks = searcher.chunks
    evidence = [{row for row, chunk in enumerate(chunks) for ev in item.evidence
                 if chunk.doc_id == ev.doc and passage_matches_quote(chunk.text, ev.quote)} for item in items]
    queries = searcher.embedder.encode([item.question for item in items])
    matrix = searcher.matrix()
    dense = queries @ matrix.T
    bm25 = np.zeros_like(dense)
    for i, item in enumerate(items):
        for row, score in searcher.bm25_ranking(item.question, len(chunks), None):
            bm25[i, row] = score
    print(f"{len(items)} answerable items, {len(chunks)} chunks")
    dense_ranks = [evidence_rank(dense[i], evidence[i]) for i in range(len(items))]
    bm25_ranks = [evidence_rank(bm25[i], evidence[i]) for i in range(len(items))]
    report("dense", dense_ranks)
    report("bm25", bm25_ranks)
    report("better of dense and bm25, per question", [min(d, b) for d, b in zip(dense_ranks, bm25_ranks)])

    def fused(alpha_of: Callable[[int], float], sparse: np.ndarray = bm25) -> list[int]:
        """The convex fusion as `Searcher` runs it: each question's top DEPTH of either ranking, a row outside the
        dense top DEPTH scored as its last, one outside the BM25 top DEPTH as 0."""
        ranks = []
        for i in range(len(items)):
            dense_top, bm25_top = np.argsort(-dense[i])[:DEPTH], np.argsort(-sparse[i])[:DEPTH]
            rows = np.union1d(dense_top, bm25_top)
            d = np.where(np.isin(rows, dense_top), dense[i, rows], dense[i, dense_top].min())
            s = np.where(np.isin(rows, bm25_top), sparse[i, rows], 0.0)
            combined = convex_combination(d, s, alpha_of(i))
            scores = np.full(len(chunks), -np.inf)
            scores[rows] = combined
            ranks.append(evidence_rank(scores, evidence[i]))
        return ranks

    report("hybrid, convex 0.7 (the default's first stage)", fused(lambda i: 0.7))
    peaks = bm25.max(axis=1)
    for threshold in (8.0, 12.0, 16.0):
        for low, high in ((0.8, 0.6), (0.9, 0.7)):
            report(f"hybrid, dense weight {high} if BM25 peak > {threshold:g} else {low}",
                   fused(lambda i, t=threshold, lo=low, hi=high: hi if peaks[i] > t else lo))
    for m in (3, 5, 10):
        for beta in (0.3, 0.5, 1.0):
            top = np.argsort(-dense, axis=1)[:, :m]
            moved = queries + beta * matrix[top].mean(axis=1)
            moved /= np.linalg.norm(moved, axis=1, keepdims=True)
            report(f"dense, feedback from top {m}, beta {beta}",
                   [evidence_rank(s, e) for s, e in zip(moved @ matrix.T, evidence)])
    if args.sentence_windows:
        texts, owner = [], []
        for row, chunk in enumerate(chunks):
            spans = sentence_spans(chunk.text, semicolons=False)
            pieces = [chunk.text[a:b] for a, b in spans] or [chunk.text]
            for start in range(len(pieces)):
                texts.append(f"{chunk.section.split(' > ')[-1]}: {' '.join(pieces[start:start + 2])}")
                owner.append(row)
        windows = searcher.embedder.encode(texts)
        best = np.full(dense.shape, -1.0)
        np.maximum.at(best.T, np.asarray(owner), (queries @ windows.T).T)
        print(f"{len(texts)} two-sentence windows")
        report("best window alone", [evidence_rank(s, e) for s, e in zip(best, evidence)])
        for weight in (0.3, 0.5, 1.0, 2.0):
            report(f"dense + {weight} x best window",
                   [evidence_rank(s, e) for s, e in zip(dense + weight * best, evidence)])
    if args.list_items:
        units, owner = [], []
        for row, chunk in enumerate(chunks):
            found = [item for item in list_items(chunk.text) if len(item.split()) >= 6] if chunk.kind == "text" else []
            for item in found if len(found) >= 2 else []:
                units.append(f"{chunk.title} > {chunk.section}\n{chunk.lead_in} {item}".strip())
                owner.append(row)
        best = np.full(dense.shape, -1.0)
        np.maximum.at(best.T, np.asarray(owner), (queries @ searcher.embedder.encode(units, bulk=True).T).T)
        print(f"{len(units)} list items of {len(set(owner))} chunks")
        for weight in (0.3, 0.5, 1.0):
            report(f"dense + {weight} x (best item - chunk)+",
                   [evidence_rank(s, e) for s, e in zip(dense + weight * np.maximum(0, best - dense), evidence)])
    if args.expand:
        expanded_bm25(searcher, items, evidence, fused)


def expanded_bm25(searcher: Searcher, items: list, evidence: list[set[int]],
                  fused: Callable[..., list[int]]) -> None:
    """BM25 over the question plus, for each question word in at most `rare` chunks, its `k` nearest corpus words
    of cosine ≥ `floor`; fused with dense as the default fuses them, on the whole set and on its two halves."""
    word = re.compile(r"[a-z][a-z-]{2,}")
    frequency: Counter[str] = Counter()
    for chunk in searcher.chunks:
        frequency.update(set(word.findall(chunk.text.lower())))
    vocabulary = [w for w, n in frequency.items() if n >= 2 and w not in _STOPWORDS]
    vocabulary_vectors = searcher.embedder.encode(vocabulary, bulk=True)
    asked = sorted({w for item in items for w in word.findall(item.question.lower()) if w not in _STOPWORDS})
    asked_vectors = dict(zip(asked, searcher.embedder.encode(asked, bulk=True)))
    halves = (np.arange(0, len(items), 2), np.arange(1, len(items), 2))
    plain = np.asarray(fused(lambda i: 0.7))
    for label, half in zip("AB", halves):
        report(f"  hybrid, convex 0.7, half {label}", list(plain[half]))
    for rare, k, floor in ((0, 2, 0.5), (3, 2, 0.5), (10, 3, 0.55), (3, 3, 0.6), (30, 2, 0.6)):
        sparse = np.zeros((len(items), len(searcher.chunks)))
        for i, item in enumerate(items):
            extra = []
            for w in word.findall(item.question.lower()):
                if w in _STOPWORDS or frequency.get(w, 0) > rare:
                    continue
                similarity = vocabulary_vectors @ asked_vectors[w]
                extra += [vocabulary[j] for j in np.argsort(-similarity)[:k]
                          if similarity[j] >= floor and vocabulary[j] != w]
            for row, score in searcher.bm25_ranking(" ".join([item.question, *extra]), len(searcher.chunks), None):
                sparse[i, row] = score
        ranks = np.asarray(fused(lambda i: 0.7, sparse))
        name = f"hybrid, BM25 expanded (words in <= {rare} chunks, {k} nearest, cosine >= {floor})"
        report(name, list(ranks))
        for label, half in zip("AB", halves):
            report(f"  half {label}", list(ranks[half]))


if __name__ == "__main__":
    main()
