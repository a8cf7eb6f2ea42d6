"""Readers for each supported file type, chosen by suffix, each returning a `LoadedDocument`.

>>> from pathlib import Path
>>> from ingest.models import SourceEntry
>>> doc = load_document(Path("notes.md"), SourceEntry(id="notes", file="notes.md", title="Notes"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import IngestError
from ingest.loaders.html import load_html
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_markdown, load_text
from ingest.models import LoadedDocument, SourceEntry

Loader = Callable[[Path, SourceEntry], LoadedDocument]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
}
SUPPORTED_SUFFIXES = tuple(LOADERS)


def load_document(path: Path, entry: SourceEntry) -> LoadedDocument:
    """Read one file; raises `IngestError` naming the file and the problem."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(path, f"unsupported file type '{path.suffix or '(none)'}'; supported types are "
                                f"{', '.join(SUPPORTED_SUFFIXES)}")
    if not path.is_file():
        raise IngestError(path, "file not found")
    if path.stat().st_size == 0:
        raise IngestError(path, "file is empty")
    return loader(path, entry)
