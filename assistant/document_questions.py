"""Questions about a document itself: when it was signed, issued or published, who wrote it.

The lines that date or sign a document ("Done at Brussels, 13 June 2024", "THE WHITE HOUSE, January 23, 2025.",
"January 2023" on a title page, the author under a report's title) share no words with such a question but the
document's name, so no topic search ranks them. The manifest knows the document's date and issuer; the lines of the
document that state them are the evidence, found here and cited like any passage.

>>> asked = document_fact_asked("On what date was Executive Order 14179 signed?")
>>> asked.fact, asked.subject
('date', 'Executive Order 14179')
>>> document_fact_asked("On what date did NIST publish the first update of its Generative AI Profile?") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.models import Chunk
from ingest.sentences import sentence_spans

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# The most lines of one document offered as its dating or signing lines: the title page and the closing line
# are a few chunks; a date every article repeats would not be the document's own.
MAX_LINES = 3
SHORT_LINE_WORDS = 14

# The document is the subject of a passive verb: "When was X published?", "On what date was X signed?". An
# active question ("When did NIST publish the first update of …") asks about another event.
_DATED = re.compile(
    r"^(?:where and )?(?:when|(?:on|in) (?:what|which) (?:date|day|month|year)|(?:what|which) (?:date|year))\s+"
    r"(?:was|were|is)\s+(?P<subject>.+?)\s+(?:first\s+|originally\s+|officially\s+)?"
    r"(?:signed|issued|published|adopted|released|approved|dated|enacted)\s*\??$", re.IGNORECASE)
_WRITTEN = re.compile(r"^who\s+(?:wrote|authored|prepared|is the author of|are the authors of)\s+"
                      r"(?P<subject>.+?)\s*\??$", re.IGNORECASE)
# A subject that names a part, version or later event of a document is not the document itself.
_NOT_THE_DOCUMENT = re.compile(r"\b(update|updates|revision|amendment|guidelines|version of|draft|chapter|article|"
                               r"section|annex|evaluation|report on the implementation)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentFactAsked:
    """A question asks for the document's own `fact` ("date" or "author"); `subject` is how it names it."""

    fact: str
    subject: str


def document_fact_asked(question: str) -> DocumentFactAsked | None:
    text = " ".join(question.split())
    for fact, pattern in (("date", _DATED), ("author", _WRITTEN)):
        match = pattern.match(text)
        if match and not _NOT_THE_DOCUMENT.search(match.group("subject")):
            return DocumentFactAsked(fact, match.group("subject"))
    return None


def written_dates(iso_date: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ways a document writes its date: the day ("13 June 2024", "June 13, 2024", "2024-06-13") and, for
    title pages that give only the month, the month ("June 2024"). Empty for a date that is not yyyy-mm-dd.

    >>> written_dates("2023-01-26")
    (('26 January 2023', 'January 26, 2023', 'January 26 2023', '2023-01-26'), ('January 2023',))
    """
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso_date.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return (), ()
    year, month, day = match.group(1), MONTHS[int(match.group(2)) - 1], str(int(match.group(3)))
    return (f"{day} {month} {year}", f"{month} {day}, {year}", f"{month} {day} {year}", iso_date.strip()), \
        (f"{month} {year}",)


def author_names(issuer: str) -> tuple[str, ...]:
    """The names an issuer is written with: each comma-separated part ("Economic Research Dept., Miho Tanabe"
    → both)."""
    return tuple(part.strip() for part in issuer.split(",") if len(part.strip()) > 3)


@dataclass(frozen=True)
class StatingLine:
    """A chunk of the document and its line that states the fact asked: `quote` as the text has it, `shown`
    without markup and without what follows the fact on a title page ("… January 2023 U.S. Department of …")."""

    chunk: Chunk
    quote: str
    shown: str


def stating_lines(chunks: Iterable[Chunk], fact: str, date: str, issuer: str) -> list[StatingLine]:
    """The lines of one document's chunks (given in document order) that state its `date` or its `issuer`:
    with the day first, then, when none does, with the month. A dating or signing line is short ("Done at
    Brussels, 13 June 2024."), so short lines win over sentences that cite the date (the Act's title, repeated
    in each amending article). None when more than `MAX_LINES` chunks remain: that date is not what dates it."""
    chunks = list(chunks)
    tiers = written_dates(date) if fact == "date" else (author_names(issuer),)
    for forms in tiers:
        found = [line for c in chunks if (line := _stating(c, forms)) is not None]
        short = [line for line in found if len(line.quote.split()) <= SHORT_LINE_WORDS]
        found = short or found
        if found:
            return found if len(found) <= MAX_LINES else []
    return []


def _stating(chunk: Chunk, forms: tuple[str, ...]) -> StatingLine | None:
    """The shortest line or sentence of the chunk that states one of the forms."""
    pieces = [piece.strip() for start, end in sentence_spans(chunk.text)
              for piece in chunk.text[start:end].split("\n")]
    found: list[StatingLine] = []
    for piece in pieces:
        flat = " ".join(piece.replace("*", "").split())
        ends = [m.end() for form in forms if (m := re.search(rf"(?<!\w){re.escape(form)}(?!\w)[.]?", flat))]
        if ends:
            found.append(StatingLine(chunk, piece, flat[:max(ends)]))
    return min(found, key=lambda line: len(line.quote)) if found else None
