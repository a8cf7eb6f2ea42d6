"""Compare the corpus directory with the manifest: which documents are present, missing, modified or extra."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ingest.models import SourceEntry

Status = Literal["present", "missing", "modified", "extra", "refused"]
CORPUS_SUFFIXES = (".pdf", ".md", ".markdown", ".txt", ".html", ".htm")
SYNC_SIDECAR = ".policyqa-sync.json"
# A corpus mirror's own papers (its list of sources, readme, licence) describe the documents; they are not ones.
MIRROR_OWN_FILES = frozenset({"sources", "readme", "license", "licence", "notice", "changelog"})
_HEAD_BYTES = 256 * 1024  # a title sits near the top; no need to read a whole large file
_MAX_TITLE = 200
_FILE_NAME = re.compile(r"[\w.~-]+\.(?:xml|x?html?|pdf|docx?|txt|md|rtf|odt|indd|tex|fmx)", re.IGNORECASE)
_TITLE_CLASS = re.compile(r"(?:^|[-_])(?:title|doc-ti)(?:$|[-_])", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentStatus:
    """One document's state in the corpus directory."""

    entry: SourceEntry
    path: Path
    status: Status
    reason: str = ""  # why a "refused" file is not read


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in blocks so large PDFs need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def corpus_status(entries: list[SourceEntry], corpus_dir: Path) -> list[DocumentStatus]:
    """Manifest documents in manifest order, then the directory's extra documents by file name. A file that
    is not a regular file inside the corpus folder, links resolved, is "refused" with its reason, never read."""
    corpus_dir = Path(corpus_dir)
    statuses = [_entry_status(entry, corpus_dir / entry.file, corpus_dir) for entry in entries]
    named = {entry.file for entry in entries}
    extras = [path for path in _document_files(corpus_dir) if path.name not in named]
    ids = extra_ids([path.name for path in extras], taken={entry.id for entry in entries})
    for path in extras:
        reason = refusal(path, corpus_dir)
        if reason:
            statuses.append(DocumentStatus(SourceEntry(id=ids[path.name], file=path.name, title=path.stem,
                                                       jurisdiction="unknown"), path, "refused", reason))
        else:
            statuses.append(DocumentStatus(replace(infer_entry(path), id=ids[path.name]), path, "extra"))
    return statuses


def extra_ids(names: list[str], taken: set[str]) -> dict[str, str]:
    """An id for each file the manifest does not name, none equal to another or to a `taken` (manifest) id:
    the name stem, or the whole file name when the stem is taken. PDFs claim their stem first, so a PDF's
    id (and its citations) stays the same when another edition of it arrives beside it.

    >>> extra_ids(["act.html", "act.pdf", "notes.txt"], taken={"notes"})
    {'act.pdf': 'act', 'act.html': 'act.html', 'notes.txt': 'notes.txt'}
    """
    ids: dict[str, str] = {}
    used = set(taken)
    for name in sorted(names, key=lambda n: (Path(n).suffix.lower() != ".pdf", n)):
        candidates = [Path(name).stem, name] + [f"{name}~{n}" for n in range(2, len(names) + 2)]
        ids[name] = next(c for c in candidates if c not in used)
        used.add(ids[name])
    return ids


def refusal(path: Path, corpus_dir: Path) -> str:
    """Why `path` may not be read as a document of `corpus_dir` ("" when it may): after resolving links it
    must be a regular file inside the folder, so that a link cannot make any file the process reads servable.

    >>> refusal(Path("/etc/hostname"), Path("corpus/documents"))
    'a link or path that leads outside the corpus folder'
    """
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link, a loop
        return "a link to nothing"
    if not real.is_relative_to(Path(corpus_dir).resolve()):
        return "a link or path that leads outside the corpus folder"
    if not real.is_file():
        return "not a regular file"
    return ""


def _entry_status(entry: SourceEntry, path: Path, corpus_dir: Path) -> DocumentStatus:
    if not path.is_file() and not path.is_symlink() and not path.exists():
        return DocumentStatus(entry, path, "missing")
    reason = refusal(path, corpus_dir)
    if reason:
        return DocumentStatus(entry, path, "refused", reason)
    if entry.sha256 and sha256_file(path) != entry.sha256:
        return DocumentStatus(entry, path, "modified")
    return DocumentStatus(entry, path, "present")


def _document_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        return []
    return sorted(
        path
        for path in corpus_dir.iterdir()
        if (path.is_symlink() or not path.is_dir())  # links and special files too: they are refused, said so
        and not path.name.startswith(".")  # temp files of an interrupted sync, the sidecar, editor files
        and path.name != SYNC_SIDECAR
        and path.suffix.lower() in CORPUS_SUFFIXES
        and path.stem.lower() not in MIRROR_OWN_FILES
    )


def infer_entry(path: Path) -> SourceEntry:
    """Facts for a file the manifest does not name: id from the stem, title from the file when it has one.

    Never raises on a damaged file (the title falls back to the stem); ingestion reports such files.
    """
    path = Path(path)
    try:
        title = infer_title(path)
    except Exception:  # noqa: BLE001 - any parser failure on a user's file must not stop `corpus list`
        title = ""
    return SourceEntry(id=path.stem, file=path.name, title=title or path.stem, jurisdiction="unknown")


def infer_title(path: Path) -> str:
    """The title a file declares: PDF metadata, Markdown heading, HTML <title>/<h1>, or first text line."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf_title(path)
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    if suffix in (".md", ".markdown"):
        return markdown_title(head)
    if suffix in (".html", ".htm"):
        return html_title(head)
    return text_title(head)


def _pdf_title(path: Path) -> str:
    """The PDF's metadata title, unless it is a file name; else the first line of its first page."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    metadata = reader.metadata
    title = _clean(str(metadata.title)) if metadata and metadata.title else ""
    if title and not is_file_name(title):
        return title
    return text_title(reader.pages[0].extract_text() or "") if reader.pages else ""


def is_file_name(title: str) -> bool:
    """Whether a declared title is really the name of a file the document was made from, which tells a reader
    nothing (EUR-Lex pages are titled "L_202401689EN.000101.fmx.xml", Word exports "Microsoft Word - x.docx").

    >>> is_file_name("L_202401689EN.000101.fmx.xml"), is_file_name("EU AI Act (Regulation 2024/1689)")
    (True, False)
    """
    title = title.strip()
    return bool(_FILE_NAME.fullmatch(title)) or title.lower() in ("untitled", "document", "title") \
        or title.lower().startswith("microsoft word - ")


def markdown_title(text: str) -> str:
    """The front matter's `title:`, else the first ATX heading (`# Title`), else ""."""
    # imported here: the loaders package brings pypdf and bs4 (0.5 s), which `policyqa ask` answered by a running
    # `policyqa serve` would otherwise import through the fact edits' stamp
    from ingest.loaders.text import front_matter_title, markdown_to_plain

    text = text.lstrip("\ufeff")
    title = front_matter_title(text)
    if title:
        return _clean(title)
    body = markdown_to_plain(text)
    match = re.search(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", body, flags=re.MULTILINE)
    return _clean(match.group(1)) if match else ""


def html_title(text: str) -> str:
    """The page's <title> unless it is a file name, else its first <h1>, else the first element whose class
    names a title (EUR-Lex's `eli-main-title`), else its first <h2>, else ""."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    candidates = [soup.title, soup.h1, soup.find(class_=_TITLE_CLASS), soup.h2]
    for tag in candidates:
        title = _clean(tag.get_text(" ", strip=True)) if tag is not None else ""
        if title and not is_file_name(title):
            return title
    return ""


def text_title(text: str) -> str:
    """The first non-empty line, else ""."""
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return _clean(line)
    return ""


def _clean(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= _MAX_TITLE else title[: _MAX_TITLE - 1].rstrip() + "…"
