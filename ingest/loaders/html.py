"""HTML loader: visible text with a real parser; scripts, styles and navigation dropped."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from ingest.errors import IngestError
from ingest.loaders.text import read_text_file
from ingest.models import LoadedDocument, Page, SourceEntry

_DROPPED = ["script", "style", "noscript", "nav", "header", "footer", "form", "button", "iframe", "svg", "template"]
_LONE_MARKER = re.compile(r"^(\(\w{1,5}\)|\d{1,3}\.|[•–-])$")
_BLOCKS = ["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "br",
           "dt", "dd", "blockquote", "pre"]


def html_to_text(html: str) -> tuple[str, str]:
    """(title, visible text with one block element per paragraph and a blank line between paragraphs);
    table cells of a row share a paragraph."""
    with warnings.catch_warnings():
        # XHTML served as HTML (EUR-Lex) trips this warning; the HTML parser reads it correctly.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(_DROPPED):
        tag.decompose()
    for cell in soup(["td", "th"]):
        cell.append(" ")
    for tag in soup(_BLOCKS):
        tag.insert_before("\n")
        tag.append("\n")
    body = soup.body or soup
    lines = [" ".join(line.split()) for line in body.get_text().splitlines()]
    # blank lines mark the paragraphs, as in text files: the structure pass must not unwrap one into the next
    return title, "\n\n".join(join_lone_markers([line for line in lines if line]))


def join_lone_markers(lines: list[str]) -> list[str]:
    """Put a list marker that a table cell left alone (`(a)`, `1.`) back in front of its text."""
    joined: list[str] = []
    for line in lines:
        if joined and _LONE_MARKER.match(joined[-1]):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def load_html(path: Path, entry: SourceEntry) -> LoadedDocument:
    title, text = html_to_text(read_text_file(path))
    if not text.strip():
        raise IngestError(path, "HTML has no visible text")
    return LoadedDocument(source=entry, pages=(Page(1, text),), kind="html", metadata_title=title)
