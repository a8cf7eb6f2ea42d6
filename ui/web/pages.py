"""Render the PDF page a passage comes from as an image, for the citation viewer.

>>> renderer = PageRenderer(Path("corpus/documents"))  # doctest: +SKIP
>>> renderer.render("eu-ai-act-2024-1689.pdf", 51).size  # doctest: +SKIP
(893, 1263)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from PIL import Image

SCALE = 1.5  # 108 dpi: readable on screen, about 100 ms a page
CACHED_PAGES = 32


class PageRenderer:
    """Renders pages of the corpus directory's PDFs; pdfium is not thread-safe, so one page at a time."""

    def __init__(self, corpus_dir: Path, scale: float = SCALE) -> None:
        self.corpus_dir = Path(corpus_dir).resolve()
        self.scale = scale
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, int, int], Image.Image] = OrderedDict()

    def path_of(self, file_name: str) -> Path | None:
        """The PDF inside the corpus directory named `file_name`, or None (other types, or a path that
        leads out of the directory)."""
        path = (self.corpus_dir / file_name).resolve()
        if path.parent != self.corpus_dir or path.suffix.lower() != ".pdf" or not path.is_file():
            return None
        return path

    def render(self, file_name: str, page: int) -> Image.Image | None:
        """Page `page` (1-based) of the PDF, or None when there is no such PDF or page."""
        path = self.path_of(file_name)
        if path is None or page < 1:
            return None
        key = (str(path), path.stat().st_mtime_ns, page)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            image = self._render(path, page)
            if image is not None:
                self._cache[key] = image
                while len(self._cache) > CACHED_PAGES:
                    self._cache.popitem(last=False)
            return image

    def _render(self, path: Path, page: int) -> Image.Image | None:
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError:
            return None
        try:
            if page > len(pdf):
                return None
            return pdf[page - 1].render(scale=self.scale).to_pil()
        finally:
            pdf.close()
