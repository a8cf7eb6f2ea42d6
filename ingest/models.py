"""The dataclasses that cross the ingest boundary: document facts, loaded pages and chunks."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.pages import page_reference

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
    jurisdiction: str = "unknown"  # a code of the manifest's registry (`ingest.registry`), or "unknown"
    date: str = ""
    url: str = ""
    licence: str = ""
    sha256: str = ""
    instrument: str = ""  # one of INSTRUMENTS; empty for a user's extra file
    role: str = "primary"  # "secondary": it restates another document (`restates`, that one's id)
    restates: str = ""


@dataclass(frozen=True)
class Page:
    """The text of one page; `number` is 1-based. Files without pages are a single page 1."""

    number: int
    text: str
    label: str = ""  # the page number printed on it ("12", "iv", "88 FR 75223"); "" when none is known


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
    # page_start and page_end are PDF sheets (what `#page=N` opens); citations show the printed page instead
    page_labels: tuple[str, ...] = ()  # printed page of each sheet page_start..page_end; () when none printed
    page_breaks: tuple[tuple[int, int], ...] = ()  # (offset in text, sheet) where a new sheet begins
    lead_in: str = ""  # the sentence that says what the list this chunk opens inside is ("… applies to:")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        values["page_labels"] = tuple(values.get("page_labels", ()))
        values["page_breaks"] = tuple((int(at), int(sheet)) for at, sheet in values.get("page_breaks", ()))
        return cls(**values)

    def sheets_of(self, start: int, end: int) -> tuple[int, int]:
        """The first and last sheet of `text[start:end]` (the chunk's own when it does not record its breaks)."""
        if not self.page_breaks:
            return self.page_start, self.page_end

        def sheet_at(offset: int) -> int:
            return max((sheet for at, sheet in self.page_breaks if at <= offset), default=self.page_start)

        return sheet_at(start), sheet_at(max(start, end - 1))

    def printed_pages(self, first: int | None = None, last: int | None = None) -> str:
        """How a citation names sheets `first`..`last` (the chunk's own by default): "p. 12", "pp. 3–4",
        "88 FR 75223"; a sheet without a printed number is named by its sheet number."""
        first = self.page_start if first is None else first
        last = self.page_end if last is None else last
        return page_reference(self._label(first), self._label(last))

    def _label(self, sheet: int) -> str:
        index = sheet - self.page_start
        label = self.page_labels[index] if 0 <= index < len(self.page_labels) else ""
        return label or str(sheet)

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
