"""Whether a passage contains a piece of evidence: the one text normalisation and match rule of evaluation."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAK_HYPHEN = re.compile(r"-\n([a-z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_POWER_OF_TEN = re.compile(r"\b10\^(\d{1,2})\b")  # `10^25` as ingestion restores it; quotes may read `1025`
PARTIAL_MATCH_SHARE = 0.6


def normalize_for_matching(text: str) -> str:
    """NFKC, join `-`+newline+lowercase, lowercase, every non-alphanumeric run to one space, strip.

    >>> normalize_for_matching("Arti-\\nficial  Intel\\uFB01gence (AI)")
    'artificial intelfigence ai'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _LINE_BREAK_HYPHEN.sub(r"\1", text)
    text = _POWER_OF_TEN.sub(r"10\1", text)
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def longest_common_run(quote_tokens: list[str], passage_tokens: list[str]) -> int:
    """Length of the longest contiguous run of quote tokens that also stands contiguous in the passage."""
    best = 0
    previous = [0] * (len(passage_tokens) + 1)
    for q in quote_tokens:
        current = [0] * (len(passage_tokens) + 1)
        for j, p in enumerate(passage_tokens, start=1):
            if q == p:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def quote_coverage(quote: str, passage: str) -> float:
    """Share of the quote's tokens covered by its longest contiguous run in the passage (1.0 when contained)."""
    q = normalize_for_matching(quote)
    p = normalize_for_matching(passage)
    if not q:
        return 0.0
    if q in p:
        return 1.0
    quote_tokens = q.split()
    return longest_common_run(quote_tokens, p.split()) / len(quote_tokens)


def passage_matches_quote(passage: str, quote: str) -> bool:
    """A passage matches a quote when it contains it, or holds a contiguous run of at least 60% of its tokens."""
    return quote_coverage(quote, passage) >= PARTIAL_MATCH_SHARE
