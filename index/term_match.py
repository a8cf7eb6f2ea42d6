"""Questions that ask what a term means get the definitions of that term first; a definition and the text chunk
that contains it never both take a place in a ranking.

>>> asked_phrases("What counts as a substantial modification?")
['substantial modification']
>>> term_keys("Artificial Intelligence (AI)")
['artificial intelligence', 'ai']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.models import Chunk

_QUOTES = ("‘", "'", "“", '"')
_QUOTED = re.compile(r"(?<![A-Za-z])[‘'“\"]([^’'”\"]{2,80})[’'”\"]")  # not the apostrophe of "RMF's"
_CUE = re.compile(r"(?i)\b(?:defin\w*|mean\w*|counts? as|qualif\w* as|the term|what (?:is|are)|who (?:is|are))\b")
# The phrase after a cue that names the term: "define deployer", "meaning of general-purpose AI model"
# ("the term" counts only before a quoted term: "the term of office" asks no meaning).
_AFTER_CUE = re.compile(
    r"(?i)\b(?:define[sd]?|definition of|meaning of|meant by|mean by|counts? as|qualif(?:y|ies) as|"
    r"is considered)\s+(?:an?\s+|the\s+)?(?P<phrase>[^?,;]+)")
# "What is a provider?", "Who are importers under the AI Act?": the whole rest must be a term.
_WHAT_IS = re.compile(r"(?i)^\s*(?:what|who) (?:is|are) (?:an?\s+|the\s+)?(?P<phrase>[^?,;]+)")
_QUALIFIER = re.compile(r"(?i)\s+(?:under|in|according to|for the purposes of|as defined|as used|within|for)\b.*$")
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase words joined by single spaces: "General-Purpose AI model" → "general purpose ai model"."""
    return " ".join(_WORD.findall(text.lower()))


def term_keys(term: str) -> list[str]:
    """The names a defined term answers to: its alternatives ("X or Y") and an alias in parentheses."""
    keys: list[str] = []
    for name in term.split(" or "):
        alias = re.search(r"\(([^)]+)\)", name)
        keys.append(normalise(re.sub(r"\([^)]*\)", " ", name)))
        if alias:
            keys.append(normalise(alias.group(1)))
    return [k for k in dict.fromkeys(keys) if k]


def asked_phrases(question: str) -> list[str]:
    """The phrases of a question that may hold the term it asks about (normalised); [] when it asks no meaning."""
    if not _CUE.search(question):
        return []
    # a cue followed by a quoted phrase asks about that phrase, which is taken whole
    phrases = quoted_phrases(question) + [normalise(_QUALIFIER.sub("", m.group("phrase")))
                                          for m in _AFTER_CUE.finditer(question)
                                          if not m.group("phrase").startswith(_QUOTES)]
    return [p for p in dict.fromkeys(phrases) if p]


def quoted_phrases(question: str) -> list[str]:
    """The phrases in quotation marks (normalised): "the 'Human-AI Configuration' risk" → human ai configuration."""
    return [normalise(m.group(1)) for m in _QUOTED.finditer(question)]


def whole_phrase(question: str) -> str:
    """"What is a provider?" → "provider": a question that is only "what/who is X" may ask what X means, when X
    is a defined term as a whole ("What is the role of the AI Office?" asks no meaning)."""
    match = _WHAT_IS.match(question)
    return normalise(_QUALIFIER.sub("", match.group("phrase"))) if match else ""


def _holds(phrase: str, key: str) -> bool:
    padded = f" {phrase} "
    return f" {key} " in padded or f" {key}s " in padded


def abbreviations(term: str) -> set[str]:
    """The names of a term written in capitals ("AI" of "Artificial Intelligence (AI)"), normalised.

    >>> sorted(abbreviations("Artificial Intelligence (AI)")), sorted(abbreviations("deployer"))
    (['ai'], [])
    """
    names = [name for alternative in term.split(" or ")
             for name in (re.sub(r"\([^)]*\)", " ", alternative), *re.findall(r"\(([^)]+)\)", alternative))]
    return {normalise(name) for name in names if name.strip().isupper()}


def asked_terms(question: str, terms: Iterable[str]) -> set[str]:
    """Of the defined terms, those the question asks about: the longest names found in its asked phrases
    ("general-purpose AI model", not also "AI model"), or the whole of a "what is X" question. An abbreviation
    names its term only where it begins the phrase after the cue ("the definition of AI do EO 14110 and …"), or
    as the whole of a quoted phrase: inside a name it is part of that name (a question on the "Human-AI
    Configuration" risk, or on "AI actors", does not ask what AI is)."""
    phrases = asked_phrases(question)
    quoted = set(quoted_phrases(question))
    whole = whole_phrase(question)

    def names(phrase: str, key: str, short: set[str]) -> bool:
        if key not in short:
            return _holds(phrase, key)
        return phrase in (key, f"{key}s") if phrase in quoted else f"{phrase} ".startswith((f"{key} ", f"{key}s "))

    found = set()
    for term in set(terms):
        short = abbreviations(term)
        found.update(key for key in term_keys(term)
                     if whole in (key, f"{key}s") or any(names(p, key, short) for p in phrases))
    return {key for key in found if not any(other != key and _holds(other, key) for other in found)}


def matches(chunk: Chunk, asked: set[str]) -> bool:
    return chunk.kind == "definition" and bool(asked) and any(key in asked for key in term_keys(chunk.term))


def overlaps(a: Chunk, b: Chunk) -> bool:
    """A definition and a text chunk of the same document that share text: one of them is enough."""
    return (a.doc_id == b.doc_id and a.kind != b.kind
            and a.char_start < b.char_end and b.char_start < a.char_end)


def promote_definitions(ranked: list[int], chunks: list[Chunk], question: str,
                        definitions: Iterable[int]) -> tuple[list[int], set[int]]:
    """Rows in the order to return, and the rows promoted: the definitions (among the rows `definitions`) of the
    term the question asks about come first, in ranked order; then the ranking. A row that overlaps a better
    one of the other kind is dropped."""
    candidates = list(definitions)
    asked = asked_terms(question, (chunks[row].term for row in candidates))
    wanted = {row for row in candidates if matches(chunks[row], asked)}
    first = [row for row in ranked if row in wanted] + sorted(wanted - set(ranked))
    kept: list[int] = []
    for row in first + [row for row in ranked if row not in wanted]:
        if not any(overlaps(chunks[row], chunks[other]) for other in kept):
            kept.append(row)
    return kept, wanted
