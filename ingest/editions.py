"""Recognise the same text in two formats (a PDF and its HTML edition) and choose the edition to index: the
one the manifest names, else the one with page numbers, else the one indexed first.

>>> act = Edition("act", "act.pdf", listed=True, pages=144, sketch=text_sketch("The Union shall act. " * 9))
>>> html = Edition("act.html", "act.html", listed=False, pages=1, sketch=text_sketch("The Union shall act. " * 9))
>>> [d.doc_id for d in duplicate_editions([html, act], fresh={"act.html"})]
['act.html']
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE_WORDS = 5
SKETCH_SIZE = 512
# Measured on the corpus (README, "Documents"): the EU AI Act's PDF and HTML editions resemble each other at
# 0.83, the US EO 14179 Markdown and its White House print at 0.80; the 2019 and 2024 OECD Recommendations, the
# most alike pair of distinct documents, at 0.27.
SAME_TEXT = 0.6
_WORD = re.compile(r"[a-z0-9]+")


def text_sketch(text: str) -> frozenset[int]:
    """The SKETCH_SIZE smallest hashes of the text's runs of SHINGLE_WORDS words (case, punctuation and
    layout ignored): two sketches estimate how much of their texts' wording the two texts share."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    hashes = sorted(int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")
                    for s in shingles if s)
    return frozenset(hashes[:SKETCH_SIZE])


def resemblance(a: frozenset[int], b: frozenset[int]) -> float:
    """The share of word runs the two texts have in common (Jaccard, estimated from bottom-k sketches).

    >>> resemblance(text_sketch("one two three four five six"), text_sketch("one two three four five six"))
    1.0
    """
    union = sorted(a | b)[:SKETCH_SIZE]
    return sum(1 for h in union if h in a and h in b) / len(union) if union else 0.0


@dataclass(frozen=True)
class Edition:
    """One document as the edition choice sees it."""

    doc_id: str
    file: str
    listed: bool  # the manifest names it
    pages: int  # the highest page number its passages cite (1 for a file without pages)
    sketch: frozenset[int]


@dataclass(frozen=True)
class Duplicate:
    """An edition left out because another edition of the same text is indexed."""

    doc_id: str
    file: str
    kept: str  # the id of the edition indexed
    kept_file: str
    similarity: float
    why: str

    @property
    def message(self) -> str:
        return (f"{self.file}: not indexed: the same text as {self.kept_file} ({self.similarity:.0%} of their "
                f"wording alike), which is indexed because {self.why}")


def duplicate_editions(editions: Iterable[Edition], fresh: set[str]) -> list[Duplicate]:
    """The editions not to index: each resembles (SAME_TEXT) a preferred edition that is indexed. Only pairs
    with a `fresh` (just read) edition are compared, and two documents the manifest names are never one text:
    the manifest says they are distinct. Best editions first: listed, with pages, already indexed, by file."""
    ranked = sorted(editions, key=lambda e: (not e.listed, e.pages <= 1, e.doc_id in fresh, e.file))
    kept: list[Edition] = []
    duplicates: list[Duplicate] = []
    for edition in ranked:
        match = next(((other, s) for other in kept
                      if (edition.doc_id in fresh or other.doc_id in fresh) and not (edition.listed and other.listed)
                      and (s := resemblance(edition.sketch, other.sketch)) >= SAME_TEXT), None)
        if match is None:
            kept.append(edition)
        else:
            other, similarity = match
            duplicates.append(Duplicate(edition.doc_id, edition.file, other.doc_id, other.file, similarity,
                                        _why(other, edition, fresh)))
    return duplicates


def _why(kept: Edition, left: Edition, fresh: set[str]) -> str:
    if kept.listed and not left.listed:
        return "the manifest names it"
    if kept.pages > 1 and left.pages <= 1:
        return "its citations carry page numbers"
    if kept.doc_id not in fresh and left.doc_id in fresh:
        return "it was indexed first"
    return "its file name sorts first"
