r"""Turn answers and passages into what the web UI shows: chat text that no document can inject Markdown or
HTML into, the sources panel, one passage with its quote highlighted and the official link at its page.

Every piece of document text goes through `html.escape` (HTML components) or `chat_text` (the Chatbot).

>>> print(chat_text("<b>[1]</b>"))
&lt;b&gt;\[1\]&lt;\/b&gt;
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from assistant.models import Answer, Citation, quote_sheets
from assistant.text import quote_span
from index.models import Passage
from ingest.enumerations import lead_in_note
from ingest.fact_edits import is_web_url
from ingest.models import Chunk
from ingest.registry import UNKNOWN_JURISDICTION
from ui.commands.ask import page_link

CLOSEST_SHOWN = 3
_HTML_SPECIAL = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;"}
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~:/=$%@^")


def chat_text(text: str) -> str:
    """Document text as Markdown that renders exactly as written: HTML characters become entities and
    Markdown punctuation is backslash-escaped, so no link, tag, heading, emphasis or formula appears."""
    out = []
    for char in text:
        if char in _HTML_SPECIAL:
            out.append(_HTML_SPECIAL[char])
        elif char in _MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def pages(printed: str) -> str:
    """"12", "3–4" or "88 FR 75223": printed pages ("p. 12") without their "p."."""
    return printed.removeprefix("pp. ").removeprefix("p. ")


def safe_url(url: str) -> str:
    """The URL when it is an http(s) address, else "" (a manifest can not smuggle `javascript:` links)."""
    url = url.strip()
    return url if is_web_url(url) else ""


def source_line(chunk: Chunk) -> str:
    """Title, issuer, jurisdiction, page and section of a passage, as one line of plain text."""
    facts = [chunk.title or chunk.doc_id]
    if chunk.issuer:
        facts.append(chunk.issuer)
    facts.append(jurisdiction_label(chunk.jurisdiction))
    facts.append(chunk.printed_pages())
    if chunk.section:
        facts.append(chunk.section)
    return " · ".join(facts)


def jurisdiction_label(jurisdiction: str) -> str:
    """'EU', 'OECD', 'Japan': short codes in capitals, names capitalised; the documents of no known jurisdiction
    are 'Other documents', as their filter box says."""
    if jurisdiction == "unknown":
        return UNKNOWN_JURISDICTION.name
    return jurisdiction.upper() if len(jurisdiction) <= 4 else jurisdiction.title()


def official_url(chunk: Chunk, sheet: int | None = None) -> str:
    """The chunk's official source as a safe web link, opening a PDF at `sheet` (the chunk's first by default);
    or "".

    >>> official_url(Chunk("c", "d", "t", "eu", 51, 52, "", 0, 1, "x", url="https://ex.org/act.pdf"))
    'https://ex.org/act.pdf#page=51'
    """
    url = safe_url(chunk.url)
    return page_link(url, chunk.page_start if sheet is None else sheet) if url else ""


def highlighted(text: str, quote: str) -> str:
    """The passage text, escaped, with the quoted sentence inside `<mark>`; whitespace may differ."""
    start, end = quote_span(text, quote)
    if start < 0:
        return escape(text)
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def _facts_html(chunk: Chunk, printed: str, kind: str = "") -> str:
    rows = [("Issuer", chunk.issuer), ("Jurisdiction", chunk.jurisdiction), ("Instrument", kind),
            ("Page", pages(printed)), ("Section", chunk.section)]
    return "".join(f"<span class='pq-fact'><b>{label}:</b> {escape(value)}</span>"
                   for label, value in rows if value)


def sources_html(answer: Answer | None, selected: int | None = None, heading: str = "",
                 kinds: Mapping[str, str] | None = None) -> str:
    """The sources panel: every cited passage with its quote highlighted (citation `selected` marked and
    shown whole), or the closest passages of an abstention. `heading` says which answer they belong to;
    `kinds` gives each document's instrument type and date by id (`AppState.kinds`)."""
    if answer is None:
        return "<div class='pq-empty'>Ask a question: the passages its answer cites appear here.</div>"
    kinds = kinds or {}
    head = f"<div class='pq-note'>{escape(heading)}</div>" if heading else ""
    if answer.abstained or not answer.citations:
        cards = [_card(f"{i}", p, "", kind=kinds.get(p.chunk.doc_id, ""))
                 for i, p in enumerate(answer.passages[:CLOSEST_SHOWN], start=1)]
        return head + "<div class='pq-note'>No answer: the closest passages.</div>" + "".join(cards)
    return head + "".join(_card(f"[{c.n}]", c.passage, c.quote, selected=c.n == selected,
                                kind=kinds.get(c.passage.chunk.doc_id, ""))
                          for c in answer.citations)


def _card(label: str, passage: Passage, quote: str, selected: bool = False, link: bool = False,
          kind: str = "") -> str:
    chunk = passage.chunk
    first, last = quote_sheets(chunk, quote)  # the printed pages shown and the sheet linked are the quote's
    classes = "pq-source pq-selected" if selected else "pq-source"
    tail = _link_html(official_url(chunk, first)) if link else ""
    return (f"<div class='{classes}'><div class='pq-head'><span class='pq-n'>{escape(label)}</span> "
            f"<span class='pq-title'>{escape(chunk.title or chunk.doc_id)}</span></div>"
            f"<div class='pq-facts'>{_facts_html(chunk, chunk.printed_pages(first, last), kind)}</div>"
            f"{_lead_in_html(chunk)}<div class='pq-passage'>{highlighted(chunk.text, quote)}</div>{tail}</div>")


def _lead_in_html(chunk: Chunk) -> str:
    """The lead-in of the list the passage opens inside, so its items read with what they are items of."""
    if not chunk.lead_in:
        return ""
    return f"<div class='pq-lead-in'>{escape(lead_in_note(chunk.lead_in))}</div>"


def _link_html(url: str) -> str:
    if not url:
        return "<span class='pq-link'>No official URL recorded.</span>"
    return (f"<a class='pq-link' href='{escape(url)}' target='_blank' rel='noopener noreferrer'>"
            f"Official source: {escape(url)}</a>")


def citation_html(citation: Citation, kind: str = "", label: str = "") -> str:
    """One opened citation: its facts (the printed pages of the quote; with `kind`, the document's instrument
    type and date), the whole passage with the quote marked, the official link (at the quote's PDF sheet).
    `label` replaces its number "[n]" (a passage shown without being cited: "Closest passage")."""
    return _card(label or f"[{citation.n}]", citation.passage, citation.quote, selected=True, link=True,
                 kind=kind)


def citation_choices(answer: Answer | None) -> list[tuple[str, str]]:
    """(label, value) pairs for the citation selector: `[n] title, p. x`."""
    if answer is None:
        return []
    return [(_choice_label(c), str(c.n)) for c in answer.citations]


def _choice_label(citation: Citation) -> str:
    chunk = citation.passage.chunk
    return f"[{citation.n}] {_short(chunk.title or chunk.doc_id)}, {citation.printed_pages}"


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
