"""Accept a document uploaded through the web UI: check its size and that its content is what its name says,
give it a safe file name, and store it in the corpus directory without ever replacing an existing file.

>>> safe_file_name("../../etc/EU AI Act (final).PDF")
'EU-AI-Act-final.pdf'
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ingest.corpus_status import sha256_file
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES, load_document
from ingest.models import SourceEntry

MAX_NAME = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HTML_TAG = re.compile(r"<\s*(!doctype\s+html|html|head|body|title|meta|p|div|h[1-6]|article|section|main"
                       r"|table|ul|ol|li|span|a|br)\b", re.IGNORECASE)
_KIND = {".pdf": "PDF", ".md": "Markdown", ".markdown": "Markdown", ".txt": "text", ".html": "HTML",
         ".htm": "HTML"}


class UploadError(Exception):
    """The upload was refused; the message says why and what to do."""


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    doc_id: str
    message: str


def safe_file_name(name: str) -> str:
    """The base name only (no directories), characters outside [A-Za-z0-9._-] replaced, no leading dot,
    the suffix in lower case. Raises `UploadError` for an unsupported suffix."""
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadError(f"unsupported file type '{suffix or '(none)'}' in '{base}'; supported types are "
                          f"{', '.join(SUPPORTED_SUFFIXES)}")
    stem = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", stem)).strip("._-") or "document"
    return stem[: MAX_NAME - len(suffix)] + suffix


def check_content(data: bytes, suffix: str) -> None:
    """Raise `UploadError` unless the bytes are a document of the type `suffix` names."""
    kind = _KIND[suffix]
    if not data:
        raise UploadError("the file is empty")
    if suffix == ".pdf":
        if not data[:1024].lstrip().startswith(b"%PDF"):
            raise UploadError("the file is named .pdf but is not a PDF (no %PDF header)")
        return
    if b"\x00" in data:
        raise UploadError(f"the file is named {suffix} but contains binary data (NUL bytes), not {kind}")
    if data.lstrip().startswith(b"%PDF-"):
        raise UploadError(f"the file is a PDF named {suffix}; rename it to .pdf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start}); save it as UTF-8") from exc
    if not text.strip():
        raise UploadError("the file has no text")
    if suffix in (".html", ".htm"):
        if not _HTML_TAG.search(text[:65536]):
            raise UploadError("the file is named .html but does not look like HTML (no HTML tags)")
        from bs4 import BeautifulSoup

        try:
            visible = BeautifulSoup(text, "lxml").get_text(" ", strip=True)
        except Exception as exc:
            raise UploadError(f"the HTML could not be parsed: {exc}") from exc
        if not visible:
            raise UploadError("the HTML page has no visible text")


def open_as_document(path: Path) -> None:
    """Raise `UploadError` with the loader's reason unless our loader for the file's type reads it (a file
    that merely starts with %PDF, a truncated PDF, a scanned PDF without text, is refused here)."""
    try:
        load_document(path, SourceEntry(id=path.stem, file=path.name, title=path.stem))
    except IngestError as exc:
        raise UploadError(exc.problem) from exc


def remove_upload_copy(path: Path) -> None:
    """Delete the web server's temporary copy of an upload, handled (stored or refused), and its folder when
    that is left empty: nothing of it stays downloadable from the server's temporary folder."""
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()  # Gradio keeps each upload in a folder of its own
    except OSError:
        pass


def store_upload(source: Path, original_name: str, corpus_dir: Path, max_bytes: int,
                 taken_ids: set[str]) -> StoredUpload:
    """Check `source` (size, content, then opened with our loader) and copy it into `corpus_dir` under a safe
    name. A name (or document id) already in use gets a numbered suffix; a file identical to one already there
    is refused. A refused file leaves nothing behind in `corpus_dir`."""
    size = source.stat().st_size
    if size > max_bytes:
        raise UploadError(f"the file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    name = safe_file_name(original_name)
    data = source.read_bytes()
    check_content(data, Path(name).suffix)
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    for existing in corpus_dir.iterdir():
        if (existing.is_file() and not existing.is_symlink() and existing.stat().st_size == size
                and sha256_file(existing) == digest):
            raise UploadError(f"this document is already in the corpus as {existing.name}")
    path = _write_new(corpus_dir, name, data, taken_ids)
    note = f" (stored as {path.name}: {name} was taken)" if path.name != name else ""
    return StoredUpload(path=path, doc_id=path.stem, message=f"Added {path.name}{note}.")


def _write_new(corpus_dir: Path, name: str, data: bytes, taken_ids: set[str]) -> Path:
    stem, suffix = Path(name).stem, Path(name).suffix
    # hidden (no corpus listing sees it); the document's own suffix, so that its loader opens it
    temp = corpus_dir / f".upload-{secrets.token_hex(8)}{suffix}"
    temp.write_bytes(data)
    try:
        open_as_document(temp)
        for number in range(1, 1000):
            candidate = stem if number == 1 else f"{stem}-{number}"
            target = corpus_dir / f"{candidate}{suffix}"
            if candidate in taken_ids or any(corpus_dir.glob(f"{glob_escape(candidate)}.*")):
                continue
            try:
                os.link(temp, target)  # fails when the name exists: never replaces a file
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: exclusive create, never replace
                try:
                    with target.open("xb") as handle:
                        handle.write(data)
                except FileExistsError:
                    continue
            return target
        raise UploadError(f"too many documents named {stem}; rename the file")
    finally:
        temp.unlink(missing_ok=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


