"""The dataclasses that cross the ingest boundary: document facts, loaded pages and chunks."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

JURISDICTIONS = ("eu", "us", "oecd", "japan", "g7", "unknown")
# The nature of a document, as the manifest states it: a report on a plan must not read as the plan itself.
INSTRUMENTS = ("binding law (regulation)", "executive order", "agency memorandum", "voluntary framework",
               "intergovernmental recommendation", "leaders' statement", "policy plan", "report")


@dataclass(frozen=True)
class SourceEntry:
    """What the manifest (or inference, for a user's extra file) says about one document."""

    id: str
    file: str
    title: str
    issuer: str = ""
    jurisdiction: str = "unknown"
    date: str = ""
    url: str = ""
    licence: str = ""
    sha256: str = ""
    instrument: str = ""  # one of INSTRUMENTS; empty for a user's extra file


@dataclass(frozen=True)
class Page:
    """The text of one page; `number` is 1-based. Files without pages are a single page 1."""

    number: int
    text: str


@dataclass(frozen=True)
class LoadedDocument:
    """A document as its loader read it, before cleaning."""

    source: SourceEntry
    pages: tuple[Page, ...]
    kind: str  # "pdf", "markdown", "text" or "html"
    metadata_title: str = ""


@dataclass(frozen=True)
class Chunk:
    """A citable passage: one piece of one structural unit of one document."""

    chunk_id: str
    doc_id: str
    title: str
    jurisdiction: str
    page_start: int
    page_end: int
    section: str
    char_start: int
    char_end: int
    text: str
    url: str = ""
    issuer: str = ""
    kind: str = "text"  # "text", or "definition" for one defined term of a definitions unit
    term: str = ""  # the defined term of a definition chunk

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def to_langchain(self) -> Any:
        """This chunk as a LangChain `Document` (text as page_content, the rest as metadata)."""
        from langchain_core.documents import Document

        metadata = self.to_dict()
        text = metadata.pop("text")
        return Document(page_content=text, metadata=metadata, id=self.chunk_id)


def make_chunk_id(doc_id: str, section: str, text: str) -> str:
    """Stable id: the same document, section and text always give the same id."""
    digest = hashlib.sha256(f"{doc_id}\x1f{section}\x1f{text}".encode()).hexdigest()
    return f"{doc_id}:{digest[:16]}"


@dataclass(frozen=True)
class DocumentReport:
    """What ingesting one document produced, for the `ingest` command's table."""

    doc_id: str
    file: str
    pages: int = 0
    characters: int = 0
    chunks: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)
    error: str = ""
