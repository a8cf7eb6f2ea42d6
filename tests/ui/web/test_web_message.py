"""The chat's messages: markers that link to their answer's citations, list answers as Markdown lists, what
an answer was built from (question as searched, filters, notices, writer, sentences removed), all text
escaped; and the chat of a session with a written answer below its quoted one."""

from __future__ import annotations

from assistant.models import AnswerSentence
from index.models import SearchFilters
from ui.web.message import answer_message, chat_history, filters_text, partial_message
from ui.web.session import ChatSession, parse_citation_ref

LIST = (AnswerSentence("The following practices are prohibited:", (1,), 1.0, True),
        AnswerSentence("subliminal techniques;", (1,), 1.0, True, bullet=True),
        AnswerSentence("social scoring.", (2,), 1.0, True, bullet=True),
        AnswerSentence("Exceptions apply.", (2,), 0.2, False))


def test_markers_link_to_the_citations_of_the_answer_they_belong_to(  # type: ignore[no-untyped-def]
        answer_of) -> None:
    message = answer_message(answer_of(), "3w")
    assert message.startswith("The quoted sentence is here\\. [\\[1\\]](#pq-cite-3w-1)")
    assert parse_citation_ref("3w-1") == ("3w", 1) and parse_citation_ref("3w-1) x") is None


def test_list_answer_renders_as_a_lead_then_a_markdown_list(answer_of) -> None:  # type: ignore[no-untyped-def]
    body = answer_message(answer_of(LIST), "2").split("\n\n")
    assert body[0] == "The following practices are prohibited\\: [\\[1\\]](#pq-cite-2-1)"
    assert body[1] == ("- subliminal techniques; [\\[1\\]](#pq-cite-2-1)\n"
                       "- social scoring\\. [\\[2\\]](#pq-cite-2-2)")
    assert body[2] == "Exceptions apply\\. [\\[2\\]](#pq-cite-2-2) *(unsupported by the cited passage)*"


def test_answer_says_what_it_was_built_from(answer_of) -> None:  # type: ignore[no-untyped-def]
    answer = answer_of(question="And what about the US?",
                       standalone_question="US: emotion recognition at work",
                       filters=SearchFilters(jurisdictions=frozenset({"us", "japan"}),
                                             doc_ids=frozenset({"nist-ai-rmf-1.0"})),
                       notices=("The documents discuss penalties but do not state an amount.",),
                       writer="llm (qwen2.5-coder-1.5b)", removed_sentences=2)
    message = answer_message(answer, "1")
    assert "**Note:** The documents discuss penalties but do not state an amount\\." in message
    assert "*Searched as:* US\\: emotion recognition at work" in message
    assert "*Filters:* jurisdictions Japan, US; documents nist\\-ai\\-rmf\\-1\\.0" in message
    assert message.endswith(
        "*Written by:* llm \\(qwen2\\.5\\-coder\\-1\\.5b\\); 2 sentences removed by the checks")
    plain = answer_message(answer_of(question="q", standalone_question="q", removed_sentences=1), "1")
    assert "Searched as" not in plain and "*Filters:* none \\(all documents\\)" in plain
    assert plain.endswith("*Written by:* extractive; 1 sentence removed by the checks")
    assert filters_text(SearchFilters()) == "none (all documents)"


def test_text_from_the_pipeline_cannot_inject_markup(answer_of) -> None:  # type: ignore[no-untyped-def]
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(2))"
    message = answer_message(answer_of(notices=(hostile,), writer=hostile, standalone_question=hostile), "1")
    assert "<" not in message and "](javascript" not in message


def test_streaming_text_shows_its_list_items_as_a_list_and_a_cursor() -> None:
    assert partial_message("Lead: [1]\n- one [1]\n-") == "Lead\\: \\[1\\]\n\n- one \\[1\\]\n-  ▍"
    assert partial_message("<b>") == "&lt;b&gt; ▍"


def test_chat_shows_each_turn_and_the_written_answer_below_its_quoted_one(  # type: ignore[no-untyped-def]
        answer_of) -> None:
    session = ChatSession()
    first = session.start("First <question>?")
    first.answer = answer_of()
    first.written = answer_of(writer="llm (m)")
    second = session.start("Second?")
    second.answer = answer_of()
    second.writing = "Waiting for the model: 2 ahead of you…"
    third = session.start("Third?")
    third.partial = "It is"
    messages = chat_history(session)
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"] * 2 + ["user", "assistant"]
    assert messages[0]["content"] == "First &lt;question&gt;?"
    assert "(#pq-cite-1-1)" in messages[1]["content"] and "(#pq-cite-1w-1)" in messages[2]["content"]
    assert messages[2]["content"].startswith("**Written answer**")
    assert messages[5]["content"].endswith("*Waiting for the model\\: 2 ahead of you…*")
    assert messages[7]["content"] == "It is ▍"
    assert session.answer_of("1w") is first.written and session.last_answered is second
