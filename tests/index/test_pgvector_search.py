"""policyqa over PostgreSQL end to end: `build_index` and `Searcher` with vector_store = "pgvector" on real
documents, against the local index of the same documents, incremental updates, the build lock, the CLI flags,
and an unreachable server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.backends.factory import open_backend
from index.build import BuildReport, build_index
from index.embed import Embedder
from index.layout import CACHE_FILE, BackendUnavailableError, BuildLockedError
from index.models import SearchFilters
from index.search import Searcher
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings
from tests.conftest import MANIFEST
from tests.index.conftest import copy_documents
from tests.pg_server import free_port
from ui.cli import main

DOCUMENTS = ("g7-leaders-statement-hiroshima-ai-process-2023.md", "japan-ai-basic-plan-trustworthy-ai-2026.txt",
             "us-eo-14179-2025.md", "oecd-ai-recommendation-2019.txt")
QUERIES = ("trustworthy AI principles of the OECD", "removing barriers to American leadership in AI",
           "Hiroshima AI process code of conduct", "human-centred values and fairness")


def build(settings: Settings, embedder: Embedder) -> BuildReport:
    return build_index(settings, files_to_ingest(settings), embedder=embedder)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path, session_embedder: Embedder) -> Path:
    """An embedding cache holding DOCUMENTS' chunks, made once for the module."""
    root = tmp_path_factory.mktemp("pg-cache")
    settings = Settings(corpus_dir=copy_documents(shared_corpus, root / "corpus", DOCUMENTS),
                        manifest_path=MANIFEST, data_dir=root / "data")
    assert build(settings, session_embedder).status == "built"
    return settings.data_dir / CACHE_FILE


@pytest.fixture
def both(tmp_path: Path, shared_corpus: Path, pg_dsn: str, session_embedder: Embedder,
         embedded: Path) -> tuple[Settings, Settings]:
    """Settings of a local index and of a Postgres index over the same copy of DOCUMENTS, both built from a
    seeded embedding cache (neither build embeds)."""
    local = Settings(corpus_dir=copy_documents(shared_corpus, tmp_path / "corpus", DOCUMENTS),
                     manifest_path=MANIFEST, data_dir=tmp_path / "data")
    pg = local.replace(vector_store="pgvector", pg_dsn=pg_dsn)
    local.data_dir.mkdir()
    shutil.copyfile(embedded, local.data_dir / CACHE_FILE)
    assert build(local, session_embedder).status == "built"
    report = build(pg, session_embedder)
    assert report.status == "built" and report.embedded == 0 and not report.failures
    return local, pg


def test_postgres_holds_the_chunks_and_ranks_dense_results_as_the_local_index(
        both: tuple[Settings, Settings], session_embedder: Embedder) -> None:
    local, pg = (Searcher.load(s, session_embedder) for s in both)
    assert pg.chunks == local.chunks and pg.manifest.documents == local.manifest.documents
    assert pg.manifest.vector_store == "pgvector" and pg.version.startswith("pg-")
    for query in QUERIES:
        expected = local.search(query, k=10, mode="dense")
        got = pg.search(query, k=10, mode="dense")
        assert [p.chunk.chunk_id for p in got] == [p.chunk.chunk_id for p in expected], query
        assert [p.score for p in got] == pytest.approx([p.score for p in expected], abs=1e-4)
        hybrid = pg.search(query, k=10)
        assert len(hybrid) == 10 and [p.rank for p in hybrid] == list(range(1, 11))
    only_us = SearchFilters(jurisdictions=frozenset({"us"}))
    hits = pg.search("artificial intelligence policy", k=8, filters=only_us)
    assert len(hits) == 8 and {p.chunk.jurisdiction for p in hits} == {"us"}
    words = pg.search("Hiroshima", k=3, mode="bm25")
    assert words and all("hiroshima" in (p.chunk.section + p.chunk.text).lower() for p in words)


def test_an_incremental_build_replaces_a_changed_document_and_removes_a_deleted_one(
        both: tuple[Settings, Settings], session_embedder: Embedder) -> None:
    local, pg = both
    corpus = pg.corpus_dir
    with (corpus / "us-eo-14179-2025.md").open("a", encoding="utf-8") as handle:
        handle.write("\n\nA closing paragraph about the review of agency AI inventories by procurement officers.\n")
    (corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md").unlink()
    for settings in (local, pg):
        report = build(settings, session_embedder)
        assert (report.status, report.changed, report.removed) == (
            "updated", ["us-eo-14179-2025"], ["g7-leaders-statement-hiroshima-ai-process-2023"])
    assert build(pg, session_embedder).status == "up to date"
    updated, reference = Searcher.load(pg, session_embedder), Searcher.load(local, session_embedder)
    assert updated.chunks == reference.chunks
    assert updated.backend.count() == updated.manifest.chunk_count == len(reference.chunks)
    top = updated.search("review of agency AI inventories by procurement officers", k=1, mode="bm25")
    assert "procurement officers" in top[0].chunk.text


def test_a_recreated_index_table_is_a_new_version(both: tuple[Settings, Settings],
                                                  session_embedder: Embedder) -> None:
    import psycopg

    _, pg = both
    first = open_backend(pg).version()
    with psycopg.connect(pg.pg_dsn, autocommit=True) as connection:
        connection.execute("DROP TABLE policyqa_index")
    assert build(pg, session_embedder).status == "built"
    again = open_backend(pg).version()
    assert first.startswith("pg-1-") and again.startswith("pg-1-") and again != first


def test_a_second_build_against_the_same_database_is_refused(both: tuple[Settings, Settings],
                                                             session_embedder: Embedder) -> None:
    _, pg = both
    refused = pytest.raises(BuildLockedError, match="another index build is running on the PostgreSQL database")
    with open_backend(pg).build_lock(), refused:
        build_index(pg, files_to_ingest(pg), full=True, embedder=session_embedder)


def test_the_cli_searches_postgres_with_the_flags(both: tuple[Settings, Settings], session_embedder: Embedder,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _, pg = both
    monkeypatch.setattr(Embedder, "load", classmethod(lambda cls, *args, **kwargs: session_embedder))
    result = CliRunner().invoke(main, ["--data-dir", str(pg.data_dir), "--vector-store", "pgvector", "--pg-dsn",
                                       pg.pg_dsn, "search", "Hiroshima AI process", "-k", "2"])
    assert result.exit_code == 0, result.output
    assert "Hiroshima" in result.output


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(vector_store="pgvector", pg_dsn=f"postgresql://reader:s3cret@127.0.0.1:{port}/policyqa")
    with pytest.raises(BackendUnavailableError) as caught:
        open_backend(settings).manifest()
    assert f"127.0.0.1:{port}/policyqa" in str(caught.value) and "s3cret" not in str(caught.value)
