"""Answers over the real index: the right passages cited, quotes that stand in their passages, abstention."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.models import Answer
from assistant.pipeline import ABSTENTION_TEXT, Assistant
from index.models import SearchFilters

ANSWERABLE = [
    "May employers use AI to detect how their staff feel?",
    "What are the four functions of the AI RMF?",
    "What does the EU AI Act say about social scoring?",
    "Which AI practices does the EU AI Act prohibit?",
    "What is high-impact AI under OMB memorandum M-25-21?",
]
UNANSWERABLE = [
    "What is the capital of Australia?",
    "What is a good recipe for banana bread?",
    "What did the countries signing the Bletchley Declaration commit to?",
]


def assert_citations_resolve(answer: Answer) -> None:
    """Every [n] in the text is a citation; every citation's passage was given and contains its quote."""
    given = {p.chunk.chunk_id for p in answer.passages}
    numbers = {n for sentence in answer.sentences for n in sentence.citations}
    assert numbers == {c.n for c in answer.citations}
    for citation in answer.citations:
        assert citation.passage.chunk.chunk_id in given
        assert answer.passages[citation.n - 1].chunk.chunk_id == citation.passage.chunk.chunk_id
        assert citation.quote in citation.passage.chunk.text
        assert f"[{citation.n}]" in answer.text


def test_employer_emotion_question_cites_article_5_on_page_51(assistant: Assistant) -> None:
    answer = assistant.ask("May employers use AI to detect how their staff feel?")
    assert not answer.abstained
    cited = [c.passage.chunk for c in answer.citations]
    assert any(c.doc_id == "eu-ai-act-2024-1689" and "Article 5" in c.section and c.page_start <= 51 <= c.page_end
               for c in cited), [(c.doc_id, c.section, c.page_start) for c in cited]
    assert_citations_resolve(answer)


def test_four_functions_answer_cites_the_ai_rmf_and_names_them(assistant: Assistant) -> None:
    answer = assistant.ask("What are the four functions of the AI RMF?")
    assert not answer.abstained
    assert any(c.passage.chunk.doc_id == "nist-ai-rmf-1.0" for c in answer.citations)
    for function in ("GOVERN", "MAP", "MEASURE", "MANAGE"):
        assert function in answer.text.upper()
    assert_citations_resolve(answer)


@pytest.mark.parametrize("question", ANSWERABLE)
def test_answerable_questions_are_answered_with_resolving_citations(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained, answer.evidence
    assert answer.citations and 1 <= len(answer.sentences) <= 5
    assert all(s.supported for s in answer.sentences)
    assert_citations_resolve(answer)


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_abstain_and_show_closest_passages(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained, answer.evidence
    assert answer.text == ABSTENTION_TEXT
    assert not answer.citations
    assert answer.passages


def test_question_spanning_jurisdictions_draws_from_each(assistant: Assistant) -> None:
    answer = assistant.ask("How do the EU and the US address risks to workers from AI?")
    jurisdictions = {c.passage.chunk.jurisdiction for c in answer.citations}
    assert {"eu", "us"} <= jurisdictions
    assert_citations_resolve(answer)


def test_follow_up_is_rewritten_from_the_previous_turn(assistant: Assistant) -> None:
    conversation = Conversation()
    assistant.ask("What does the EU AI Act say about emotion recognition at work?", conversation=conversation)
    follow_up = assistant.ask("And what about the US?", conversation=conversation)
    assert "emotion" in follow_up.standalone_question.lower()
    assert {p.chunk.jurisdiction for p in follow_up.passages} == {"us"}
    assert len(conversation.turns) == 2


def test_filters_restrict_the_passages(assistant: Assistant) -> None:
    answer = assistant.ask("What is an AI system?", filters=SearchFilters(doc_ids=frozenset({"oecd-ai-recommendation-2024"})))
    assert answer.passages and {p.chunk.doc_id for p in answer.passages} == {"oecd-ai-recommendation-2024"}


def test_passages_are_diverse_and_ranked(assistant: Assistant) -> None:
    answer = assistant.ask("What is the AI RMF Playbook?", k=10)
    assert [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    texts = [p.chunk.text for p in answer.passages]
    assert len(set(texts)) == len(texts)


def test_answer_json_carries_every_field(assistant: Assistant) -> None:
    data = assistant.ask("Which AI practices does the EU AI Act prohibit?").to_dict()
    assert {"question", "text", "citations", "passages", "abstained", "support", "sentences", "timings_ms"} <= set(data)
    citation = data["citations"][0]
    assert {"n", "doc_id", "title", "page_start", "page_end", "section", "quote", "url"} <= set(citation)
    assert {"rank", "chunk_id", "doc_id", "title", "page_start", "page_end", "section", "text", "score"} <= set(
        data["passages"][0])
    assert {"retrieve_ms", "select_ms", "generate_ms", "check_ms", "total_ms"} <= set(data["timings_ms"])


def test_streaming_delivers_the_whole_answer(assistant: Assistant) -> None:
    pieces: list[str] = []
    answer = assistant.ask("Which AI practices does the EU AI Act prohibit?", on_token=pieces.append)
    assert len(pieces) > 3
    assert "".join(pieces).split("[")[0].strip() in answer.text
