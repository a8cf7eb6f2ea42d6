"""Paragraphs of one provision in document order: a search for "Article 99 Penalties" names the article, and a
reader expects its paragraphs 1, 2, 3 … rather than the order of score differences between them.

>>> in_document_order([(7, 0.90), (3, 0.80), (5, 0.50)], {7: "Art 99", 3: "Art 99"}.get, {"Art 99"}.__contains__)
[(3, 0.8), (7, 0.9), (5, 0.5)]
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

# Scores of one provision's passages within this share of the best score are ties: document order decides.
TIE_SHARE = 0.03


def in_document_order(ranked: list[tuple[int, float]], unit_of: Callable[[int], Hashable | None],
                      named: Callable[[Hashable], bool] = lambda unit: False,
                      tie_share: float = TIE_SHARE) -> list[tuple[int, float]]:
    """`ranked` (row, score) best first, rows numbered in document order. The passages of one unit (`unit_of` a
    row; None for a row that belongs to no unit) keep the places they hold in the ranking and fill them in
    document order: all of them for a unit the query names (`named`), else those whose scores tie. Each keeps
    its own score; passages of other units do not move."""
    if not ranked:
        return ranked
    margin = tie_share * abs(ranked[0][1])
    places: dict[Hashable, list[int]] = {}
    for place, (row, _) in enumerate(ranked):
        unit = unit_of(row)
        if unit is not None:
            places.setdefault(unit, []).append(place)
    ordered = list(ranked)
    for unit, held in places.items():
        whole = named(unit)
        tied: list[int] = []
        for place in held + [-1]:  # -1 closes the last group
            if tied and (place < 0 or not whole and ranked[tied[0]][1] - ranked[place][1] > margin):
                for at, entry in zip(tied, sorted((ranked[p] for p in tied), key=lambda e: e[0])):
                    ordered[at] = entry
                tied = []
            if place >= 0:
                tied.append(place)
    return ordered
