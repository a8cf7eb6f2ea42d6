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
from ingest.manifest import load_manifest
from ingest.settings import Settings

COLUMNS = ["Document", "Status", "Index", "Chunks", "Jurisdiction", "Title", "File"]
COLUMN_TYPES: list[Literal["str", "number"]] = ["str", "str", "str", "number", "str", "str", "str"]
COLUMN_WIDTHS: list[str | int] = ["21%", "8%", "10%", "7%", "9%", "29%", "16%"]


def corpus_rows(settings: Settings, manifest: IndexManifest) -> tuple[list[list[object]], str]:
    """(table rows, a note: empty, or why the manifest could not be read)."""
    note = ""
    path = Path(settings.manifest_path)
    try:
        entries = load_manifest(path) if path.exists() else []
    except ManifestError as exc:
        entries, note = [], f"The manifest could not be read, every file is listed as extra: {exc}"
    statuses = corpus_status(entries, Path(settings.corpus_dir))
    read = [(status.path, status.entry) for status in statuses if status.status in INGESTED_STATUSES]
    plan = plan_build(manifest, *file_checksums(read))
    rows: list[list[object]] = []
    listed: set[str] = set()
    for status in statuses:
        entry = status.entry
        listed.add(entry.id)
        record = manifest.documents.get(entry.id)
        chunks = len(record.chunk_ids) if record else 0
        rows.append([entry.id, status.status, _index_state(entry.id, status.status, record is not None, plan),
                     chunks, entry.jurisdiction, entry.title, entry.file])
    for doc_id, record in sorted(manifest.documents.items()):
        if doc_id not in listed:
            facts = record.entry
            rows.append([doc_id, "missing", "indexed, file gone", len(record.chunk_ids),
                         str(facts.get("jurisdiction", "")), str(facts.get("title", "")), record.file])
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
