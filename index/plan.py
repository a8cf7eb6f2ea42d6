"""What the next index build must do, decided from the index's manifest and the corpus files' checksums alone:
`index build` follows it, `index status` and the web app's Documents tab show it.

>>> plan = plan_build(None, {"eo-14110": "9f…"}, {"broken": "broken.pdf: cannot read: Permission denied"})
>>> plan.added, plan.to_read, list(plan.failed), plan.reason
(('eo-14110',), ('eo-14110',), ['broken'], 'no index yet')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.layout import IndexManifest
from ingest.corpus_status import sha256_file
from ingest.models import SourceEntry


@dataclass(frozen=True)
class BuildPlan:
    """The corpus against the index: documents by id, each in one list (or in `failed`)."""

    full: bool  # every readable document is read again
    reason: str  # why the build is full ("" when it is not)
    added: tuple[str, ...]  # in the corpus, not in the index
    changed: tuple[str, ...]  # in the index, the file changed since
    removed: tuple[str, ...]  # in the index, the file is gone
    failed: Mapping[str, str] = field(default_factory=dict)  # not read, and why (its indexed version, if any, kept)
    to_read: tuple[str, ...] = ()  # what the build ingests
    other_editions: tuple[str, ...] = ()  # those of `failed` left out as another edition of an indexed text
    first: bool = False  # no index to compare with
    up_to_date: bool = False  # nothing to read, remove or forget: the build publishes nothing


def plan_build(previous: IndexManifest | None, shas: Mapping[str, str],
               unreadable: Mapping[str, str] | None = None, full_reason: str = "") -> BuildPlan:
    """The plan for a corpus whose readable files have these sha256 (by document id), beside `unreadable`
    ones (id → why), over the `previous` index (None: there is none). `full_reason` (from
    `index.build.full_rebuild_reason`) makes the build full.

    A file that failed at an earlier build is not read again until its bytes change, unless it was left out
    as another edition of a document that has since changed or gone; it stays in `failed` with its reason.
    """
    unreadable = dict(unreadable or {})
    old = previous.documents if previous is not None else {}
    reason = full_reason or ("no index yet" if previous is None else "")
    failures = previous.failures if previous is not None else {}
    failed_shas = previous.failed_shas if previous is not None else {}
    duplicate_of = previous.duplicate_of if previous is not None else {}
    gone = {d for d in old if d not in shas and d not in unreadable}
    moved = gone | {d for d in old if d in shas and old[d].sha256 != shas[d]}
    still_failing = {d for d, sha in shas.items() if failed_shas.get(d) == sha and d in failures
                     and duplicate_of.get(d) not in moved}
    failed = {d: failures[d] for d in sorted(still_failing)} | unreadable
    added = tuple(sorted(d for d in shas if d not in old and d not in failed))
    changed = tuple(sorted(d for d in shas if d in old and old[d].sha256 != shas[d] and d not in failed))
    removed = tuple(sorted(gone))
    to_read = tuple(sorted(d for d in shas if d not in unreadable)) if reason else added + changed
    # failures recorded for files that are gone or changed are dropped by the next build
    forgotten = set(failures) - still_failing - set(unreadable)
    return BuildPlan(full=bool(reason), reason=reason, added=added, changed=changed, removed=removed,
                     failed=failed, to_read=to_read, first=previous is None,
                     other_editions=tuple(sorted(d for d in still_failing if d in duplicate_of)),
                     up_to_date=not reason and not (added or changed or removed or forgotten))


def file_checksums(files: list[tuple[Path, SourceEntry]]) -> tuple[dict[str, str], dict[str, str]]:
    """(document id → sha256 of its file, document id → why its file cannot be read)."""
    shas: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for path, entry in files:
        try:
            shas[entry.id] = sha256_file(path)
        except OSError as exc:
            unreadable[entry.id] = f"{path.name}: cannot read the file: {exc.strerror or exc}"
    return shas, unreadable
