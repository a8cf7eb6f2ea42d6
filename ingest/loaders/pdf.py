"""PDF loader: text per page with pypdf, 1-based sheet numbers with their printed labels, the metadata title."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from ingest.errors import IngestError
from ingest.models import LoadedDocument, Page, SourceEntry
from ingest.pages import printed_folios

# pypdf logs a warning for every odd font or xref; the user gets one message per file from us instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def load_pdf(path: Path, entry: SourceEntry) -> LoadedDocument:
    with path.open("rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF"):
            raise IngestError(path, "not a PDF file (no %PDF header); is the file corrupt or misnamed?")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "PDF is encrypted with a password; decrypt it first")
        texts = [page.extract_text() or "" for page in reader.pages]
        labels = _pdf_labels(reader) or printed_folios([text.splitlines() for text in texts])
        pages = tuple(Page(i, text, label) for i, (text, label) in enumerate(zip(texts, labels), start=1))
        title = str(reader.metadata.title or "") if reader.metadata else ""
    except IngestError:
        raise
    except NotImplementedError as exc:
        raise IngestError(path, f"PDF is encrypted in a way that cannot be read ({exc})") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(path, f"corrupt PDF that cannot be read ({_one_line(exc)})") from exc
    except Exception as exc:
        raise IngestError(path, f"corrupt PDF that cannot be read ({type(exc).__name__}: "
                                f"{_one_line(exc)})") from exc
    if not pages:
        raise IngestError(path, "PDF has no pages")
    if sum(len(p.text.strip()) for p in pages) < 20:
        raise IngestError(path, "PDF has no text layer (scanned images?); run OCR on it first")
    return LoadedDocument(source=entry, pages=pages, kind="pdf", metadata_title=title)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
def _pdf_labels(reader: PdfReader) -> list[str]:
    """The page labels the PDF itself defines (`/PageLabels`: "i", "ii", "1", …); [] when it defines none."""
    if "/PageLabels" not in reader.trailer["/Root"]:
        return []
    return list(reader.page_labels)
