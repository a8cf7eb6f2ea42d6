r"""Turn answers and passages into what the web UI shows: chat text that no document can inject Markdown or
HTML into, the sources panel, one passage with its quote highlighted, and the answer as copyable Markdown.

Every piece of document text goes through `html.escape` (HTML components) or `chat_text` (the Chatbot).

>>> print(chat_text("<b>[1]</b>"))
&lt;b&gt;\[1\]&lt;\/b&gt;
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlparse

from assistant.models import Answer, Citation
from index.models import Passage
from ingest.models import Chunk

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


def pages(chunk: Chunk) -> str:
    if chunk.page_start == chunk.page_end:
        return str(chunk.page_start)
    return f"{chunk.page_start}–{chunk.page_end}"


def safe_url(url: str) -> str:
    """The URL when it is an http(s) address, else "" (a manifest can not smuggle `javascript:` links)."""
    url = url.strip()
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else ""


def answer_markdown(answer: Answer) -> str:
    """The final chat message: the answer's sentences with their [n] markers, unsupported ones flagged;
    for an abstention, the abstention text and the closest passages."""
    if answer.abstained:
        lines = [chat_text(answer.text or "The indexed documents do not answer this question."), "",
                 "**Closest passages:**", ""]
        for passage in answer.passages[:CLOSEST_SHOWN]:
            lines.append(f"- {chat_text(source_line(passage.chunk))}")
        return "\n".join(lines)
    if not answer.sentences:
        return chat_text(answer.text)
    parts = []
    for sentence in answer.sentences:
        text = chat_text(sentence.text + "".join(f" [{n}]" for n in sentence.citations))
        parts.append(text if sentence.supported else f"{text} *(unsupported by the cited passage)*")
    return " ".join(parts)


def source_line(chunk: Chunk) -> str:
    """Title, issuer, jurisdiction, page and section of a passage, as one line of plain text."""
    facts = [chunk.title or chunk.doc_id]
    if chunk.issuer:
        facts.append(chunk.issuer)
    facts.append(chunk.jurisdiction.upper() if len(chunk.jurisdiction) <= 4 else chunk.jurisdiction.title())
    facts.append(f"p. {pages(chunk)}")
    if chunk.section:
        facts.append(chunk.section)
    return " · ".join(facts)


def highlighted(text: str, quote: str) -> str:
    """The passage text, escaped, with the quoted sentence inside `<mark>`; whitespace may differ."""
    start, end = _find(text, quote)
    if start < 0:
        return escape(text)
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def _find(text: str, quote: str) -> tuple[int, int]:
    quote = quote.strip()
    if not quote:
        return -1, -1
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else (-1, -1)


def _facts_html(chunk: Chunk) -> str:
    rows = [("Issuer", chunk.issuer), ("Jurisdiction", chunk.jurisdiction),
            ("Page", pages(chunk)), ("Section", chunk.section)]
    return "".join(f"<span class='pq-fact'><b>{label}:</b> {escape(value)}</span>"
                   for label, value in rows if value)


def sources_html(answer: Answer | None) -> str:
    """The sources panel: every cited passage with its quote highlighted, or the closest passages."""
    if answer is None:
        return "<div class='pq-empty'>Ask a question: the passages its answer cites appear here.</div>"
    if answer.abstained or not answer.citations:
        cards = [_card(f"{i}", p, "") for i, p in enumerate(answer.passages[:CLOSEST_SHOWN], start=1)]
        head = "<div class='pq-note'>No answer: the closest passages.</div>"
        return head + "".join(cards) if cards else head
    return "".join(_card(f"[{c.n}]", c.passage, c.quote) for c in answer.citations)


def _card(label: str, passage: Passage, quote: str) -> str:
    chunk = passage.chunk
    return (f"<div class='pq-source'><div class='pq-head'><span class='pq-n'>{escape(label)}</span> "
            f"<span class='pq-title'>{escape(chunk.title or chunk.doc_id)}</span></div>"
            f"<div class='pq-facts'>{_facts_html(chunk)}</div>"
            f"<div class='pq-passage'>{highlighted(chunk.text, quote)}</div></div>")


def citation_html(citation: Citation) -> str:
    """One selected citation: its facts, the whole passage with the quote marked, the official link."""
    chunk = citation.passage.chunk
    url = safe_url(chunk.url)
    if url:
        link = (f"<a class='pq-link' href='{escape(url)}' target='_blank' rel='noopener noreferrer'>"
                f"Official source: {escape(url)}</a>")
    else:
        link = "<span class='pq-link'>No official URL recorded.</span>"
    title = escape(chunk.title or chunk.doc_id)
    return (f"<div class='pq-source pq-selected'><div class='pq-head'>"
            f"<span class='pq-n'>[{citation.n}]</span> <span class='pq-title'>{title}</span></div>"
            f"<div class='pq-facts'>{_facts_html(chunk)}</div>"
            f"<div class='pq-passage'>{highlighted(chunk.text, citation.quote)}</div>{link}</div>")


def citation_choices(answer: Answer | None) -> list[tuple[str, str]]:
    """(label, value) pairs for the citation selector: `[n] title, p. x`."""
    if answer is None:
        return []
    return [(_choice_label(c), str(c.n)) for c in answer.citations]


def _choice_label(citation: Citation) -> str:
    chunk = citation.passage.chunk
    return f"[{citation.n}] {_short(chunk.title or chunk.doc_id)}, p. {pages(chunk)}"


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def copyable_markdown(answer: Answer | None) -> str:
    """The answer with numbered references, for pasting elsewhere as Markdown."""
    if answer is None:
        return ""
    lines = [answer.text, ""]
    unsupported = [s.text for s in answer.sentences if not s.supported]
    if unsupported:
        lines += ["Unsupported by the cited passages:", *[f"- {s}" for s in unsupported], ""]
    if answer.abstained:
        lines.append("Closest passages:")
        lines += [f"- {source_line(p.chunk)}" for p in answer.passages[:CLOSEST_SHOWN]]
    if answer.citations:
        lines += ["References:", ""]
    for citation in answer.citations:
        chunk = citation.passage.chunk
        url = safe_url(chunk.url)
        lines.append(f"[{citation.n}] {source_line(chunk)}" + (f" <{url}>" if url else ""))
        lines.append(f"  “{citation.quote}”")
    return "\n".join(lines).strip() + "\n"
