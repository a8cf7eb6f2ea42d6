"""Diversity of the passages given to a generator: a cap per section, and duplicates collapsed."""

from __future__ import annotations

from assistant.text import content_words
from index.models import Passage
from index.term_match import overlaps
from ingest.chunk import section_unit

DUPLICATE_JACCARD = 0.6


def _shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = content_words(text)
    return {tuple(words[i:i + size]) for i in range(max(1, len(words) - size + 1))}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def diversify(passages: list[Passage], secondary: frozenset[str], per_section: int = 2) -> list[Passage]:
    """Keep ranking order; drop passages past `per_section` from one section, a definition or text chunk that
    shares text with a better-ranked one of the other kind, and near-duplicates (the one from a primary document
    is kept, in the better of the two ranks: `secondary` are the documents that restate another, the
    registry's). Ranks are renumbered."""
    kept: list[Passage] = []
    shingles: list[set[tuple[str, ...]]] = []
    per_key: dict[tuple[str, str], int] = {}
    for passage in passages:
        chunk = passage.chunk
        key = (chunk.doc_id, section_unit(chunk.section) or chunk.chunk_id)
        if per_key.get(key, 0) >= per_section:
            continue
        if any(overlaps(chunk, other.chunk) for other in kept):
            continue  # a definition and the text chunk that holds it: the better ranked one is enough
        mine = _shingles(chunk.text)
        duplicate = next((i for i, s in enumerate(shingles) if jaccard(mine, s) >= DUPLICATE_JACCARD), None)
        if duplicate is not None:
            if kept[duplicate].chunk.doc_id in secondary and chunk.doc_id not in secondary:
                kept[duplicate], shingles[duplicate] = passage, mine
            continue
        per_key[key] = per_key.get(key, 0) + 1
        kept.append(passage)
        shingles.append(mine)
    return [p.with_rank(i) for i, p in enumerate(kept, start=1)]
