"""Follow-up detection and rewriting, and jurisdiction mentions (pure functions)."""

from __future__ import annotations

from assistant.conversation import is_follow_up, mentioned_jurisdictions, rewrite_follow_up
from tests.conftest import REGISTRY


def test_follow_up_naming_another_jurisdiction_drops_the_previous_one() -> None:
    rewritten = rewrite_follow_up("And what about the US?", "How does the EU AI Act treat emotion recognition?", REGISTRY)
    assert "emotion recognition" in rewritten
    assert mentioned_jurisdictions(rewritten, REGISTRY) == ("us",)


def test_follow_up_on_the_same_subject_keeps_the_previous_question() -> None:
    rewritten = rewrite_follow_up("What about the penalties?", "What does the EU AI Act prohibit?", REGISTRY)
    assert rewritten == "What does the EU AI Act prohibit, and what about the penalties?"


def test_follow_up_naming_a_jurisdiction_is_a_grammatical_question_about_it() -> None:
    previous = "What transparency obligations apply to providers of generative AI systems under the EU AI Act?"
    assert rewrite_follow_up("And what about the US?", previous, REGISTRY) == (
        "What transparency obligations apply to providers of generative AI systems under US federal policy?")
    assert rewrite_follow_up("What about Japan?", "How does the EU AI Act treat emotion recognition at work?", REGISTRY) == (
        "How does Japan's AI policy treat emotion recognition at work?")
    assert rewrite_follow_up("and the OECD?", "What are the EU AI Act's transparency rules?", REGISTRY) == (
        "What are the OECD AI Principles’ transparency rules?")


def test_follow_up_naming_a_jurisdiction_after_a_question_naming_none_adds_it() -> None:
    assert rewrite_follow_up("And in the EU?", "Who must report on dual-use foundation models?", REGISTRY) == (
        "Who must report on dual-use foundation models in the EU?")


def test_a_standalone_question_is_left_alone() -> None:
    question = "What are the four functions of the NIST AI RMF?"
    assert not is_follow_up(question)
    assert rewrite_follow_up(question, "How does the EU AI Act define an AI system?", REGISTRY) == question


def test_jurisdictions_are_named_by_their_documents_and_the_pronoun_us_is_not() -> None:
    assert mentioned_jurisdictions("How do the EU and NIST approach risk?", REGISTRY) == ("eu", "us")
    assert mentioned_jurisdictions("Tell us about the OECD principles", REGISTRY) == ("oecd",)
    assert mentioned_jurisdictions("What did the G7 agree in Hiroshima?", REGISTRY) == ("g7",)
