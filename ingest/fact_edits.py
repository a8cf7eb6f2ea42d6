"""Facts a user gave a document the manifest does not list (an upload): title, issuer, jurisdiction, instrument
type, date and official URL, kept in the data dir and laid over what was inferred from the file wherever facts
are read (the index's documents and chunks, `corpus list`, the Documents tab), so an edit needs no re-embedding.

>>> codes = ("eu", "us", "oecd", "japan", "g7", "unknown")  # a manifest registry's codes
>>> edit = check_facts({"title": "EO 14179", "jurisdiction": "us", "instrument": "executive order",
...                     "date": "2025-01-23", "url": "https://www.federalregister.gov/d/2025-02172"}, codes)
>>> edited_entry(SourceEntry(id="eo", file="eo.md", title="eo"), edit).jurisdiction
'us'
>>> check_facts({"title": "EO", "jurisdiction": "mars", "date": "23/01/2025"}, codes)
Traceback (most recent call last):
...
ingest.fact_edits.FactsError: Jurisdiction: 'mars' is not a known jurisdiction; choose one of: eu, us, oecd, \
japan, g7, unknown. Date: '23/01/2025' is not a date of the form yyyy-mm-dd (e.g. 2025-01-23).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ingest.corpus_status import DocumentStatus, corpus_status
from ingest.manifest import load_manifest, load_registry
from ingest.models import INSTRUMENTS, Chunk, SourceEntry
from ingest.settings import Settings

FACTS_FILE = "document-facts.json"
FORMAT = 1  # raise when the stored form changes, and read (or refuse) the older one explicitly
MAX_TEXT = 300
LABELS = {"title": "Title", "issuer": "Issuer", "jurisdiction": "Jurisdiction", "instrument": "Instrument type",
          "date": "Date", "url": "Official URL", "document": "Document", "file": "Facts file"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FactsError(ValueError):
    """Facts that cannot be saved: each problem names its field ("Date: ... is not a date ...")."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(f"{LABELS.get(name, name)}: {problem}." for name, problem in problems))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.problems)


@dataclass(frozen=True)
class FactEdit:
    """The facts a user set for one document; each replaces the inferred one (empty strings included)."""

    title: str
    issuer: str = ""
    jurisdiction: str = "unknown"
    instrument: str = ""
    date: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


EDITABLE = tuple(f.name for f in fields(FactEdit))


def is_web_url(url: str) -> bool:
    """Whether `url` is an http(s) address with a host (no `javascript:` or `file:` link gets through)."""
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def check_facts(values: Mapping[str, Any], jurisdictions: Sequence[str] | None) -> FactEdit:
    """The facts as a `FactEdit`, stripped of surrounding spaces; raises `FactsError` listing every field that
    is wrong and why (an unknown field name too). The jurisdiction must be one of `jurisdictions` (the
    manifest registry's codes); None when reading back stored facts, whose codes were checked when saved and
    are shown as written if the registry has since dropped them."""
    problems = [(name, f"not a document fact; the facts are {', '.join(EDITABLE)}")
                for name in values if name not in EDITABLE]
    text = {name: str(values.get(name) or "").strip() for name in EDITABLE}
    for name in ("title", "issuer"):
        if "\n" in text[name] or "\r" in text[name]:
            problems.append((name, "must be one line"))
        elif len(text[name]) > MAX_TEXT:
            problems.append((name, f"is {len(text[name])} characters long; the limit is {MAX_TEXT}"))
    if not text["title"]:
        problems.append(("title", "must not be empty"))
    text["jurisdiction"] = text["jurisdiction"] or "unknown"
    if jurisdictions is not None and text["jurisdiction"] not in jurisdictions:
        known = ", ".join(jurisdictions)
        problems.append(("jurisdiction", f"{text['jurisdiction']!r} is not a known jurisdiction; choose one of: {known}"))
    if text["instrument"] and text["instrument"] not in INSTRUMENTS:
        known = ", ".join(INSTRUMENTS)
        problems.append(("instrument", f"{text['instrument']!r} is not a known instrument type; choose one of: "
                                       + f"{known} (or leave it empty)"))
    if text["date"] and not _is_date(text["date"]):
        problems.append(("date", f"{text['date']!r} is not a date of the form yyyy-mm-dd (e.g. 2025-01-23)"))
    if text["url"] and not is_web_url(text["url"]):
        problems.append(("url", f"{text['url']!r} is not an http:// or https:// address"))
    if problems:
        raise FactsError(sorted(problems, key=lambda p: EDITABLE.index(p[0]) if p[0] in EDITABLE else -1))
    return FactEdit(**text)


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:  # 2025-02-30
        return False
    return True


def facts_path(data_dir: Path) -> Path:
    return Path(data_dir) / FACTS_FILE


def read_fact_edits(data_dir: Path) -> dict[str, FactEdit]:
    """The edited facts by document id ({} when none were saved); raises `FactsError` (field "file") for a file
    that is not ours or of a newer format, rather than silently dropping the user's edits."""
    path = facts_path(data_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise FactsError([("file", f"{path} cannot be read ({exc}); fix or remove it")]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        raise FactsError([("file", f"{path} is not a file of document facts; fix or remove it")])
    if data.get("format") != FORMAT:
        raise FactsError([("file", f"{path} has format {data.get('format')!r}, this policyqa reads format "
                                   + f"{FORMAT}: use the policyqa that wrote it, or remove the file")])
    edits: dict[str, FactEdit] = {}
    for doc_id, facts in data["documents"].items():
        try:
            edits[doc_id] = check_facts({k: v for k, v in facts.items() if k != "file"}, None)
        except (FactsError, AttributeError) as exc:
            raise FactsError([("file", f"{path}: the facts of {doc_id!r} are invalid ({exc})")]) from exc
    return edits


def fact_edits_stamp(data_dir: Path) -> str:
    """Changes whenever the facts file is saved (it is replaced whole): a running app compares it to reload."""
    try:
        stat = facts_path(data_dir).stat()
    except FileNotFoundError:
        return ""
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


def with_facts_stamp(version: str, facts_stamp: str) -> str:
    """An index version named together with the facts file it is read with: a process that keeps an index
    loaded (the answer service) compares these to know when to load it again."""
    return f"{version}+facts:{facts_stamp}" if version and facts_stamp else version


def editable_documents(settings: Settings) -> list[DocumentStatus]:
    """The corpus files whose facts may be edited: those the manifest does not list (uploads, a user's own
    files), in file-name order, with their current (edited) facts."""
    statuses = corpus_status(_manifest_entries(settings), Path(settings.corpus_dir))
    return [status for status in with_fact_edits(statuses, read_fact_edits(settings.data_dir))
            if status.status == "extra"]


def save_fact_edit(settings: Settings, doc_id: str, values: Mapping[str, Any]) -> FactEdit:
    """Check `values` and store them as the facts of the uploaded document `doc_id`, replacing its earlier
    edit; the web app's form and `policyqa corpus facts` both save through here. Raises `FactsError` for
    invalid facts, a document of the manifest (its facts are the manifest's) or an id no uploaded file has."""
    listed = {entry.id for entry in _manifest_entries(settings)}
    if doc_id in listed:
        raise FactsError([("document", f"{doc_id!r} is a document of the default corpus: its facts come from "
                                       + f"{settings.manifest_path} and are not edited here")])
    files = {status.entry.id: status.entry.file for status in editable_documents(settings)}
    if doc_id not in files:
        known = ", ".join(sorted(files)) or "none"
        raise FactsError([("document", f"no uploaded document has the id {doc_id!r} in {settings.corpus_dir}; "
                                       + f"uploaded documents: {known}")])
    edit = check_facts(values, load_registry(settings.manifest_path).codes)
    path = facts_path(settings.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        read_fact_edits(settings.data_dir)  # refuses a file it cannot read back, rather than overwrite it
        stored = json.loads(path.read_text(encoding="utf-8"))["documents"] if path.exists() else {}
        stored[doc_id] = {"file": files[doc_id], **edit.to_dict()}
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"format": FORMAT, "documents": stored}, indent=2, ensure_ascii=False),
                             encoding="utf-8")
        os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
    return edit


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Two saves (the app's and a CLI's) read, change and write the file one after the other."""
    with open(path.with_suffix(".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _manifest_entries(settings: Settings) -> list[SourceEntry]:
    path = Path(settings.manifest_path)
    return load_manifest(path) if path.exists() else []


def edited_entry(entry: SourceEntry, edit: FactEdit | None) -> SourceEntry:
    """The entry with the edited facts; a manifest document (it has a sha256) keeps the manifest's."""
    return entry if edit is None or entry.sha256 else replace(entry, **edit.to_dict())


def edited_entry_dict(entry: Mapping[str, Any], edit: FactEdit | None) -> dict[str, Any]:
    """`edited_entry` for the entry an index stored as a dict."""
    return dict(entry) if edit is None or entry.get("sha256") else {**entry, **edit.to_dict()}


def edited_chunk(chunk: Chunk, edit: FactEdit) -> Chunk:
    """The chunk with the document facts it carries (title, jurisdiction, issuer, URL) as edited."""
    return replace(chunk, title=edit.title, jurisdiction=edit.jurisdiction, issuer=edit.issuer, url=edit.url)


def with_fact_edits(statuses: list[DocumentStatus], edits: Mapping[str, FactEdit]) -> list[DocumentStatus]:
    """The corpus statuses with the edited facts of the files the manifest does not list."""
    return [replace(s, entry=edited_entry(s.entry, edits.get(s.entry.id))) if s.status == "extra" else s
            for s in statuses]
