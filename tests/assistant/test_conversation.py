"""Follow-up detection and rewriting, and jurisdiction mentions (pure functions)."""

from __future__ import annotations

from assistant.conversation import is_follow_up, mentioned_jurisdictions, rewrite_follow_up


def test_follow_up_naming_another_jurisdiction_drops_the_previous_one() -> None:
    rewritten = rewrite_follow_up("And what about the US?", "How does the EU AI Act treat emotion recognition?")
    assert "emotion recognition" in rewritten
    assert mentioned_jurisdictions(rewritten) == ("us",)


def test_follow_up_on_the_same_subject_keeps_the_previous_question() -> None:
    rewritten = rewrite_follow_up("What about the penalties?", "What does the EU AI Act prohibit?")
    assert rewritten.startswith("What does the EU AI Act prohibit?") and "penalties" in rewritten


def test_a_standalone_question_is_left_alone() -> None:
    question = "What are the four functions of the NIST AI RMF?"
    assert not is_follow_up(question)
    assert rewrite_follow_up(question, "How does the EU AI Act define an AI system?") == question


def test_jurisdictions_are_named_by_their_documents_and_the_pronoun_us_is_not() -> None:
    assert mentioned_jurisdictions("How do the EU and NIST approach risk?") == ("eu", "us")
    assert mentioned_jurisdictions("Tell us about the OECD principles") == ("oecd",)
    assert mentioned_jurisdictions("What did the G7 agree in Hiroshima?") == ("g7",)
