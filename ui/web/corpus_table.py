"""The Documents tab's table: every corpus document with its status against the manifest and the index.

Status is the manifest's view (present, missing, modified, extra); "index" says whether the current index
holds the file as it is now (indexed, stale, not indexed, failed) and how many chunks it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from index.layout import IndexManifest
from index.plan import BuildPlan, file_checksums, plan_build
from ingest.corpus_files import INGESTED_STATUSES
from ingest.corpus_status import corpus_status
from ingest.errors import ManifestError
from ingest.fact_edits import FactsError, read_fact_edits, with_fact_edits
from ingest.manifest import load_manifest
from ingest.settings import Settings

COLUMNS = ["Document", "Status", "Index", "Chunks", "Jurisdiction", "Instrument", "Date", "Title", "File"]
COLUMN_TYPES: list[Literal["str", "number"]] = ["str", "str", "str", "number", "str", "str", "str", "str", "str"]
COLUMN_WIDTHS: list[str | int] = ["17%", "7%", "9%", "6%", "8%", "10%", "8%", "22%", "13%"]
NEW = "new upload"  # the Status of the document just uploaded, listed first


def corpus_rows(settings: Settings, manifest: IndexManifest, new: str = "") -> tuple[list[list[object]], str]:
    """(table rows, a note: empty, or why the manifest or the edited facts could not be read). Uploaded files
    show the facts a user gave them (`ingest.fact_edits`); the document `new` (just uploaded) comes first."""
    note = ""
    path = Path(settings.manifest_path)
    try:
        entries = load_manifest(path) if path.exists() else []
    except ManifestError as exc:
        entries, note = [], f"The manifest could not be read, every file is listed as extra: {exc}"
    try:
        edits = read_fact_edits(settings.data_dir)
    except FactsError as exc:
        edits, note = {}, f"{note} The edited document facts could not be read: {exc}".strip()
    statuses = with_fact_edits(corpus_status(entries, Path(settings.corpus_dir)), edits)
    read = [(status.path, status.entry) for status in statuses if status.status in INGESTED_STATUSES]
    plan = plan_build(manifest, *file_checksums(read))
    rows: list[list[object]] = []
    listed: set[str] = set()
    for status in statuses:
        entry = status.entry
        listed.add(entry.id)
        record = manifest.documents.get(entry.id)
        chunks = len(record.chunk_ids) if record else 0
        shown = f"{status.status} ({NEW})" if entry.id == new else status.status
        rows.append([entry.id, shown, _index_state(entry.id, status.status, record is not None, plan),
                     chunks, entry.jurisdiction, entry.instrument, entry.date, entry.title, entry.file])
    for doc_id, record in sorted(manifest.documents.items()):
        if doc_id not in listed:
            facts = record.entry
            rows.append([doc_id, "missing", "indexed, file gone", len(record.chunk_ids),
                         *(str(facts.get(key, "")) for key in ("jurisdiction", "instrument", "date", "title")),
                         record.file])
    rows.sort(key=lambda row: row[0] != new)  # stable: the new upload first, the others as they were
    return rows, note


def _index_state(doc_id: str, status: str, indexed: bool, plan: BuildPlan) -> str:
    """What the index holds of one corpus file, as the next build's plan sees it."""
    if doc_id in plan.failed:
        return f"{'skipped' if doc_id in plan.other_editions else 'failed'}: {plan.failed[doc_id]}"
    if status == "missing":
        return "indexed, file gone" if indexed else ""
    if doc_id in plan.changed:
        return "stale"
    return "indexed" if indexed else "not indexed"
