"""Evaluation metrics against cases worked by hand, on passages cut from real corpus text."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from assistant.evaluation.dataset import Evidence
from assistant.evaluation.matching import quote_coverage
from assistant.evaluation.metrics import (
    abstention_prf,
    answer_tokens,
    budget_texts,
    citation_precision,
    citations_not_in_passages,
    evidence_matches,
    evidence_recall,
    facts_not_in_passages,
    hit_at_k,
    hit_within_words,
    lcs_length,
    mean,
    mean_passage_words,
    mrr,
    ndcg,
    percentile,
    relevance,
    rouge_l,
    token_f1,
)
from assistant.models import Answer, AnswerSentence, Citation
from index.models import Passage
from ingest.models import Chunk

G7 = "g7-leaders-statement-hiroshima-ai-process-2023"
EO = "us-eo-14179-2025"
# Real text of the G7 statement, cut so that a chunk boundary falls inside the quote below.
G7_A = ("Building on the progress made by relevant ministers on the Hiroshima AI Process, including the G7 "
        "Digital & Tech Ministers' Statement issued on September 7, 2023, we welcome the Hiroshima Process "
        "International Guiding")
G7_B = ("Principles for Organizations Developing Advanced AI Systems and the Hiroshima Process International "
        "Code of Conduct for Organizations Developing Advanced AI Systems.")
# 10 tokens: the first 7 end passage A, the last 3 open passage B.
BOUNDARY_QUOTE = "we welcome the Hiroshima Process International Guiding Principles for Organizations"
EO_POLICY = ("Sec. 2. Policy. It is the policy of the United States to sustain and enhance America's global AI "
             "dominance in order to promote human flourishing, economic competitiveness, and national security.")


def passage(doc_id: str, text: str, rank: int = 1, chunk_id: str = "") -> Passage:
    chunk = Chunk(chunk_id=chunk_id or f"{doc_id}:{rank}", doc_id=doc_id, title=doc_id, jurisdiction="us",
                  page_start=1, page_end=1, section="", char_start=0, char_end=len(text), text=text)
    return Passage(chunk=chunk, score=1.0 / rank, rank=rank)


def test_quote_split_across_chunk_boundary_matches_only_the_passage_holding_most_of_it() -> None:
    evidence = [Evidence(doc=G7, quote=BOUNDARY_QUOTE)]
    a, b = passage(G7, G7_A, 1), passage(G7, G7_B, 2)
    assert quote_coverage(BOUNDARY_QUOTE, G7_A) == pytest.approx(0.7)
    # B opens with the quote's last 3 tokens, but its longest run is "the Hiroshima Process International"
    # further on: 4 of 10 tokens, still under the 60% that a partial match needs.
    assert quote_coverage(BOUNDARY_QUOTE, G7_B) == pytest.approx(0.4)
    assert evidence_matches([a, b], evidence) == [[True], [False]]
    # B first: the item is found at rank 2 only.
    relevant = relevance(evidence_matches([b, a], evidence))
    assert relevant == [False, True]
    assert (hit_at_k(relevant, 1), hit_at_k(relevant, 3)) == (0.0, 1.0)
    assert mrr(relevant) == 0.5


def test_quote_matches_only_a_passage_of_its_own_document() -> None:
    evidence = [Evidence(doc=EO, quote="sustain and enhance America's global AI dominance")]
    same_text_other_doc = passage(G7, EO_POLICY, 1)
    assert evidence_matches([same_text_other_doc, passage(EO, EO_POLICY, 2)], evidence) == [[False], [True]]


def test_hit_within_words_reads_only_the_first_words_of_the_ranking() -> None:
    evidence = [Evidence(doc=EO, quote="sustain and enhance America's global AI dominance")]
    filler = passage(G7, G7_A, 1)  # 33 words
    holding = passage(EO, EO_POLICY, 2)  # 30 words; the quote is its words 13 to 19
    assert budget_texts([filler, holding], 43) == [G7_A, " ".join(EO_POLICY.split()[:10])]
    assert budget_texts([filler, holding, filler], 63) == [G7_A, EO_POLICY]
    assert hit_within_words([filler, holding], evidence, budget=52) == 1.0
    # up to "America's": 5 of the quote's 8 tokens, a partial match; one word less is 3 of 8, none
    assert hit_within_words([filler, holding], evidence, budget=49) == 1.0
    assert hit_within_words([filler, holding], evidence, budget=48) == 0.0
    assert hit_within_words([filler, holding], evidence, budget=33) == 0.0
    assert hit_within_words([holding, filler], evidence, budget=33) == 1.0
    assert mean_passage_words([filler, holding]) == pytest.approx(31.5)
    assert mean_passage_words([]) is None


def test_hit_at_k_counts_only_the_top_k() -> None:
    relevant = [False, False, True, False]
    assert [hit_at_k(relevant, k) for k in (1, 2, 3, 10)] == [0.0, 0.0, 1.0, 1.0]
    assert hit_at_k([], 10) == 0.0


def test_mrr_is_the_reciprocal_of_the_first_relevant_rank_within_ten() -> None:
    assert mrr([False, False, True, True]) == pytest.approx(1 / 3)
    assert mrr([True]) == 1.0
    assert mrr([False] * 10 + [True]) == 0.0  # rank 11 is beyond MRR@10
    assert mrr([]) == 0.0


def test_ndcg_worked_by_hand() -> None:
    # Two quotes; relevant passages at ranks 2 and 4.
    # DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161; IDCG = 1 + 1/log2(3) = 1.63093.
    assert ndcg([False, True, False, True], n_relevant=2) == pytest.approx(1.06161 / 1.63093, abs=1e-5)
    assert ndcg([False, True, False, True], n_relevant=2) == pytest.approx(0.65092, abs=1e-5)
    assert ndcg([True, True], n_relevant=2) == pytest.approx(1.0)
    assert ndcg([False] * 10, n_relevant=2) == 0.0
    # One quote found at rank 3 only: DCG = 1/log2(4) = 0.5, IDCG = 1.
    assert ndcg([False, False, True], n_relevant=1) == pytest.approx(0.5)


def test_ndcg_never_exceeds_one_when_overlapping_chunks_hold_the_same_quote() -> None:
    # One quote, held by the passages at ranks 2 and 3: the ideal counts two relevant passages.
    # DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5 = 1.13093; IDCG = 1 + 0.63093 = 1.63093.
    assert ndcg([False, True, True], n_relevant=1) == pytest.approx(1.13093 / 1.63093, abs=1e-5)
    assert ndcg([True, True], n_relevant=1) == pytest.approx(1.0)


def test_ndcg_ideal_is_cut_at_k() -> None:
    # Twelve quotes, all ten retrieved passages relevant: the ideal has only ten slots.
    assert ndcg([True] * 10, n_relevant=12) == pytest.approx(1.0)
    # Relevant at rank 11 is beyond nDCG@10.
    assert ndcg([False] * 10 + [True], n_relevant=1) == 0.0
    expected = (1 / math.log2(2)) / (1 / math.log2(2) + 1 / math.log2(3))
    assert ndcg([True], n_relevant=2, k=1) == pytest.approx(1.0)
    assert ndcg([True, False], n_relevant=2, k=2) == pytest.approx(expected)


def test_evidence_recall_is_the_share_of_quotes_found_in_the_top_ten() -> None:
    matches = [[True, False, False], [True, False, True], [False, False, False]]
    assert evidence_recall(matches) == pytest.approx(2 / 3)
    assert evidence_recall(matches, k=1) == pytest.approx(1 / 3)
    late = [[False, False]] * 10 + [[True, True]]
    assert evidence_recall(late) == 0.0
    assert evidence_recall([]) == 0.0


def test_answer_tokens_drop_citation_marks_and_normalise() -> None:
    assert answer_tokens("The Act bans social scoring [1], [2, 3]. Arti-\nficial!") == [
        "the", "act", "bans", "social", "scoring", "artificial"]


def test_token_f1_worked_by_hand() -> None:
    # prediction: the act bans social scoring (5); reference: social scoring is banned by the act (7);
    # shared: the, act, social, scoring (4). P = 4/5, R = 4/7, F1 = 2PR/(P+R) = 2/3.
    assert token_f1("The Act bans social scoring [1].", "Social scoring is banned by the Act.") == pytest.approx(2 / 3)
    assert token_f1("national security", "national security") == 1.0
    assert token_f1("fairness", "robustness") == 0.0
    assert token_f1("", "robustness") == 0.0
    # Repeated tokens count as often as both sides hold them: P = 1/3, R = 1, F1 = 0.5.
    assert token_f1("risk risk risk", "risk") == pytest.approx(0.5)


def test_rouge_l_worked_by_hand() -> None:
    # LCS(the cat sat, the cat was sitting) = "the cat" = 2; P = 2/3, R = 2/4, F = 4/7.
    assert rouge_l("the cat sat", "the cat was sitting") == pytest.approx(4 / 7)
    # Order matters to ROUGE-L and not to token F1: LCS = 1, P = R = 1/3.
    assert token_f1("risk management framework", "framework management risk") == 1.0
    assert rouge_l("risk management framework", "framework management risk") == pytest.approx(1 / 3)
    assert rouge_l("Yes [1].", "yes") == 1.0
    assert rouge_l("", "yes") == 0.0
    assert lcs_length(["a", "b", "c", "d", "e"], ["a", "c", "e"]) == 3


def test_citation_precision_counts_citations_whose_passage_matches_the_evidence() -> None:
    evidence = [Evidence(doc=EO, quote="promote human flourishing, economic competitiveness, and national security")]
    right, wrong = passage(EO, EO_POLICY, 1), passage(G7, G7_B, 2)
    citations = (Citation(1, right, "x"), Citation(2, wrong, "y"))
    assert citation_precision(citations, evidence) == 0.5
    assert citation_precision(citations[:1], evidence) == 1.0
    assert citation_precision((), evidence) is None


def test_citations_not_in_passages_counts_citations_to_passages_not_given() -> None:
    given, other = passage(EO, EO_POLICY, 1), passage(G7, G7_B, 2)
    answer = Answer(question="q", text="a [1] b [2]", citations=(Citation(1, given, ""), Citation(2, other, "")),
                    passages=(given,), abstained=False)
    assert citations_not_in_passages(answer) == 1


def test_facts_not_in_passages_counts_shown_sentences_with_an_invented_number_or_name() -> None:
    given = passage(G7, G7_A, 1)
    stated = AnswerSentence("The G7 Digital & Tech Ministers' Statement was issued on September 7, 2023.", (1,),
                            1.0, True)
    invented_date = AnswerSentence("The statement was issued on October 30, 2023.", (1,), 1.0, True)
    invented_name = AnswerSentence("It welcomes the Bletchley Declaration.", (1,), 1.0, True)
    answer = Answer(question="q", text="", citations=(Citation(1, given, ""),), passages=(given,), abstained=False,
                    sentences=(stated, invented_date, invented_name))
    assert facts_not_in_passages(answer) == 2
    assert facts_not_in_passages(replace(answer, sentences=(stated,))) == 0


def test_abstention_precision_recall_f1() -> None:
    should = [True, True, False, False, False]
    did = [True, False, True, False, False]
    assert abstention_prf(should, did) == (0.5, 0.5, 0.5)
    # Never abstaining: precision undefined, recall and F1 zero.
    assert abstention_prf(should, [False] * 5) == (None, 0.0, 0.0)
    # Nothing to abstain on: recall and F1 undefined; every abstention is wrong.
    assert abstention_prf([False, False], [True, False]) == (0.0, None, None)
    with pytest.raises(ValueError):
        abstention_prf([True], [])


def test_percentile_interpolates_linearly() -> None:
    assert percentile([40, 10, 30, 20], 50) == 25.0
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)  # position 2.85
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_mean_skips_undefined_values() -> None:
    assert mean([1.0, None, 0.0]) == 0.5
    assert mean([None]) is None
