"""Ingest documents end to end: load, clean, recognise structure, chunk; one report per document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ingest.chunk import ChunkingParams, TokenCounter, chunk_blocks, estimate_tokens
from ingest.clean import fix_spacing, normalize_unicode, recurring_edge_lines, strip_page_furniture
from ingest.errors import IngestError
from ingest.loaders import load_document
from ingest.models import Chunk, DocumentReport, LoadedDocument, SourceEntry
from ingest.structure import Line, build_blocks


@dataclass(frozen=True)
class IngestedDocument:
    entry: SourceEntry
    text: str  # the cleaned text that chunk offsets point into
    chunks: tuple[Chunk, ...]
    report: DocumentReport


def clean_lines(document: LoadedDocument) -> list[Line]:
    """Every line of the document, Unicode-normalised, page furniture removed, spacing mended."""
    pages = [normalize_unicode(page.text).splitlines() for page in document.pages]
    paged = document.kind == "pdf"
    recurring = recurring_edge_lines(pages) if paged else set()
    lines: list[Line] = []
    for page, raw in zip(document.pages, pages):
        kept = strip_page_furniture(raw, recurring) if paged else raw
        lines.extend(Line(page.number, fix_spacing(line)) for line in kept)
    return lines


def ingest_document(path: Path, entry: SourceEntry, params: ChunkingParams,
                    count: TokenCounter = estimate_tokens) -> IngestedDocument:
    """Load and chunk one file; raises `IngestError` naming the file and the problem."""
    document = load_document(path, entry)
    blocks = build_blocks(clean_lines(document), markdown=document.kind == "markdown",
                          blank_separates=document.kind != "pdf")
    text, chunks = chunk_blocks(entry, blocks, params, count)
    warnings = []
    empty_pages = [p.number for p in document.pages if not p.text.strip()]
    if empty_pages:
        shown = ", ".join(map(str, empty_pages[:10])) + (" …" if len(empty_pages) > 10 else "")
        warnings.append(f"{len(empty_pages)} page(s) without text: {shown}")
    if not chunks:
        raise IngestError(path, "no text left to index after cleaning")
    report = DocumentReport(doc_id=entry.id, file=path.name, pages=len(document.pages), characters=len(text),
                            chunks=len(chunks), warnings=tuple(warnings))
    return IngestedDocument(entry=entry, text=text, chunks=tuple(chunks), report=report)


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[IngestedDocument, ...]
    failures: tuple[DocumentReport, ...]

    @property
    def chunks(self) -> list[Chunk]:
        return [chunk for doc in self.documents for chunk in doc.chunks]

    @property
    def reports(self) -> list[DocumentReport]:
        return [doc.report for doc in self.documents] + list(self.failures)


def ingest_files(files: Iterable[tuple[Path, SourceEntry]], params: ChunkingParams,
                 count: TokenCounter = estimate_tokens, progress: bool = False) -> IngestResult:
    """Ingest every file; a file that fails is reported and the others still go through."""
    items = list(files)
    documents: list[IngestedDocument] = []
    failures: list[DocumentReport] = []
    for path, entry in tqdm(items, desc="ingest", unit="doc", disable=not progress):
        try:
            documents.append(ingest_document(path, entry, params, count))
        except IngestError as exc:
            failures.append(DocumentReport(doc_id=entry.id, file=path.name, error=str(exc)))
    return IngestResult(documents=tuple(documents), failures=tuple(failures))
