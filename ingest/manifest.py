"""Read the corpus manifest (`sources.toml`): one `SourceEntry` per `[[document]]` table."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from ingest.errors import ManifestError
from ingest.models import INSTRUMENTS, JURISDICTIONS, SourceEntry

REQUIRED_KEYS = ("id", "file", "title", "jurisdiction", "sha256")
VALID_KEYS = tuple(f.name for f in fields(SourceEntry))
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def load_manifest(path: Path) -> list[SourceEntry]:
    """The manifest's documents in file order; raises `ManifestError` naming the file and the bad entry.

    >>> entries = load_manifest(Path("corpus/sources.toml"))  # doctest: +SKIP
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{path}: manifest not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc

    tables = data.get("document", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ManifestError(f"{path}: 'document' must be an array of tables ([[document]])")

    entries: list[SourceEntry] = []
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        entry = parse_entry(table, where=f"{path}: {_describe(number, table)}")
        if entry.id in seen_ids:
            raise ManifestError(
                f"{path}: {_describe(number, table)}: duplicate id, "
                f"already used by document #{seen_ids[entry.id]}"
            )
        if entry.file in seen_files:
            raise ManifestError(
                f"{path}: {_describe(number, table)}: file {entry.file!r} is already used by "
                f"document #{seen_files[entry.file]}"
            )
        seen_ids[entry.id] = number
        seen_files[entry.file] = number
        entries.append(entry)
    return entries


def parse_entry(table: dict[str, Any], where: str) -> SourceEntry:
    """One `[[document]]` table as a `SourceEntry`; `where` prefixes every error message."""
    unknown = sorted(set(table) - set(VALID_KEYS))
    if unknown:
        raise ManifestError(
            f"{where}: unknown key(s) {', '.join(unknown)}; valid keys are: {', '.join(VALID_KEYS)}"
        )
    for key in REQUIRED_KEYS:
        if key not in table:
            raise ManifestError(f"{where}: missing key {key!r}")
    for key, value in table.items():
        if not isinstance(value, str):
            raise ManifestError(f"{where}: {key!r} must be a string, got {type(value).__name__} {value!r}")
    for key in REQUIRED_KEYS:
        if not table[key].strip():
            raise ManifestError(f"{where}: {key!r} is empty")

    if table["jurisdiction"] not in JURISDICTIONS:
        raise ManifestError(
            f"{where}: unknown jurisdiction {table['jurisdiction']!r}; "
            f"valid choices are: {', '.join(JURISDICTIONS)}"
        )
    # instrument and date may be left out (a user's own manifest); when given they must be valid
    if "instrument" in table and table["instrument"] not in INSTRUMENTS:
        raise ManifestError(
            f"{where}: unknown instrument {table['instrument']!r}; valid choices are: {', '.join(INSTRUMENTS)}"
        )
    if "date" in table and not _DATE.fullmatch(table["date"]):
        raise ManifestError(f"{where}: date {table['date']!r} is not a date of the form YYYY-MM-DD")
    file = table["file"]
    # The file name is joined to the corpus directory, so anything but a plain name could escape it.
    if Path(file).name != file or file.startswith(".") or "\\" in file:
        raise ManifestError(
            f"{where}: file {file!r} must be a plain file name, without folders or a leading dot"
        )
    if not _SHA256.fullmatch(table["sha256"]):
        raise ManifestError(f"{where}: sha256 {table['sha256']!r} is not 64 lowercase hex digits")
    return SourceEntry(**table)


def _describe(number: int, table: dict[str, Any]) -> str:
    ident = table.get("id")
    return f"document #{number} (id {ident!r})" if isinstance(ident, str) and ident else f"document #{number}"
