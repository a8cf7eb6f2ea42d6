"""Search over the index of the whole default corpus: ranking, filters, identifiers BM25 must keep whole, the
HNSW store against the exact flat store, fusion on hand cases, and the LangChain retriever."""

from __future__ import annotations

import json
import re
from pathlib import Path

import faiss
import numpy as np
import pytest
from click.testing import CliRunner
from langchain_core.documents import Document

from index.backends.local import LocalBackend
from index.bm25 import BM25Index, tokenize
from index.embed import Embedder
from index.fusion import convex_combination, min_max, reciprocal_rank_fusion
from index.models import SearchFilters
from index.retriever import IndexRetriever
from index.search import FUSIONS, Searcher
from index.vector_store import FaissStore, create_vector_store
from ingest.settings import Settings
from ui.commands.search import search

EVAL_SET = Path(__file__).resolve().parents[2] / "corpus" / "eval" / "policyqa-eval.jsonl"
EU_AI_ACT = "eu-ai-act-2024-1689"
PASSAGE_KEYS = {"rank", "chunk_id", "doc_id", "title", "page_start", "page_end", "printed_pages", "section", "text",
                "score",
                "jurisdiction", "url", "kind", "term"}


@pytest.fixture(scope="module")
def searcher(built_settings: Settings, session_embedder: Embedder) -> Searcher:
    return Searcher.load(built_settings, session_embedder)


def test_the_paragraphs_of_a_named_article_come_in_document_order(searcher: Searcher) -> None:
    found = [p.chunk for p in searcher.search("Article 99 Penalties", k=10)]
    article = [c for c in found if "Article 99 Penalties" in c.section and c.kind == "text"]
    assert len(article) >= 3, [c.section for c in found]
    assert [c.char_start for c in article] == sorted(c.char_start for c in article), [c.section for c in article]


def test_emotion_recognition_in_the_workplace_ranks_article_5_of_the_ai_act_in_the_top_5(
        searcher: Searcher) -> None:
    top = searcher.search("emotion recognition in the workplace", k=5, mode="hybrid")
    assert [p.rank for p in top] == [1, 2, 3, 4, 5]
    # "Article 5 " and not "Article 50" (transparency), whose section also starts with "Article 5".
    assert any(p.chunk.doc_id == EU_AI_ACT and re.search(r"\bArticle 5\b", p.chunk.section) for p in top), [
        (p.chunk.doc_id, p.chunk.section) for p in top]


def test_search_json_prints_the_passage_fields(built_settings: Settings, session_embedder: Embedder,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Embedder, "load", classmethod(lambda cls, *args, **kwargs: session_embedder))
    result = CliRunner().invoke(search, ["prohibited AI practices", "-k", "3", "--json"], obj=built_settings)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["rank"] for row in rows] == [1, 2, 3]
    for row in rows:
        assert set(row) >= PASSAGE_KEYS
        assert row["text"] and row["title"] and row["page_start"] <= row["page_end"]
        assert isinstance(row["score"], float)
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_filters_return_only_matching_chunks(searcher: Searcher, mode: str) -> None:
    query = "risk management for artificial intelligence systems"
    places = SearchFilters(jurisdictions=frozenset({"oecd", "g7"}))
    by_place = searcher.search(query, k=20, mode=mode, filters=places)
    assert by_place and {p.chunk.jurisdiction for p in by_place} <= {"oecd", "g7"}
    docs = frozenset({"nist-ai-rmf-1.0", "us-eo-14179-2025"})
    by_doc = searcher.search(query, k=20, mode=mode, filters=SearchFilters(doc_ids=docs))
    assert by_doc and {p.chunk.doc_id for p in by_doc} <= docs
    both = searcher.search(query, k=20, mode=mode,
                           filters=SearchFilters(jurisdictions=frozenset({"eu"}), doc_ids=docs))
    assert both == []  # neither document is European


def test_tokenizer_keeps_legal_and_framework_identifiers_whole() -> None:
    assert "article_5" in tokenize("Article 5 prohibits")
    assert "annex_iii" in tokenize("listed in Annex III")
    assert "govern_1.1" in tokenize("GOVERN 1.1: Legal and regulatory requirements")
    assert "m-25-21" in tokenize("OMB Memorandum M-25-21")
    assert "10^25" in tokenize("greater than 10^25 FLOPs")
    assert tokenize("Article 5") != tokenize("Article 50")


@pytest.mark.parametrize(("query", "doc_id", "pattern"), [
    ("GOVERN 1.1", "nist-ai-rmf-1.0", r"GOVERN 1\.1\b"),
    ("Article 5", EU_AI_ACT, r"Article 5\b(?!\d)"),
    ("Annex III", EU_AI_ACT, r"Annex III\b"),
    ("M-25-21", "us-omb-m-25-21-2025", r"M-25-21"),
])
def test_bm25_finds_identifiers_in_the_corpus(searcher: Searcher, query: str, doc_id: str,
                                              pattern: str) -> None:
    top = searcher.search(query, k=5, mode="bm25")
    first = top[0].chunk
    assert first.doc_id == doc_id and re.search(pattern, first.text), (first.doc_id, first.text[:200])
    if query == "GOVERN 1.1":
        assert re.search(pattern, first.section)
    if query == "Article 5":  # not Article 50, 51 …
        assert all(re.search(pattern, p.chunk.text) for p in top)


def test_bm25_finds_an_exponent_kept_whole() -> None:
    # The corpus PDFs lose superscripts (10^25 reads "1025"), so this one is checked on hand-written texts.
    texts = ["models trained with more than 10^25 floating point operations",
             "models trained with more than 10^26 operations",
             "an unrelated text about 25 agencies and 10 plans"]
    scores = BM25Index.build(texts).scores("10^25")
    assert int(np.argmax(scores)) == 0 and scores[0] > scores[2]


def local_store(searcher: Searcher) -> FaissStore:
    """The FAISS store of the session index (the local backend's)."""
    backend = searcher.backend
    assert isinstance(backend, LocalBackend)
    return backend.store


def test_hnsw_recall_at_10_against_the_exact_flat_store(searcher: Searcher) -> None:
    ids = faiss.vector_to_array(local_store(searcher).index.id_map)  # type: ignore[attr-defined]
    vectors = local_store(searcher).reconstruct(ids)  # the real chunk vectors, no re-embedding
    hnsw = create_vector_store("hnsw", vectors.shape[1])
    hnsw.add(ids, vectors)
    questions = [json.loads(line)["question"] for line in EVAL_SET.read_text(encoding="utf-8").splitlines()
                 if line.strip()][:80]
    queries = searcher.embedder.encode(questions)
    assert len(queries) >= 50
    _, exact = local_store(searcher).search(queries, 10)
    _, approximate = hnsw.search(queries, 10)
    recall = np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact.tolist(), approximate.tolist())])
    assert recall >= 0.98, recall


def test_reciprocal_rank_fusion_on_hand_cases() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60)
    assert fused == pytest.approx({1: 1 / 61 + 1 / 62, 2: 1 / 62, 3: 1 / 63 + 1 / 61})
    assert sorted(fused, key=lambda r: -fused[r]) == [1, 3, 2]
    assert reciprocal_rank_fusion([[7], [8]], k=0, weights=[2.0, 1.0]) == {7: 2.0, 8: 1.0}
    assert reciprocal_rank_fusion([]) == {}


def test_convex_combination_on_hand_cases() -> None:
    assert min_max(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert min_max(np.array([5.0, 5.0])).tolist() == [0.0, 0.0]  # no spread: no preference
    dense, sparse = np.array([0.9, 0.5, 0.1]), np.array([0.0, 10.0, 5.0])
    assert convex_combination(dense, sparse, 1.0).tolist() == [1.0, 0.5, 0.0]
    assert convex_combination(dense, sparse, 0.0).tolist() == [0.0, 1.0, 0.5]
    assert convex_combination(dense, sparse, 0.5).tolist() == pytest.approx([0.5, 0.75, 0.25])


@pytest.mark.parametrize("fusion", FUSIONS)
def test_hybrid_search_ranks_in_score_order_with_each_fusion(searcher: Searcher, fusion: str) -> None:
    configured = searcher.fusion
    searcher.fusion = fusion
    try:
        top = searcher.search("emotion recognition in the workplace", k=10, mode="hybrid")
    finally:
        searcher.fusion = configured
    scores = [p.score for p in top]
    assert [p.rank for p in top] == list(range(1, 11)) and scores == sorted(scores, reverse=True)
    if fusion == "convex":
        assert 0.0 <= scores[-1] <= scores[0] <= 1.0
    else:
        assert scores[0] <= 2 / 61  # first in both lists at most


def test_langchain_retriever_returns_documents_with_score_and_rank(searcher: Searcher) -> None:
    retriever = IndexRetriever(searcher=searcher, k=4, mode="hybrid",
                               filters=SearchFilters(jurisdictions=frozenset({"eu"})))
    documents = retriever.invoke("prohibited AI practices")
    assert len(documents) == 4 and all(isinstance(d, Document) for d in documents)
    assert [d.metadata["rank"] for d in documents] == [1, 2, 3, 4]
    expected = searcher.search("prohibited AI practices", k=4, filters=retriever.filters)
    assert [d.id for d in documents] == [p.chunk.chunk_id for p in expected]
    assert [d.metadata["score"] for d in documents] == [p.score for p in expected]
    assert all(d.metadata["doc_id"] == EU_AI_ACT and d.page_content for d in documents)
    with pytest.raises(ValueError, match="valid modes are"):
        IndexRetriever(searcher=searcher, mode="semantic")
