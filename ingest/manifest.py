"""Read the corpus manifest (`sources.toml`): the registry of its `[[jurisdiction]]` tables, and one `SourceEntry`
per `[[document]]` table, checked against it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ingest.errors import ManifestError
from ingest.models import INSTRUMENTS, SourceEntry
from ingest.registry import ROLES, UNKNOWN, Jurisdiction, Registry

REQUIRED_KEYS = ("id", "file", "title", "jurisdiction", "sha256")
VALID_KEYS = tuple(f.name for f in fields(SourceEntry))
JURISDICTION_KEYS = tuple(f.name for f in fields(Jurisdiction))
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Manifest:
    entries: list[SourceEntry]
    registry: Registry


def load_manifest(path: Path) -> list[SourceEntry]:
    """The manifest's documents in file order; raises `ManifestError` naming the file and the bad entry.

    >>> entries = load_manifest(Path("corpus/sources.toml"))  # doctest: +SKIP
    """
    return read_manifest(path).entries


def load_registry(path: Path) -> Registry:
    """The registry the manifest declares; an empty one (every document "unknown") when there is no manifest,
    as a corpus without one is read."""
    return read_manifest(path).registry if Path(path).exists() else Registry()


def read_manifest(path: Path) -> Manifest:
    """The registry and the documents; raises `ManifestError` naming the file and the bad table."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{path}: manifest not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc

    jurisdictions = parse_jurisdictions(_tables(data, "jurisdiction", path), path)
    codes = (*(j.code for j in jurisdictions), UNKNOWN)
    tables = _tables(data, "document", path)

    entries: list[SourceEntry] = []
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        entry = parse_entry(table, where=f"{path}: {_describe(number, table)}", jurisdictions=codes)
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
    restates = {e.id: e.restates for e in entries if e.role == "secondary"}
    for doc_id, original in restates.items():
        if original not in seen_ids or original == doc_id:
            raise ManifestError(f"{path}: document {doc_id!r}: restates {original!r}, which is not another "
                                f"document of the manifest")
    return Manifest(entries, Registry(jurisdictions, MappingProxyType(restates)))


def _tables(data: dict[str, Any], name: str, path: Path) -> list[dict[str, Any]]:
    tables = data.get(name, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ManifestError(f"{path}: '{name}' must be an array of tables ([[{name}]])")
    return tables


def parse_jurisdictions(tables: list[dict[str, Any]], path: Path) -> tuple[Jurisdiction, ...]:
    """The `[[jurisdiction]]` tables: every key a non-empty string but `terms`, a list of them; codes unique."""
    found: list[Jurisdiction] = []
    for number, table in enumerate(tables, start=1):
        where = f"{path}: jurisdiction #{number}" + (f" ({table['code']!r})" if isinstance(table.get("code"), str)
                                                      else "")
        unknown = sorted(set(table) - set(JURISDICTION_KEYS))
        if unknown:
            raise ManifestError(f"{where}: unknown key(s) {', '.join(unknown)}; valid keys are: "
                                f"{', '.join(JURISDICTION_KEYS)}")
        for key in JURISDICTION_KEYS:
            value = table.get(key)
            if key == "terms":
                if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
                    raise ManifestError(f"{where}: 'terms' must be a list of non-empty strings")
            elif not isinstance(value, str) or not value.strip():
                raise ManifestError(f"{where}: {key!r} must be a non-empty string")
        if table["code"] == UNKNOWN:
            raise ManifestError(f"{where}: the code {UNKNOWN!r} is kept for documents outside the registry")
        if any(j.code == table["code"] for j in found):
            raise ManifestError(f"{where}: code {table['code']!r} is declared twice")
        found.append(Jurisdiction(table["code"], table["name"], table["short"], table["phrase"],
                                  tuple(table["terms"])))
    return tuple(found)


def parse_entry(table: dict[str, Any], where: str, jurisdictions: tuple[str, ...]) -> SourceEntry:
    """One `[[document]]` table as a `SourceEntry`; `where` prefixes every error message. `jurisdictions` are
    the codes a document may have: the registry's and "unknown"."""
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

    if table["jurisdiction"] not in jurisdictions:
        raise ManifestError(
            f"{where}: unknown jurisdiction {table['jurisdiction']!r}; "
            f"valid choices are: {', '.join(jurisdictions)} (declare others in [[jurisdiction]] tables)"
        )
    role = table.get("role", "primary")
    if role not in ROLES:
        raise ManifestError(f"{where}: unknown role {role!r}; valid choices are: {', '.join(ROLES)}")
    if (role == "secondary") != bool(table.get("restates", "").strip()):
        raise ManifestError(f"{where}: a secondary document names the document it restates (restates = \"<id>\"), "
                            "and only a secondary one does")
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
