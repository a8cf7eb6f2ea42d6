"""Recognise a document's own structure (articles, recitals, annexes, NIST categories, numbered sections,
Markdown headings) and assemble its lines into paragraphs that each carry a section path.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ingest.clean import join_line_break_hyphen, known_hyphenated_words

_ROMAN = r"[IVXLC]+"


@dataclass(frozen=True)
class Heading:
    """A structural heading: `level` orders nesting; `unit` headings (article, recital, annex) are never spanned."""

    kind: str
    level: int
    label: str
    needs_title: bool = False  # the title stands on the next line (EU chapters, sections, articles, annexes)


@dataclass(frozen=True)
class Line:
    page: int
    text: str


@dataclass(frozen=True)
class Block:
    """One paragraph (or heading) of cleaned text with its place in the document."""

    text: str
    page_start: int
    page_end: int
    path: tuple[str, ...]  # section path of the unit the block belongs to
    unit: int  # ordinal of the structural unit; chunks never span two
    marker: str  # paragraph marker inside the unit, e.g. "1(f)"; "" when none
    is_heading: bool = False
    unit_kind: str = ""
    page_breaks: tuple[tuple[int, int], ...] = ()  # (offset in text, page) where a new page begins

    def page_at(self, offset: int) -> int:
        """The page of a character offset inside this block's text."""
        page = self.page_start
        for at, number in self.page_breaks:
            if offset >= at:
                page = number
        return page


def sheet_changes(placed: list[tuple[Block, int]], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """(offset from `start`, sheet) wherever a new sheet begins inside `[start, end)` of the document text, given
    the blocks that cover that stretch, each with its offset in the text."""
    transitions = sorted((offset + at, sheet) for block, offset in placed
                         for at, sheet in ((0, block.page_start), *block.page_breaks))
    changes: list[tuple[int, int]] = []
    current = None
    for at, sheet in transitions:
        if at <= start:
            current = sheet
        elif at < end and sheet != current:
            changes.append((at - start, sheet))
            current = sheet
    return tuple(changes)


_HEADING_RULES: list[tuple[re.Pattern[str], str, str, int, bool]] = [
    (re.compile(rf"^CHAPTER ({_ROMAN})$"), "chapter", "Chapter {0}", 1, True),
    (re.compile(r"^SECTION (\d+)$"), "section", "Section {0}", 2, True),
    (re.compile(r"^Article (\d+)$"), "article", "Article {0}", 3, True),
    (re.compile(rf"^ANNEX ({_ROMAN})$"), "annex", "Annex {0}", 1, True),
    (re.compile(r"^Part (\d+): (.{3,80})$"), "part", "Part {0}: {1}", 1, False),
    (re.compile(r"^(Appendix [A-D][:.]) (.{3,100})$"), "appendix", "{0} {1}", 1, False),
    (re.compile(r"^Appendix ([A-D]):$"), "appendix", "Appendix {0}:", 1, True),
    (re.compile(r"^Appendix: (.{3,100})$"), "appendix", "Appendix: {0}", 1, False),
    (re.compile(r"^((?:GOVERN|MAP|MEASURE|MANAGE) \d{1,2}\.\d{1,2})\b:?"), "subcategory", "{0}", 3, False),
    (re.compile(r"^((?:GOVERN|MAP|MEASURE|MANAGE) \d{1,2}):\s+(.{3,})$"), "category", "{0}: {1}", 2, False),
    (re.compile(r"^Sec\. (\d+)\.\s+([^.]{3,160})(?:\.|$)"), "sec", "Sec. {0}. {1}", 1, False),
    (re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+(.{3,110})$"), "numbered", "{0} {1}", 2, False),
    (re.compile(r"^(\d{1,2})\.\s+(.{3,80})$"), "numbered", "{0}. {1}", 1, False),
    (re.compile(r"^Section (\d+): (.{3,100})$"), "part", "Section {0}: {1}", 1, False),
    (re.compile(rf"^({_ROMAN})\. ([A-Z]{{3,}})\b"), "clause", "{0}. {1}", 1, False),
    (re.compile(rf"^(Pillar {_ROMAN}):\s*(.{{3,80}})$"), "pillar", "{0}: {1}", 1, False),
    (re.compile(r"^([a-z])\.\s+(.{3,100})$"), "lettered", "{0}. {1}", 2, False),  # OMB: `a. Covered Agencies.`
    (re.compile(r"^([A-Z][A-Z0-9 ,'’&-]{2,70}[A-Z])$"), "caps", "{0}", 2, False),  # OMB: `OVERVIEW`
]
_TITLE_CHECKED = {"numbered", "sec"}
_TITLE_CASE_CHECKED = {"lettered"}  # a lettered list item (`a. Safety-critical functions of …`) is no title
_CAPS_MIN_LETTERS = 4
_DOUBLED = re.compile(r"^(.{3,})\1$|\b(\w{3,})\2\b")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}


def _reads_as_title(text: str, level: int) -> bool:
    """Second-level numbers (`2.1 Investing in AI`) need only read as a label: short, or up to 18 words without a
    closing mark (OECD `1.2. Respect for the rule of law, …, including fairness and privacy`); others title case."""
    words = len(text.split())
    end = text.rstrip()[-1:]
    if level == 2 and text[:1].isupper() and (words <= 12 and end not in ":;," or words <= 18 and end not in ".:;,"):
        return True
    return is_title_case(text)


def is_title_case(text: str) -> bool:
    """Every word capitalised but the small ones: how headings are written, and running sentences are not."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text.rstrip("."))]
    if not words or len(words) > 16:
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_RECITAL = re.compile(r"^\((\d{1,3})\)\s+\S")
_PARAGRAPH_NUMBER = re.compile(r"^(\d{1,2})\.\s+\S")
_POINT = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5}|[A-Z]|\d{1,3})\)\s+\S")
_BULLET = re.compile(r"^([•\-\*–]|\d{1,2}\)|[a-z]\))\s+")
_SENTENCE_END = re.compile(r"[.:;!?)”\"]$")


def classify_heading(text: str, markdown: bool, listed: frozenset[str] = frozenset()) -> Heading | None:
    """The heading a line opens, if it is one. Pure: depends on the line alone, and on the titles the document's
    table of contents lists (`listed`), which are headings wherever a line reads exactly so."""
    if markdown:
        m = _MARKDOWN_HEADING.match(text)
        if m:
            return Heading("markdown", len(m.group(1)), m.group(2).strip("*_ "))
    for pattern, kind, template, level, needs_title in _HEADING_RULES:
        m = pattern.match(text)
        if m is None:
            continue
        title = m.group(m.lastindex or 0)
        if kind in _TITLE_CHECKED and not _reads_as_title(title, level):
            continue
        if kind in _TITLE_CASE_CHECKED and not is_title_case(title):
            continue
        if kind == "caps" and (not re.search(rf"[A-Z]{{{_CAPS_MIN_LETTERS}}}", text) or _DOUBLED.search(text)):
            continue  # `PLAYBOOKPLAYBOOK`: a bold title the PDF draws twice is no heading
        return Heading(kind, level, template.format(*m.groups()).rstrip("."), needs_title)
    if text in listed and " " in text:  # a one-word entry (`Govern`, `Introduction`) may be any line
        return Heading("listed", 2, text)
    return None


def _starts_paragraph(text: str) -> bool:
    return bool(_PARAGRAPH_NUMBER.match(text) or _POINT.match(text) or _BULLET.match(text))


def _typical_line_length(lines: list[Line]) -> int:
    lengths = sorted(len(ln.text) for ln in lines if ln.text)
    return lengths[int(len(lengths) * 0.8)] if lengths else 80


def _join(previous: str, following: str, keep_hyphen: set[str]) -> str:
    """Join two wrapped lines, mending a word split by a line-break hyphen."""
    mended = join_line_break_hyphen(previous, following, keep_hyphen)
    return "".join(mended) if mended else f"{previous} {following}"


_RUN_IN_NUMBER = re.compile(r"^(Sec\. \d{1,2}\.|\d{1,2}\.\d{1,2}\.|[a-z]\.)\s+(?=[A-Z])")
_TITLE_END = re.compile(r"\.(?:\s+|$)")
_WRAPPED_TITLE_END = re.compile(r"^([a-zA-Z][^.:;]{0,60}\.)(?:\s+(.*))?$")


def split_run_in_headings(lines: list[Line]) -> list[Line]:
    """Give EO-style headings a line of their own: `4.2. Ensuring Safe and Reliable AI. (a) Within 90 days`
    becomes `4.2. Ensuring Safe and Reliable AI.` and `(a) Within 90 days` (and OMB's `a. Covered Agencies.
    Except …` likewise); a title wrapped onto the next line (`… for AI Safety` / `and Security. (a) Within …`)
    is joined first, so the heading never swallows the body.
    """
    out: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        text = line.text.strip()
        number = _RUN_IN_NUMBER.match(text)
        if not number:
            out.append(line)
            continue
        rest = text[number.end():]
        end = _TITLE_END.search(rest)
        if end is None and is_title_case(rest) and index < len(lines):
            wrapped = _WRAPPED_TITLE_END.match(lines[index].text.strip())
            if wrapped and is_title_case(f"{rest} {wrapped.group(1)}"):
                out.append(Line(line.page, f"{text} {wrapped.group(1)}"))
                if wrapped.group(2):
                    out.append(Line(lines[index].page, wrapped.group(2)))
                index += 1
                continue
        if end is not None and end.end() < len(rest) and is_title_case(rest[:end.start()]):
            out.append(Line(line.page, f"{number.group(0)}{rest[:end.start() + 1]}"))
            out.append(Line(line.page, rest[end.end():]))
            continue
        out.append(line)
    return out


def join_listed_titles(lines: list[Line], listed: frozenset[str]) -> list[Line]:
    """A title the table of contents lists, wrapped onto a second line in the body
    (`Pillar III: Lead in International AI Diplomacy and` / `Security`), becomes one line."""
    if not listed:
        return lines
    out: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text.strip()
        following = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
        if text and following and text not in listed and f"{text} {following}" in listed:
            out.append(Line(line.page, f"{text} {following}"))
            index += 2
            continue
        out.append(line)
        index += 1
    return out


_CATEGORY_START = re.compile(r"^(?:GOVERN|MAP|MEASURE|MANAGE) \d{1,2}:")
_NARROW_COLUMN = 30  # the AI RMF core tables wrap category titles in a column this many characters wide


def join_wrapped_category_titles(lines: list[Line]) -> list[Line]:
    """`MAP 1: Context is` / `established and` / `understood.` becomes one line: the whole category title."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        text = line.text.strip()
        if not _CATEGORY_START.match(text) or text.endswith("."):
            out.append(line)
            continue
        parts = [text]
        end = index
        while end < len(lines) and end - index < 14:
            following = lines[end].text.strip()
            if not following or len(following) > _NARROW_COLUMN or classify_heading(following, False):
                break
            parts.append(following)
            end += 1
            if following.endswith("."):
                break
        if parts[-1].endswith("."):
            out.append(Line(line.page, " ".join(parts)))
            index = end
        else:
            out.append(line)
    return out


_TOC_ENTRY = re.compile(r"\S\s+\d{1,3}$|\.{4,}\s*\d{1,3}$")
_TOC_MIN_ENTRIES = 4


def table_of_contents_lines(lines: list[Line], markdown: bool) -> set[int]:
    """Indexes of table-of-contents entries (`Appendix D: Attributes of the AI RMF 42`): heading-shaped lines
    ending in a page number, on a page that has at least four of them. They stay text, never headings."""
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        text = line.text.strip()
        heading = classify_heading(text, markdown) if _TOC_ENTRY.search(text) else None
        if heading is not None and not heading.needs_title:  # `Article 5` ends in its number, not a page
            by_page.setdefault(line.page, []).append(index)
    return {index for found in by_page.values() if len(found) >= _TOC_MIN_ENTRIES for index in found}


@dataclass
class _Paragraph:
    text: str
    page_start: int
    page_end: int
    heading: Heading | None = None
    page_breaks: list[tuple[int, int]] | None = None

    def extend(self, joined_text: str, page: int) -> None:
        if page != self.page_end:
            self.page_breaks = (self.page_breaks or []) + [(len(self.text) + 1, page)]
        self.text = joined_text
        self.page_end = page


def unwrap_blank_separated(lines: list[Line], markdown: bool) -> list[Line]:
    """Join hard-wrapped lines of text files whose paragraphs are separated by blank lines."""
    keep_hyphen = known_hyphenated_words([ln.text for ln in lines])
    joined: list[Line] = []
    open_paragraph = False
    for line in lines:
        text = line.text.strip()
        standalone = (markdown and (_MARKDOWN_HEADING.match(text) or text.startswith(("|", ">")))) or \
            _starts_paragraph(text)
        if not text:
            joined.append(line)
            open_paragraph = False
        elif open_paragraph and not standalone:
            joined[-1] = Line(joined[-1].page, _join(joined[-1].text, text, keep_hyphen))
        else:
            joined.append(Line(line.page, text))
            open_paragraph = not (markdown and _MARKDOWN_HEADING.match(text))
    return joined


def assemble_paragraphs(lines: list[Line], markdown: bool, blank_separates: bool,
                        listed: frozenset[str] = frozenset()) -> list[_Paragraph]:
    """Join wrapped lines into paragraphs; headings and enumerated points start new ones; table-of-contents
    lines are left out (they are neither headings nor text of their own)."""
    if blank_separates:
        lines = unwrap_blank_separated(lines, markdown)
    lines = join_wrapped_category_titles(split_run_in_headings(join_listed_titles(lines, listed)))
    contents = table_of_contents_lines(lines, markdown)
    keep_hyphen = known_hyphenated_words([ln.text for ln in lines])
    typical = _typical_line_length(lines)
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    previous_raw = ""
    pending_title: _Paragraph | None = None
    for number, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            if blank_separates:
                current = None
            continue
        if number in contents:
            continue
        heading = classify_heading(text, markdown, listed)
        if heading is not None and heading.kind == "caps" and pending_title is not None:
            heading = None  # an EU chapter's title in capitals (`GENERAL PROVISIONS`) belongs to its number
        if pending_title is not None and heading is None:
            # EU chapters, sections, articles and annexes put their title on the line after the number.
            pending_title.extend(f"{pending_title.text}\n{text}", line.page)
            assert pending_title.heading is not None
            pending_title.heading = Heading(pending_title.heading.kind, pending_title.heading.level,
                                            f"{pending_title.heading.label} {text}")
            pending_title = None
            current = None
            previous_raw = text
            continue
        pending_title = None
        if heading is not None:
            para = _Paragraph(text, line.page, line.page, heading)
            paragraphs.append(para)
            pending_title = para if heading.needs_title else None
            # a heading line that opens its own text (`GOVERN 1.2: The … are inte-`) wraps like a paragraph
            current = para if not heading.needs_title and len(text) > len(heading.label) + 2 else None
        elif (
            current is None
            or _starts_paragraph(text)
            or blank_separates
            or (_SENTENCE_END.search(previous_raw) and len(previous_raw) < 0.75 * typical)
            or (markdown and text.startswith(("|", ">")))
        ):
            current = _Paragraph(text, line.page, line.page)
            paragraphs.append(current)
        else:
            current.extend(_join(current.text, text, keep_hyphen), line.page)
        previous_raw = text
    if blank_separates:
        _mark_standalone_titles(paragraphs)
    _drop_idle_capitals(paragraphs)
    return paragraphs


_TITLE_MAX_WORDS = 10  # a standalone title line in a text file
_BODY_MIN_WORDS = 25  # … stands before a paragraph at least this long
_CAPS_BODY_MIN_WORDS = 12  # a capitals heading is followed by at least this much text on its page


def _drop_idle_capitals(paragraphs: list[_Paragraph]) -> None:
    """A line in capitals heads a section (OMB's `OVERVIEW`) only when text follows it on the same page; on a
    cover page (`AI ACTION PLAN` / `JULY 2025`, `THE WHITE HOUSE` at the foot of the page), or before another
    heading, it is just a line."""
    for para, following in itertools.pairwise(paragraphs):
        if para.heading is not None and para.heading.kind == "caps" and (
                following.heading is not None or len(following.text.split()) < _CAPS_BODY_MIN_WORDS
                or following.page_start != para.page_end):
            para.heading = None


def _mark_standalone_titles(paragraphs: list[_Paragraph]) -> None:
    """In text whose paragraphs are separated by blank lines, a short line standing alone before a long paragraph
    is the title of what follows (the OECD page's `Background information`, `Scope of the Recommendation`), so
    the text after a document's last numbered clause is not filed under that clause. Only after a first
    recognised heading: before it, a short line is as likely a report's `Summary` as a section of its own."""
    seen_heading = False
    for para, following in itertools.pairwise(paragraphs):
        text = para.text
        seen_heading = seen_heading or para.heading is not None
        if (seen_heading and para.heading is None and following.heading is None and "\n" not in text
                and 0 < len(text.split()) <= _TITLE_MAX_WORDS and (text[:1].isupper() or text[:1].isdigit())
                and not text.endswith((".", ",", ";", ":", "?", "!")) and not _starts_paragraph(text)
                and not text.startswith(("|", ">")) and len(following.text.split()) >= _BODY_MIN_WORDS):
            para.heading = Heading("titled", 1, text)


_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
           "xvi", "xvii", "xviii", "xix", "xx")
PointStack = tuple[tuple[str, str], ...]  # (kind, label) of the open points, outermost first


def _point_kind(label: str, stack: PointStack, after_colon: bool) -> str:
    """`digit`, `upper`, `lower` or `roman`; `(i)` after `(h)` is a letter, `(i)` after `(k)` opens roman
    points, and so does `(i)` after a `(h)` that ends with a colon (EU AI Act Article 5(1)(h))."""
    if label.isdigit():
        return "digit"
    if label.isupper():
        return "upper"
    if label not in _ROMANS:
        return "lower"
    open_kinds = dict(stack)
    roman = open_kinds.get("roman")
    if roman in _ROMANS[:-1] and label == _ROMANS[_ROMANS.index(roman) + 1]:
        return "roman"
    letter = open_kinds.get("lower")
    if letter and len(letter) == 1 and label == chr(ord(letter) + 1) and not (label == "i" and after_colon):
        return "lower"
    return "roman" if label == "i" or len(label) > 1 else "lower"


def _marker(text: str, base: str, stack: PointStack, after_colon: bool = False) -> tuple[str, str, PointStack]:
    """The marker a block opens (`1`, `1(f)`, `Sec. 4.2(a)(i)(B)`), the paragraph number and open points after it.

    Points nest by kind: a kind already open closes everything inside it and takes its place.
    """
    m = _PARAGRAPH_NUMBER.match(text)
    if m:
        return m.group(1), m.group(1), ()
    p = _POINT.match(text)
    if not p:
        return "", base, stack
    label = p.group(1)
    kind = _point_kind(label, stack, after_colon)
    kinds = [k for k, _ in stack]
    kept = stack[:kinds.index(kind)] if kind in kinds else stack
    stack = kept + ((kind, label),)
    return base + "".join(f"({lab})" for _, lab in stack), base, stack


def _marker_base(heading: Heading, path: list[str]) -> str:
    """EO-style sections cite their points as `Sec. 4.2(a)(i)`; other units start from their own numbers."""
    if heading.kind == "sec":
        return heading.label[:heading.label.index(".", 5)]  # "Sec. 4. Ensuring …" → "Sec. 4"
    if heading.kind == "numbered" and any(label.startswith("Sec. ") for label in path):
        return f"Sec. {heading.label.split(' ')[0]}"
    return ""


def _continues_sequence(heading: Heading, last: dict[str, int]) -> bool:
    """Whether a first-level numbered heading (`4. …`) comes after the one before it, and a lettered one (`b. …`)
    right after the letter before it in its section; `last` holds both and is updated. OMB's roman points that
    the scan reads as `1.`, `11.`, `m.` or `v.` break the sequence and stay text."""
    if heading.kind == "lettered":
        letter = ord(heading.label[0]) - ord("a") + 1
        if letter != last.get("lettered", 0) + 1:
            return False
        last["lettered"] = letter
    elif heading.level == 1:
        number = int(heading.label.split(".")[0]) if heading.kind == "numbered" else 0
        if heading.kind == "numbered" and number <= last.get("numbered", 0):
            return False
        last.clear()
        last["numbered"] = number
    return True


def _clause_in_part(heading: Heading, open_kinds: list[str]) -> Heading:
    """OECD: `II. RECOMMENDS` after `Section 1: Principles …` opens the section's principles and nests in it; a
    clause after the section's numbered items (`VI. INVITES` after `2.5 …`) closes the section."""
    if heading.kind == "clause" and "part" in open_kinds and open_kinds[-1] != "numbered":
        return Heading(heading.kind, 2, heading.label, heading.needs_title)
    return heading


def build_blocks(lines: list[Line], markdown: bool = False, blank_separates: bool = False,
                 listed: frozenset[str] = frozenset()) -> list[Block]:
    """Paragraph blocks with their section path; recitals are recognised before the first article. `listed`:
    the titles the document's table of contents lists (`ingest.clean.contents_titles`)."""
    paragraphs = assemble_paragraphs(lines, markdown, blank_separates, listed)
    stack: list[tuple[int, str, str]] = []  # (level, label, kind) of the open headings
    unit = 0
    unit_kind = ""
    next_recital = 1
    seen_article = False
    paragraph_number = ""
    points: PointStack = ()
    blocks: list[Block] = []
    sequence: dict[str, int] = {}
    for para in paragraphs:
        heading = para.heading
        if heading is not None and heading.kind == "numbered" and unit_kind in ("article", "annex"):
            heading = None  # inside an article or annex, "1. Title" is a numbered point, not a new section
        if heading is not None and not _continues_sequence(heading, sequence):
            heading = None
        # recitals open a regulation, before any section or article (EO 14110's `(1)` points are not recitals)
        recital = _RECITAL.match(para.text) if heading is None and not seen_article and unit_kind in (
            "", "recital", "chapter", "markdown") else None
        if recital and int(recital.group(1)) == next_recital and not para.text[5:].startswith("OJ "):
            heading = Heading("recital", 3, f"Recital ({next_recital})")
            next_recital += 1
            is_heading_block = False
        else:
            # a bare heading (no body text on its line) joins the unit that follows it
            is_heading_block = heading is not None and len(para.text) <= len(heading.label) + 2
        if heading is not None:
            if heading.kind == "article":
                seen_article = True
            if heading.kind == "annex":
                stack = []
            heading = _clause_in_part(heading, [kind for _, _, kind in stack])
            stack = [(lvl, lab, kind) for lvl, lab, kind in stack if lvl < heading.level]
            stack.append((heading.level, heading.label, heading.kind))
            unit += 1
            unit_kind = heading.kind
            paragraph_number = _marker_base(heading, [label for _, label, _ in stack])
            points = ()
        opens_recital = heading is not None and heading.kind == "recital"
        marker, paragraph_number, points = ("", paragraph_number, points) if is_heading_block or opens_recital \
            else _marker(para.text, paragraph_number, points, blocks[-1].text.rstrip().endswith(":") if blocks else False)
        blocks.append(Block(
            text=para.text, page_start=para.page_start, page_end=para.page_end,
            path=tuple(label for _, label, _ in stack), unit=unit, marker=marker, is_heading=is_heading_block,
            unit_kind=unit_kind, page_breaks=tuple(para.page_breaks or ()),
        ))
    return blocks
