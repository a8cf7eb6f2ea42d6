"""Where sentences end: the one sentence splitter of the project, for chunking, for the sentences of a passage
and for a model's reply.

>>> text = "Under 50 U.S.C. 4501 et seq., the Secretary shall act. See Sec. 4.2(a). It ends here."
>>> [text[s:e] for s, e in sentence_spans(text)]
['Under 50 U.S.C. 4501 et seq., the Secretary shall act.', 'See Sec. 4.2(a).', 'It ends here.']
"""

from __future__ import annotations

import re

# A full stop (or `!`, `?`, and in documents `;`), a closing quote or bracket, space, then what may open a sentence.
_BOUNDARY = re.compile(r"([.!?;])[\"”’)]?\s+(?=[\"“(‘]?[A-Z0-9(])")
# A full stop that ends an abbreviation or initials ("U.S.C.", "e.g.", "Art."), not a sentence.
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:e\.g|i\.e|vs|cf|al|Mr|Ms|Dr|Inc|Ltd|St|Pub|Art|Arts|Sec|Secs|Vol|"
                           r"Ch|Reg|Fig|div|pp?)\.)$")
# Before a number only: "No. 5", "Pub. L. 117-167"; elsewhere "No." may be an answer and "Annex I." ends a sentence.
_BEFORE_NUMBER = re.compile(r"\b(?:Nos?|[A-Z])\.$")
_LEADING_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.$")  # `5. The provider…`: the number opens a sentence
_LOOK_BACK = 24  # characters before a full stop that can hold an abbreviation


def _ends_sentence(text: str, at: int, following: str) -> bool:
    """Whether the mark ending `text[:at]` ends a sentence, `following` being the character that comes next."""
    before = text[max(0, at - _LOOK_BACK):at]
    if not before.endswith("."):
        return True
    if _ABBREVIATION.search(before) or _LEADING_NUMBER.match(text[:at]):
        return False
    return not (following[:1].isdigit() and _BEFORE_NUMBER.search(before))


def sentence_spans(text: str, offset: int = 0, semicolons: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, shifted by `offset`; an end includes a closing quote or bracket.
    `semicolons`: a semicolon ends a sentence too (the long enumerations of legal text)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) == ";" and not semicolons:
            continue
        if not _ends_sentence(text, match.start() + 1, text[match.end():match.end() + 1]):
            continue
        spans.append((offset + start, offset + match.start() + len(match.group(0).rstrip())))
        start = match.end()
    spans.append((offset + start, offset + len(text)))
    return [(s, e) for s, e in spans if e > s]
