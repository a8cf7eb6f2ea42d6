"""The abstention decision over evidence signals (pure)."""

from __future__ import annotations

from assistant.abstention import AbstentionPolicy, EvidenceSignals, decide
from tests.conftest import REGISTRY

POLICY = AbstentionPolicy(threshold=0.35, name_penalty=0.15, term_penalty=0.1)  # weights the tests reason with


def test_weak_evidence_abstains() -> None:
    assert decide(EvidenceSignals(0.2), "open", POLICY).reason == "weak"


def test_strong_evidence_answers() -> None:
    assert not decide(EvidenceSignals(0.7, fact_found=True), "amount", POLICY).abstain


def test_names_and_rare_terms_absent_from_the_passages_weaken_the_evidence() -> None:
    assert not decide(EvidenceSignals(0.45), "open", POLICY).abstain
    assert decide(EvidenceSignals(0.45, names_not_found=1), "open", POLICY).abstain
    assert decide(EvidenceSignals(0.45, terms_not_found=2), "open", POLICY).abstain


def test_on_topic_passages_without_the_fact_asked_abstain_with_a_notice() -> None:
    decision = decide(EvidenceSignals(0.7, fact_found=False), "amount", POLICY)
    assert decision.abstain and decision.reason == "fact"
    assert decision.notice == "The documents discuss this topic but do not state the amount asked for."


def test_a_question_about_one_jurisdiction_answered_only_by_others_abstains() -> None:
    signals = EvidenceSignals(0.7, jurisdiction_found=False, missing_jurisdiction="japan")
    decision = decide(signals, "open", POLICY, REGISTRY)
    assert decision.abstain and "No passage from the documents of Japan addresses this" in decision.notice
    assert "documents of japan" in decide(signals, "open", POLICY).notice  # no registry: the code


def test_signals_are_reported_as_numbers() -> None:
    signals = EvidenceSignals(0.5, names_not_found=1, fact_found=None)
    assert signals.to_dict()["fact_found"] == -1.0 and abs(POLICY.strength(signals) - 0.35) < 1e-9


def test_a_policy_can_leave_out_the_fact_and_jurisdiction_rules() -> None:
    relaxed = AbstentionPolicy(use_facts=False, use_jurisdiction=False)
    assert not decide(EvidenceSignals(0.7, fact_found=False, jurisdiction_found=False), "amount", relaxed).abstain


def test_a_question_about_a_jurisdiction_outside_the_corpus_abstains() -> None:
    decision = decide(EvidenceSignals(0.7, outside_corpus="China"), "amount", POLICY, REGISTRY)
    assert decision.abstain and decision.notice == ("The indexed documents hold the texts of the EU, the US, the OECD, "
                                                    "Japan and the G7, not those of China.")
