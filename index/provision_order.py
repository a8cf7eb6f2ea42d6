"""Paragraphs of one provision in document order: a search for "Article 99 Penalties" scores the article's
paragraphs alike, and a reader expects 99(1), 99(2), 99(3) rather than the order of small score differences.

>>> in_document_order([(7, 0.90), (3, 0.89), (5, 0.50)], {7: ("eu", "Article 99"), 3: ("eu", "Article 99")}.get)
[(3, 0.89), (7, 0.9), (5, 0.5)]
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

# Scores of one provision's passages within this share of the best score are ties: document order decides.
TIE_SHARE = 0.03


def in_document_order(ranked: list[tuple[int, float]], unit_of: Callable[[int], Hashable | None],
                      tie_share: float = TIE_SHARE) -> list[tuple[int, float]]:
    """`ranked` (row, score) best first, rows numbered in document order. The passages of one unit (`unit_of`
    a row; None for a row that belongs to no unit) whose scores tie keep the places they hold in the ranking,
    filled in document order; each keeps its own score. Passages of other units do not move."""
    if not ranked:
        return ranked
    margin = tie_share * abs(ranked[0][1])
    places: dict[Hashable, list[int]] = {}
    for place, (row, _) in enumerate(ranked):
        unit = unit_of(row)
        if unit is not None:
            places.setdefault(unit, []).append(place)
    ordered = list(ranked)
    for held in places.values():
        tied: list[int] = []
        for place in held + [-1]:  # -1 closes the last group of ties
            if tied and (place < 0 or ranked[tied[0]][1] - ranked[place][1] > margin):
                for at, entry in zip(tied, sorted((ranked[p] for p in tied), key=lambda e: e[0])):
                    ordered[at] = entry
                tied = []
            if place >= 0:
                tied.append(place)
    return ordered
