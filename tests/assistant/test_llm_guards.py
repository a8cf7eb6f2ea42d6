"""The guards against the default answer model: trap questions whose fact the passages lack, and answerable
ones, written by the real Qwen model; nothing it invents may reach the reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.question import analyse
from assistant.support import check_citations, unstated_facts
from assistant.writers.base import WriteRequest

# Facts the passages do not hold: the model has been seen to invent "The AI Office employs 1,000 staff."
TRAPS = ["How many staff does the AI Office employ?",
         "What salary does an agency Chief AI Officer earn under OMB M-25-21?",
         "What administrative fines does Japan's AI Promotion Act impose?"]
ANSWERABLE = ["What is the largest penalty an organisation can face under the EU AI Act?",
              "May employers use AI to detect how their staff feel?"]


@pytest.fixture(scope="module")
def writing_assistant(assistant: Assistant, qwen_model: Path) -> Assistant:
    """The session's assistant (same index and embedder) with the default answer model as its LLM writer."""
    return Assistant(assistant.settings.replace(llm_gguf_path=str(qwen_model)), assistant.searcher,
                     assistant.reranker, assistant.registry)


def assert_nothing_unsupported_shown(answer: Answer) -> None:
    for sentence in answer.sentences:
        cited = [c.passage for c in answer.citations if c.n in sentence.citations]
        assert cited and sentence.supported, sentence
        assert not any(c.quote not in c.passage.chunk.text for c in answer.citations)
        assert not unstated_facts(sentence.text, cited) or any(sentence.text in p.chunk.text for p in cited), sentence


@pytest.mark.llm
@pytest.mark.slow
@pytest.mark.parametrize("question", TRAPS)
def test_a_trap_question_gets_no_invented_fact_past_the_guards(writing_assistant: Assistant, question: str) -> None:
    intent = analyse(question, writing_assistant.registry)
    passages = writing_assistant.retrieve(question, 10, None, intent)
    draft = writing_assistant.writer("llm").write(WriteRequest(question, intent, tuple(passages)))
    checked = check_citations(list(draft.sentences), passages, writing_assistant.searcher.embedder, 0.5)
    assert checked.removed == len(draft.sentences) - len(checked.sentences)
    for sentence in checked.sentences:
        cited = [c.passage for c in checked.citations if c.n in sentence.citations]
        assert sentence.supported and not unstated_facts(sentence.text, cited), sentence


@pytest.mark.llm
@pytest.mark.slow
@pytest.mark.parametrize("question", TRAPS)
def test_a_trap_question_asked_of_the_llm_writer_is_declined_or_checked(writing_assistant: Assistant,
                                                                        question: str) -> None:
    answer = writing_assistant.ask(question, generator="llm")
    assert answer.abstained or answer.writer.startswith(("llm", "extractive"))
    assert_nothing_unsupported_shown(answer)


@pytest.mark.llm
@pytest.mark.slow
@pytest.mark.parametrize("question", ANSWERABLE)
def test_a_written_answer_cites_passages_that_hold_what_it_says(writing_assistant: Assistant, question: str) -> None:
    quoted = writing_assistant.ask(question)
    written = writing_assistant.write_answer(quoted, "llm")
    assert not written.abstained
    assert written.writer.startswith(("llm (qwen2.5-coder-1.5b)", "extractive ("))
    assert written.passages == quoted.passages
    assert_nothing_unsupported_shown(written)
    assert written.question == question
