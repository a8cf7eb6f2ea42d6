"""Facts edited for an uploaded document take effect on the built index without re-embedding: its chunks and
record carry them, jurisdiction filters follow them, compare and crosswalk columns group it by them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.compare import compare, indexed_document_facts
from assistant.crosswalk import index_version, indexed_columns
from assistant.pipeline import Assistant
from index.build import build_index
from index.embed import Embedder
from index.models import SearchFilters
from index.search import Searcher
from ingest.corpus_files import files_to_ingest
from ingest.fact_edits import save_fact_edit
from ingest.settings import Settings
from tests.conftest import ORDER_FACTS as FACTS
from tests.conftest import order_corpus_settings

QUERY = "revoke existing AI policies and directives that act as barriers to American AI innovation"


@pytest.fixture
def settings(tmp_path: Path, shared_corpus: Path, small_cache: Path, session_embedder: Embedder) -> Settings:
    return order_corpus_settings(tmp_path, shared_corpus, small_cache, session_embedder)


def test_edited_facts_reach_chunks_records_and_filters_without_rebuilding(settings: Settings,
                                                                          session_embedder: Embedder) -> None:
    before = Searcher.load(settings, embedder=session_embedder)
    assert before.search(QUERY, k=5, filters=SearchFilters(jurisdictions=frozenset({"us"}))) == []
    assert {p.chunk.doc_id for p in before.search(QUERY, k=3, filters=SearchFilters(
        jurisdictions=frozenset({"unknown"})))} == {"removing-barriers"}

    save_fact_edit(settings, "removing-barriers", FACTS)
    after = Searcher.load(settings, embedder=session_embedder)

    assert after.version == before.version and after.facts_version != before.facts_version
    record = after.manifest.documents["removing-barriers"]
    assert (record.entry["instrument"], record.entry["date"], record.entry["jurisdiction"]) == (
        "executive order", "2025-01-23", "us")
    chunks = [c for c in after.chunks if c.doc_id == "removing-barriers"]
    assert chunks and all((c.title, c.jurisdiction, c.issuer, c.url) == (
        FACTS["title"], "us", "The White House", FACTS["url"]) for c in chunks)
    # the stored index is untouched: the next build has nothing to do, nothing is embedded again
    assert build_index(settings, files_to_ingest(settings), embedder=session_embedder).status == "up to date"

    for mode in ("hybrid", "dense", "bm25"):
        found = after.search(QUERY, k=5, mode=mode, filters=SearchFilters(jurisdictions=frozenset({"us"})))
        assert found and {p.chunk.doc_id for p in found} == {"removing-barriers"}, mode
        assert after.search(QUERY, k=5, mode=mode, filters=SearchFilters(jurisdictions=frozenset({"unknown"}))) == []
    # a document filter and a jurisdiction filter together: only what both accept
    assert after.search(QUERY, k=5, filters=SearchFilters(jurisdictions=frozenset({"us"}),
                                                          doc_ids=frozenset({"g7-leaders-statement-hiroshima-ai-process-2023"}))) == []
    # the manifest's documents keep the manifest's facts
    assert after.manifest.documents["japan-ai-basic-plan-trustworthy-ai-2026"].entry["jurisdiction"] == "japan"


def test_compare_and_crosswalk_columns_follow_the_edited_jurisdiction(settings: Settings,
                                                                       session_embedder: Embedder) -> None:
    before = Assistant.load(settings, embedder=session_embedder)
    save_fact_edit(settings, "removing-barriers", FACTS)
    assistant = Assistant.load(settings, embedder=session_embedder)

    facts = indexed_document_facts(assistant)
    assert (facts["removing-barriers"].instrument, facts["removing-barriers"].date) == ("executive order",
                                                                                       "2025-01-23")
    comparison = compare(assistant, "removing barriers to AI innovation", ("us", "unknown"), facts)
    us, other = comparison.columns
    assert [d.doc_id for d in us.documents] == ["removing-barriers"] and us.addressed
    assert {c.passage.chunk.doc_id for c in us.citations} == {"removing-barriers"}
    assert other.documents == () and not other.addressed

    columns = {c.key: c for c in indexed_columns(assistant, facts, "jurisdiction")}
    assert [d.doc_id for d in columns["us"].documents] == ["removing-barriers"] and "unknown" not in columns
    # a crosswalk cached for the old grouping is not read back for the new one
    assert index_version(assistant) != index_version(before)
