"""Plain-text and Markdown loaders: strict UTF-8, binary files refused, Markdown front matter dropped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.errors import IngestError
from ingest.models import LoadedDocument, Page, SourceEntry

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
_INLINE_TAG = re.compile(r"</?(span|div|br|p|em|strong|b|i|u|a|sup|sub)\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def read_text_file(path: Path) -> str:
    """The file's text; refuses binary content and invalid UTF-8 with a message naming the byte."""
    data = path.read_bytes()
    if b"\x00" in data[:8192] or len(_CONTROL.findall(data[:8192].decode("latin-1"))) > 8:
        raise IngestError(path, "looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                "save it as UTF-8") from exc
    if not text.strip():
        raise IngestError(path, "file has no text")
    return text


def front_matter_title(text: str) -> str:
    """The `title:` of YAML front matter; a double-quoted value has its escapes (\\u2019) decoded.

    >>> front_matter_title('---\\ntitle: "G7 Leaders\\\\u2019 Statement"\\n---\\nBody')
    'G7 Leaders’ Statement'
    """
    match = _FRONT_MATTER.match(text)
    title = re.search(r"^title:\s*(.+)$", match.group(0), re.MULTILINE) if match else None
    if title is None:
        return ""
    return yaml_unquote(title.group(1).strip())


def yaml_unquote(value: str) -> str:
    """A YAML scalar as written in front matter, without its quotes and with its escapes decoded."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            # YAML's double-quoted escapes are JSON's, plus a few (\\_ for a non-breaking space)
            return str(json.loads(value.replace("\\_", "\\u00a0")))
        except json.JSONDecodeError:
            return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def markdown_to_plain(text: str) -> str:
    """Drop front matter, inline HTML tags, link targets and emphasis marks; headings stay as `#` lines."""
    text = _FRONT_MATTER.sub("", text)
    text = _INLINE_TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", _EMPHASIS.sub(r"\2", text))


def load_text(path: Path, entry: SourceEntry) -> LoadedDocument:
    return LoadedDocument(source=entry, pages=(Page(1, read_text_file(path)),), kind="text")


def load_markdown(path: Path, entry: SourceEntry) -> LoadedDocument:
    raw = read_text_file(path)
    return LoadedDocument(source=entry, pages=(Page(1, markdown_to_plain(raw)),), kind="markdown",
                          metadata_title=front_matter_title(raw))
