"""Enumerations: the lead-in sentence that says what a list is ("1. This Regulation applies to:", "Companies …
shall provide … information … regarding the following:") and its items ("(a)", "(ii)", "(B)", "c)", "•").

A chunk that opens in the middle of a list would otherwise reach the embedder, BM25 and the reader without the
sentence that says who must do what: item (B) of EO 14110 4.2(a)(i) is "the ownership and possession of the model
weights …" and nothing more.

>>> lead_in_before("Article 2\\n1. This Regulation applies to:\\n(a) providers placing …;", "(f) authorised …")
'1. This Regulation applies to:'
>>> lead_in_before("(i) Companies … shall provide … regarding the following:\\n(A) any …;", "(B) the ownership …")
'(i) Companies … shall provide … regarding the following:'
>>> lead_in_before("The purpose is clear. It applies widely.", "(f) authorised …")
''
"""

from __future__ import annotations

import re

from ingest.sentences import sentence_spans

# A list item's label at the start of a line: "(a)", "(iv)", "(B)", "(12)", "c)", a bullet.
ITEM_LABEL = re.compile(r"^\s*(?:\((?:[a-z]{1,2}|[ivxlc]+|[A-Z]|\d{1,3})\)|[a-z]\)|[•▪●◦-])\s")
# The words of a lead-in kept for a chunk: the end of the sentence, which says what the list is.
LEAD_IN_WORDS = 30


def lead_in_note(lead_in: str) -> str:
    """How a passage's lead-in is shown above it, in the CLI and the web app alike."""
    return f"in the list “{lead_in}”"


def label_style(line: str) -> str:
    """The numbering style of a list item's label ("letter", "roman", "capital", "number", "bullet"), "" for a
    line that is not an item. A lone "(i)", "(v)" or "(x)" is taken for a roman numeral, "(c)" for a letter."""
    match = ITEM_LABEL.match(line)
    if match is None:
        return ""
    label = match.group(0).strip().strip("()")
    if not label[:1].isalnum():
        return "bullet"
    if label.isdigit():
        return "number"
    if label.isupper():
        return "capital"
    label = label.rstrip(")")
    return "roman" if set(label) <= set("ivxlc") and (len(label) > 1 or label in "ivx") else "letter"


def lead_in_before(preceding: str, chunk_text: str) -> str:
    """The lead-in of the list `chunk_text` opens inside, from the text of its unit before it: walking back over
    the items of the list (and the sub-items of any of them), the first line that ends with a colon and is not an
    item of the same list (an unnumbered sentence, or the parent item of a nested list: EO 14110's "(i)
    Companies … regarding the following:" before its "(A)", "(B)"). Only its last sentence is kept, and of that
    the last `LEAD_IN_WORDS` words (after "…"). Empty when the chunk does not open with a list item or no lead-in
    precedes it."""
    style = label_style(chunk_text)
    if not style:
        return ""
    for line in reversed([line.strip() for line in preceding.split("\n") if line.strip()]):
        line_style = label_style(line)
        if line.endswith(":") and line_style != style:
            spans = sentence_spans(line)
            sentence = line[spans[-1][0]:spans[-1][1]].strip() if spans else line
            words = sentence.split()
            return sentence if len(words) <= LEAD_IN_WORDS else "… " + " ".join(words[-LEAD_IN_WORDS:])
        if not line_style:
            return ""  # a sentence that introduces no list: the chunk's items are not this one's
    return ""
