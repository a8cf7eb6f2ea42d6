"""Copy as Markdown: one answer with its references, or the whole conversation with every turn's question,
rewritten question, answer, written answer and references."""

from __future__ import annotations

from assistant.models import AnswerSentence
from ui.web.export import answer_markdown, conversation_markdown, copy_text
from ui.web.session import KEPT_TURNS, ChatSession


def test_answer_copies_with_how_it_was_made_and_numbered_references(  # type: ignore[no-untyped-def]
        answer_of) -> None:
    text = answer_markdown(answer_of(notices=("Only part of the question is answered.",)))
    assert text.startswith("The quoted sentence is here. [1]\n")
    assert "Note: Only part of the question is answered.\nFilters: none (all documents)\n" in text
    assert "Written by: extractive" in text
    reference = "[1] Act <b>One</b> · Council · EU · pp. 4–5 · Article 5 > 1(f) <https://ex.org/a.pdf#page=4>"
    assert reference in text
    assert "“The quoted sentence is here.”" in text


def test_whole_conversation_copies_every_turn(answer_of) -> None:  # type: ignore[no-untyped-def]
    session = ChatSession()
    first = session.start("What does the EU AI Act say about deep fakes?")
    first.answer = answer_of(question=first.question, standalone_question=first.question)
    second = session.start("What are the penalties for that?")
    second.answer = answer_of((AnswerSentence("Fines apply.", (1,), 1.0, True),), question=second.question,
                              standalone_question="What are the penalties for deep fakes?")
    second.written = answer_of((AnswerSentence("Fines of up to 15 million.", (1,), 1.0, True),),
                               writer="llm (m)")
    text = conversation_markdown(session)
    one, two = text.split("## 2. ")
    assert one.startswith("## 1. What does the EU AI Act say about deep fakes?\n\nThe quoted sentence")
    assert "Searched as" not in one and "References:" in one
    assert two.startswith("What are the penalties for that?\n\nFines apply. [1]")
    assert "Searched as: What are the penalties for deep fakes?" in two
    written = two.split("### Written answer\n\n")[1]
    assert written.startswith("Fines of up to 15 million. [1]") and "Written by: llm (m)" in written
    assert text.count("References:") == 3
    assert copy_text(session) == ""  # no answer in focus yet
    session.focus, session.copy_whole = second.key, False
    assert copy_text(session).startswith("Fines apply. [1]")
    session.copy_whole = True
    assert copy_text(session) == text


def test_conversation_says_when_earlier_turns_were_dropped(answer_of) -> None:  # type: ignore[no-untyped-def]
    session = ChatSession()
    for number in range(KEPT_TURNS + 2):
        session.start(f"Question {number + 1}?").answer = answer_of()
    text = conversation_markdown(session)
    assert text.startswith("*2 earlier turns are no longer kept.*") and "## 3. Question 3?" in text
    assert "## 2. " not in text and len(session.turns) == KEPT_TURNS
