"""Small pure text helpers the assistant shares: sentences of a passage, content words, lexical overlap."""

from __future__ import annotations

import re

from ingest.sentences import sentence_spans

_BARE_MARKER = re.compile(r"^(\(?[0-9a-z]{1,4}[.)]|\([0-9a-z]{1,4}\))$")
# a list number that opens the next item but was left at the end of a sentence ("… systems. 5.")
_TRAILING_MARKER = re.compile(r"(?<=[.;:])\s+\(?[0-9a-z]{1,3}[.)]$")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOPWORDS = frozenset(
    ["a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "may", "me", "might", "must", "my", "no", "not", "of", "on", "or", "other", "our", "out", "over", "shall", "should", "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "under", "up", "us", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "would", "you", "your"])


def sentences(text: str) -> list[str]:
    """The sentences of a passage, each a verbatim slice of it (line breaks inside kept as they are)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        spans.extend(sentence_spans(line, offset))
        offset += len(line) + 1
    merged: list[str] = []
    for s, e in spans:
        piece = text[s:e].strip()
        if not piece:
            continue
        if merged and _BARE_MARKER.match(merged[-1]):
            # "1." or "(a)" split off by the sentence rule belongs to the sentence it opens
            merged[-1] = text[text.rindex(merged[-1], 0, e):e].strip()
        else:
            merged.append(piece)
    return [_TRAILING_MARKER.sub("", m) for m in merged]


def quote_span(text: str, quote: str) -> tuple[int, int]:
    """Where `quote` stands in `text` (whitespace may differ): (start, end), or (-1, -1) when it does not."""
    quote = quote.strip()
    if not quote:
        return -1, -1
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    match = re.search(r"\s+".join(re.escape(w) for w in quote.split()), text)
    return (match.start(), match.end()) if match else (-1, -1)


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def lexical_overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that the passage contains (plural-folded)."""
    words = {_fold(w) for w in content_words(sentence)}
    if not words:
        return 0.0
    return len(words & {_fold(w) for w in content_words(passage)}) / len(words)
