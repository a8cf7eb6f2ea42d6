"""Fusion of ranked lists: reciprocal rank fusion and a convex combination of normalised scores."""

from __future__ import annotations

import numpy as np

RRF_K = 60


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K,
                           weights: list[float] | None = None) -> dict[int, float]:
    """Σ weight / (k + rank) over the lists in which each row appears (rank 1-based)."""
    fused: dict[int, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def min_max(scores: np.ndarray) -> np.ndarray:
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    return np.zeros_like(scores) if high <= low else (scores - low) / (high - low)


def convex_combination(dense: np.ndarray, sparse: np.ndarray, alpha: float) -> np.ndarray:
    """alpha · dense + (1 − alpha) · sparse, each min-max normalised over the candidates."""
    return alpha * min_max(dense) + (1.0 - alpha) * min_max(sparse)
