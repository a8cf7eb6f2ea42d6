"""Pure text-cleaning functions applied to every document before it is chunked."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Page furniture that is noise wherever it appears, named by the documents it comes from.
_FURNITURE_PATTERNS = [
    re.compile(r"^(EN\s+)?OJ L, \d{1,2}\.\d{1,2}\.\d{4}(\s+EN)?$"),  # EU Official Journal running head
    re.compile(r"^(\d+/\d+\s+)?ELI: http://data\.europa\.eu/eli/\S+(\s+\d+/\d+)?$"),  # EU footer
    re.compile(r"^NIST AI 100-1\s+AI RMF 1\.0$"),
    re.compile(r"^VerDate .*(PRESDOC|SGM).*$"),  # Federal Register slug line
    re.compile(r"^\d{5}\s+Federal Register\s*/\s*Vol\. .*$"),
    re.compile(r"^Federal Register\s*/\s*Vol\. .*\d{5}$"),
    re.compile(r"^(Page\s+)?\d{1,3}(\s+of\s+\d{1,3})?$", re.IGNORECASE),  # page counters
    re.compile(r"^[ivxlc]{1,5}$"),  # roman page numbers of front matter
    re.compile(r"^.{0,120}?(\.\s?){6,}\s*\d*$"),  # table-of-contents entries with dot leaders
]
_CONTENTS_ENTRY = re.compile(r"^(.{3,160}?)\s*(?:\.\s?){6,}\s*\d{0,3}$")  # "Enable AI Adoption ....... 5"
_CONTENTS_HEADER = re.compile(r"^(?:Table of )?Contents$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_FOOTNOTE_START = re.compile(r"^\(\d{1,3}\)\s")
_SPACE_RUN = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w) +([,;:.?!)](?=\s|$))")
_SPACED_HYPHEN = re.compile(r"(?<=[a-z]) -(?=[a-z])")
_LINE_HYPHEN = re.compile(r"([^\W\d_]+)-$")  # letters only: "10-" or "x_-" is no split word
_HYPHENATED_WORD = re.compile(r"\b([A-Za-z]+)-([A-Za-z]+)\b")
_OCR_FIXES = [(re.compile(r"\b0MB\b"), "OMB")]
EDGE_LINES = 4


def normalize_unicode(text: str) -> str:
    """NFKC folds ligatures and compatibility forms; doubled single quotes become one double quote."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2018\u2018", "\u201c").replace("\u2019\u2019", "\u201d")
    return text.replace("\ufffd", "").replace("\u00ad", "")


def is_furniture(line: str) -> bool:
    """A line that is page furniture by its form alone (running heads, footers, page counters, slug lines)."""
    stripped = line.strip()
    return any(p.match(stripped) for p in _FURNITURE_PATTERNS)


def _line_shape(line: str) -> str:
    return _DIGITS.sub("#", _SPACE_RUN.sub(" ", line.strip()).lower())


def recurring_edge_lines(pages: list[list[str]], share: float = 0.5) -> set[str]:
    """Shapes of lines (digits folded) that stand near the top or bottom of at least `share` of the pages."""
    if len(pages) < 4:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        edges = content[:EDGE_LINES] + content[-EDGE_LINES:]
        counts.update({_line_shape(ln) for ln in edges if 0 < len(ln.strip()) <= 120})
    return {shape for shape, n in counts.items() if n >= share * len(pages)}


def _contents_line(lines: list[str], i: int) -> bool:
    """A table-of-contents line without dot leaders: the contents' own header, or the first line of an entry
    wrapped onto a line that has them."""
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if not _CONTENTS_ENTRY.match(following):
        return False
    previous = lines[i - 1].strip() if i else ""
    return bool(_CONTENTS_HEADER.match(lines[i].strip()) or _CONTENTS_ENTRY.match(previous))


def contents_titles(pages: list[list[str]]) -> frozenset[str]:
    """The titles a table of contents lists with dot leaders (`Enable AI Adoption ....... 5`), spaced as
    `fix_spacing` spaces body lines; an entry wrapped onto a second line is joined."""
    titles: set[str] = set()
    for lines in pages:
        pending = ""
        after_entry = False
        for raw in lines:
            line = fix_spacing(raw)
            entry = _CONTENTS_ENTRY.match(line)
            if entry:
                titles.add(f"{pending} {entry.group(1)}".strip())
            pending = line if after_entry and not entry else ""
            after_entry = bool(entry)
    return frozenset(titles)


def strip_page_furniture(lines: list[str], recurring: set[str]) -> list[str]:
    """Drop furniture lines and table-of-contents lines; a footnote block that follows a dropped footer is
    dropped with it."""
    kept: list[str] = []
    dropped_footer_at: int | None = None
    for i, line in enumerate(lines):
        if is_furniture(line) or _line_shape(line) in recurring or _contents_line(lines, i):
            if i >= len(lines) // 2:
                dropped_footer_at = len(kept)
            continue
        kept.append(line)
    if (dropped_footer_at is not None and dropped_footer_at < len(kept)
            and _FOOTNOTE_START.match(kept[dropped_footer_at].strip())):
        kept = kept[:dropped_footer_at]
    return kept


def fix_spacing(line: str) -> str:
    """Collapse space runs; remove stray spaces before punctuation and inside hyphenated words."""
    line = _SPACE_RUN.sub(" ", line).strip()
    line = _SPACE_BEFORE_PUNCT.sub(r"\1", line)
    line = _SPACED_HYPHEN.sub("-", line)
    for pattern, replacement in _OCR_FIXES:
        line = pattern.sub(replacement, line)
    return line


def known_hyphenated_words(lines: list[str]) -> set[str]:
    """Hyphenated words written within a line somewhere in the document: those keep their hyphen."""
    found: set[str] = set()
    for line in lines:
        found.update(f"{a}-{b}".lower() for a, b in _HYPHENATED_WORD.findall(line))
    return found


def join_line_break_hyphen(previous: str, following: str, keep_hyphen: set[str]) -> tuple[str, str] | None:
    """Join a word split across two lines (`Arti-` + `ficial`); None when the lines do not end so.

    Only a hyphen at the very end of a line followed by a lowercase letter joins; a compound the document
    also writes hyphenated within a line (`risk-based`) keeps its hyphen.
    """
    match = _LINE_HYPHEN.search(previous)
    if not match or not following[:1].islower():
        return None
    head = match.group(1)
    tail_word = re.match(r"[A-Za-z]+", following)
    tail = tail_word.group(0) if tail_word else ""
    glue = "-" if f"{head}-{tail}".lower() in keep_hyphen else ""
    return previous[: match.start()] + head + glue + following[: len(tail)], following[len(tail):]


def normalize_whitespace(text: str) -> str:
    """Spaces collapsed, lines trimmed, at most one blank line between paragraphs."""
    lines = [_SPACE_RUN.sub(" ", ln).strip() for ln in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_EXPONENT_CONTEXT = re.compile(r"(?:greater than|capacity of)$")
_LOST_EXPONENT = re.compile(r"(?:(?<=greater than )|(?<=capacity of )|^)10([12]\d)\b(?=[.,;]?(?:\s|$))")
_COMPUTE_WORDS = re.compile(r"floating[ -]point operations|FLOPs?\b")


def restore_lost_exponents(lines: list[str]) -> list[str]:
    """`greater than 1025` → `greater than 10^25`: a superscript exponent the PDF text lost, restored only in
    a compute threshold (a count that follows "greater than" or "capacity of" where floating-point operations
    or FLOPs are named on the line or the one before), where no plain number of that size makes sense."""
    restored: list[str] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1].rstrip() if index else ""
        if _COMPUTE_WORDS.search(previous + " " + line):
            line = _restore_in_line(line, after_context=bool(_EXPONENT_CONTEXT.search(previous)))
        restored.append(line)
    return restored


def _restore_in_line(line: str, after_context: bool) -> str:
    """A count that opens the line is an exponent only when the line before ends with its context."""
    return _LOST_EXPONENT.sub(
        lambda m: f"10^{m.group(1)}" if m.start() or after_context else m.group(0), line)
