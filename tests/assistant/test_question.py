"""What a question asks for: answer kind, addressees, language (pure functions, questions from the issue log)."""

from __future__ import annotations

import pytest

from assistant.question import analyse, answer_kind, is_english
from tests.conftest import REGISTRY

KINDS = [
    ("May employers use AI to detect how their staff feel?", "yesno"),
    ("Does Japan require watermarking of AI-generated content?", "yesno"),
    ("What is the largest penalty an organisation can face under the EU AI Act?", "amount"),
    ("How much can a provider be fined for supplying incorrect information?", "amount"),
    ("How many staff does the AI Office employ?", "count"),
    ("When do the obligations for high-risk AI systems start to apply?", "date"),
    ("Who must designate a Chief AI Officer?", "name"),
    ("Which body coordinates the enforcement of the rules on general-purpose AI models?", "name"),
    ("Which AI practices does the EU AI Act prohibit?", "list"),
    ("What are the four functions of the AI RMF?", "list"),
    ("What additional obligations apply to providers of general-purpose AI models with systemic risk?", "list"),
    ("What minimum risk management practices must agencies apply to high-impact AI?", "list"),
    ("What is the obligation of deployers to inform workers?", "open"),
    ("How does the EU AI Act define an emotion recognition system?", "definition"),
    ("Compare how the EU and the US approach regulation of AI: binding law or voluntary guidance?", "comparison"),
    ("Which AI practices does the EU AI Act prohibit, and how does Japan's approach differ?", "comparison"),
    ("Why does the report call trustworthy AI the goal?", "open"),
]


@pytest.mark.parametrize(("question", "kind"), KINDS)
def test_answer_kind(question: str, kind: str) -> None:
    assert answer_kind(question, REGISTRY) == kind


def test_addressees_named_by_the_question() -> None:
    assert analyse("What fines can companies face under the EU AI Act?", REGISTRY).actors == ("companies",)
    assert "union_institutions" in analyse("What fines may the EDPS impose on Union institutions?", REGISTRY).actors
    assert analyse("What must deployers of high-risk systems do?", REGISTRY).actors == ("deployers",)
    assert analyse("What does the EU AI Act prohibit?", REGISTRY).actors == ()


def test_jurisdictions_of_the_question() -> None:
    assert analyse("How do Japan and the EU define trustworthy AI?", REGISTRY).jurisdictions == ("eu", "japan")


@pytest.mark.parametrize("question", ["日本のAI基本計画は何を目指していますか？",
                                      "Qu'est-ce que le règlement européen interdit ?",
                                      "Welche Praktiken verbietet die KI-Verordnung?"])
def test_questions_in_other_languages_are_recognised(question: str) -> None:
    assert not is_english(question)


@pytest.mark.parametrize("question", [q for q, _ in KINDS] + ["GOVERN 1.1?", "M-25-21 CAIO",
                                                               "Did EO 14179 revoke Executive Order 14110?"])
def test_english_questions_are_read(question: str) -> None:
    assert is_english(question)
