"""Bounds on the work one document may cause, from the settings, checked before the document is read.

>>> DocumentLimits.from_settings(Settings(max_pdf_pages=300)).max_pdf_pages
300
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError
from ingest.settings import Settings


@dataclass(frozen=True)
class DocumentLimits:
    """The largest file (bytes), PDF (pages) and document (chunks) ingested; 0 means no bound."""

    max_bytes: int = 50 * 1_000_000
    max_pdf_pages: int = 2000
    max_chunks: int = 5000

    @classmethod
    def from_settings(cls, settings: Settings) -> DocumentLimits:
        return cls(max_bytes=int(settings.max_document_mb * 1_000_000), max_pdf_pages=settings.max_pdf_pages,
                   max_chunks=settings.max_chunks_per_document)

    def check_before_reading(self, path: Path) -> None:
        """Raise `IngestError` for a file over the byte bound, or a PDF over the page bound (its page tree is
        counted, no text extracted); a PDF that cannot be opened is left to its loader to report."""
        size = path.stat().st_size
        if self.max_bytes and size > self.max_bytes:
            raise IngestError(path, f"the file is {size / 1e6:.1f} MB; the limit is {self.max_bytes / 1e6:g} MB "
                                    "(setting max_document_mb)")
        if self.max_pdf_pages and path.suffix.lower() == ".pdf":
            pages = _pdf_page_count(path)
            if pages is not None and pages > self.max_pdf_pages:
                raise IngestError(path, f"the PDF has {pages:,} pages; the limit is {self.max_pdf_pages:,} "
                                        "(setting max_pdf_pages)")

    def check_chunks(self, path: Path, chunks: int) -> None:
        """Raise `IngestError` when a document made more chunks than the bound (refused before any embedding)."""
        if self.max_chunks and chunks > self.max_chunks:
            raise IngestError(path, f"the document makes {chunks:,} chunks; the limit is {self.max_chunks:,} "
                                    "(setting max_chunks_per_document)")


DEFAULT_LIMITS = DocumentLimits()


def _pdf_page_count(path: Path) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(path).pages)
    except Exception:  # noqa: BLE001 - a damaged PDF is reported by the loader, with its own message
        return None
