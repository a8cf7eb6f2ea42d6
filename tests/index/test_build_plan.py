"""The build plan: one pure function decides what is new, changed, removed and failed, for `index build`,
`index status` and the web app's Documents tab alike."""

from __future__ import annotations

from pathlib import Path

from index.layout import IndexManifest
from index.plan import file_checksums, plan_build
from ingest.models import SourceEntry


def manifest(documents: dict[str, str], failures: dict[str, tuple[str, str]] | None = None,
             duplicate_of: dict[str, str] | None = None) -> IndexManifest:
    """An index holding `documents` (id → sha256) that failed on `failures` (id → (sha256, message))."""
    from index.layout import DocumentRecord

    failures = failures or {}
    return IndexManifest(
        schema_version=3, model_id="m", model_fingerprint="f", dimension=4, vector_store="faiss-flat",
        build_params={}, built_at="2026-12-02T00:00:00+00:00",
        documents={d: DocumentRecord(file=f"{d}.md", sha256=sha, chunk_ids=("c",), entry={}) for d, sha in
                   documents.items()},
        failures={d: message for d, (_, message) in failures.items()},
        failed_shas={d: sha for d, (sha, _) in failures.items()}, duplicate_of=duplicate_of or {})


def test_without_an_index_everything_readable_is_added_and_read() -> None:
    plan = plan_build(None, {"b": "2", "a": "1"}, {"c": "c.pdf: cannot read the file: Permission denied"})
    assert plan.full and plan.first and plan.reason == "no index yet"
    assert plan.added == ("a", "b") and plan.to_read == ("a", "b")
    assert plan.failed == {"c": "c.pdf: cannot read the file: Permission denied"}
    assert not plan.up_to_date


def test_new_changed_removed_and_unchanged_documents() -> None:
    plan = plan_build(manifest({"kept": "1", "edited": "2", "deleted": "3"}), {"kept": "1", "edited": "22",
                                                                             "fresh": "4"})
    assert (plan.added, plan.changed, plan.removed) == (("fresh",), ("edited",), ("deleted",))
    assert plan.to_read == ("fresh", "edited") and not plan.full and not plan.up_to_date


def test_an_unchanged_corpus_is_up_to_date() -> None:
    plan = plan_build(manifest({"a": "1"}), {"a": "1"})
    assert plan.up_to_date and plan.to_read == () and not plan.failed


def test_a_file_that_failed_is_failed_not_new_until_its_bytes_change() -> None:
    previous = manifest({"a": "1"}, failures={"broken": ("9", "broken.pdf: corrupt PDF")})
    plan = plan_build(previous, {"a": "1", "broken": "9"})
    assert plan.failed == {"broken": "broken.pdf: corrupt PDF"} and plan.added == () and plan.up_to_date
    mended = plan_build(previous, {"a": "1", "broken": "10"})
    assert mended.added == ("broken",) and not mended.failed and mended.to_read == ("broken",)


def test_a_failure_of_a_file_since_deleted_is_forgotten_by_the_next_build() -> None:
    plan = plan_build(manifest({"a": "1"}, failures={"gone": ("9", "gone.pdf: corrupt PDF")}), {"a": "1"})
    assert not plan.failed and not plan.up_to_date and plan.to_read == ()


def test_a_full_rebuild_reads_everything_and_still_reports_the_changes_since_the_last_index() -> None:
    previous = manifest({"a": "1", "b": "2"}, failures={"broken": ("9", "broken.pdf: corrupt PDF")})
    plan = plan_build(previous, {"a": "1", "b": "3", "broken": "9", "c": "4"}, full_reason="requested with --full")
    assert plan.full and not plan.first and plan.reason == "requested with --full"
    assert (plan.added, plan.changed, plan.removed) == (("c",), ("b",), ())
    assert plan.to_read == ("a", "b", "broken", "c")


def test_an_unreadable_indexed_file_keeps_its_indexed_version_and_is_reported() -> None:
    plan = plan_build(manifest({"a": "1"}), {}, {"a": "a.md: cannot read the file: Permission denied"})
    assert plan.removed == () and plan.changed == () and "Permission denied" in plan.failed["a"]


def test_an_edition_left_out_is_read_again_when_the_edition_kept_changes_or_goes() -> None:
    previous = manifest({"act": "1"}, failures={"act.html": ("5", "act.html: not indexed: the same text as act.pdf")},
                        duplicate_of={"act.html": "act"})
    same = plan_build(previous, {"act": "1", "act.html": "5"})
    assert same.up_to_date and same.other_editions == ("act.html",) and "act.html" in same.failed
    gone = plan_build(previous, {"act.html": "5"})
    assert gone.removed == ("act",) and gone.added == ("act.html",) and gone.to_read == ("act.html",)


def test_file_checksums_report_an_unreadable_file_by_name(tmp_path: Path) -> None:
    good, locked = tmp_path / "good.md", tmp_path / "locked.md"
    good.write_text("# Good\n\ntext\n")
    files = [(good, SourceEntry(id="good", file="good.md", title="Good")),
             (locked, SourceEntry(id="locked", file="locked.md", title="Locked"))]
    shas, unreadable = file_checksums(files)  # locked.md does not exist: as unreadable as one without rights
    assert list(shas) == ["good"] and unreadable["locked"].startswith("locked.md: cannot read the file")
