"""The LLM answer writer: what it shows the model and how it reads the reply (pure), then the test-sized model
(SmolLM2-135M) through llama.cpp in process and through a real `python -m llama_cpp.server` endpoint.

The model tests check mechanics (streaming, a draft of sentences with their claimed sources), never quality:
the test model is weak. A missing model or llm extra fails them; `make test` installs both.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.chat.base import LLMNotConfiguredError
from assistant.chat.prompt import (
    DECLINE_TEXT,
    SYSTEM_PROMPT,
    answer_messages,
    excerpt,
    excerpts,
    prompt_words,
)
from assistant.chat.reply import MAX_LINES, finished, is_repeating, parse_reply
from assistant.pipeline import Assistant
from assistant.question import analyse
from assistant.writers.base import Draft, DraftSentence, WriteRequest
from assistant.writers.llm import PROMPT_PASSAGES, PROMPT_WORDS, LLMWriter, create_llm_writer
from index.models import Passage
from ingest.models import Chunk
from ingest.settings import Settings

FUNCTIONS_QUESTION = "What are the four functions of the AI RMF?"


def passage(text: str, section: str = "Article 5 Prohibited AI practices", page: int = 51) -> Passage:
    chunk = Chunk(chunk_id="c", doc_id="eu-ai-act-2024-1689", title="EU Artificial Intelligence Act (AI Act), "
                  "Regulation (EU) 2024/1689", jurisdiction="eu", page_start=page, page_end=page, section=section,
                  char_start=0, char_end=len(text), text=text)
    return Passage(chunk, 1.0, 1)


def request(assistant: Assistant, question: str) -> WriteRequest:
    return WriteRequest(question, analyse(question, assistant.registry), tuple(assistant.retrieve(question, 6, None)))


# --- the prompt ---------------------------------------------------------------------------------------------

def test_excerpt_keeps_the_sentences_sharing_most_words_with_the_question_in_their_order() -> None:
    text = ("Member States shall lay down rules on penalties. Infringements of Article 5 are subject to "
            "administrative fines of up to EUR 35 000 000. Such fines take into account the size of the provider. "
            "The AI Office shall publish guidance every year.")
    shown = excerpt("What fines apply to infringements of Article 5?", passage(text), 1, 60)
    assert shown.header == "EU Artificial Intelligence Act, p. 51, Article 5 Prohibited AI practices"
    assert shown.sentences == ("Infringements of Article 5 are subject to administrative fines of up to EUR 35 000 000.",
                               "Such fines take into account the size of the provider.")


def test_a_lone_hit_comes_with_the_sentence_before_it_and_no_hit_gives_the_opening() -> None:
    text = ("The following practices shall be prohibited: placing such systems on the market. Social scoring of "
            "persons is one of them. Other rules follow here.")
    assert excerpt("Is social scoring banned?", passage(text), 1, 60).sentences[0].startswith("The following")
    assert excerpt("quantum", passage(text), 1, 60).sentences[0].startswith("The following")


def test_one_sentence_longer_than_the_budget_is_cut() -> None:
    shown = excerpt("what is prohibited", passage("It is prohibited " + "word " * 200 + "end."), 2, 40)
    assert shown.words == 41 and shown.sentences[0].endswith(" …")


def test_prompt_shows_the_top_passages_numbered_within_the_word_budget(assistant: Assistant) -> None:
    req = request(assistant, FUNCTIONS_QUESTION)
    shown = excerpts(req.question, req.passages, PROMPT_PASSAGES, PROMPT_WORDS)
    assert [e.number for e in shown] == [1, 2, 3, 4]
    assert sum(e.words for e in shown) <= PROMPT_WORDS
    assert all(e.sentences for e in shown)
    user = answer_messages(req.question, req.intent.kind, shown)[1].content
    assert user.startswith("Passages:\n[1] NIST AI Risk Management Framework")
    assert f"\n\nQuestion: {FUNCTIONS_QUESTION}\n" in user  # the question, then what kind of answer it wants
    assert prompt_words(answer_messages(req.question, req.intent.kind, shown)) < PROMPT_WORDS + 200


def test_system_prompt_is_the_same_for_every_question_and_the_kind_only_changes_the_user_message() -> None:
    shown = (excerpt("q", passage("Some text here."), 1, 50),)
    as_list = answer_messages("Which AI practices are prohibited?", "list", shown)
    as_date = answer_messages("When does the AI Act apply?", "date", shown)
    assert as_list[0].content == as_date[0].content == SYSTEM_PROMPT
    assert "one item per line" in as_list[1].content and "one item per line" not in as_date[1].content


# --- reading the reply --------------------------------------------------------------------------------------

def test_reply_sentences_carry_the_markers_that_follow_them() -> None:
    sentences, declined = parse_reply(
        "Yes. The U.S. Department of Commerce must act within 90 days [2]. It is banned. [1][3]\n"
        "Fines reach EUR 35 000 000 [1, 4].", 4)
    assert not declined
    assert sentences == (
        DraftSentence("Yes. The U.S. Department of Commerce must act within 90 days.", (2,)),
        DraftSentence("It is banned.", (1, 3)),
        DraftSentence("Fines reach EUR 35 000 000.", (1, 4)),
    )


def test_reply_list_items_are_bullets_and_numbers_outside_the_passages_are_dropped() -> None:
    sentences, _ = parse_reply("The Act prohibits:\n- social scoring [1]\n* emotion recognition at work [2-3]\n"
                               "1. untargeted scraping [7]\nSources: [4]", 4)
    assert sentences == (
        DraftSentence("The Act prohibits:", ()),
        DraftSentence("social scoring", (1,), bullet=True),
        DraftSentence("emotion recognition at work", (2, 3), bullet=True),
        DraftSentence("untargeted scraping", (4,), bullet=True),
    )


def test_a_repeated_sentence_is_kept_once_and_a_loop_is_detected() -> None:
    looping = "The AI RMF has four functions [1]. The AI RMF has four functions [1]. The"
    assert is_repeating(looping)
    assert not is_repeating("The AI RMF has four functions [1]. They are govern, map, measure and manage [1].")
    assert parse_reply(looping, 4)[0] == (DraftSentence("The AI RMF has four functions.", (1,)),
                                         DraftSentence("The", ()))


def test_a_reply_that_goes_on_to_ask_itself_a_question_ends_there() -> None:
    text = ("The four functions are govern, map, measure and manage [1].\n\nQuestion: What is the AI RMF Core?\n"
            "It is a framework [2].")
    assert finished(text)
    assert parse_reply(text, 4)[0] == (DraftSentence("The four functions are govern, map, measure and manage.", (1,)),)


def test_a_list_running_past_the_lines_of_an_answer_is_finished() -> None:
    text = "\n".join(f"- paragraph 5({letter}) [1]" for letter in "abcdefghijklmn")
    assert finished(text) and not finished("\n".join(text.splitlines()[:MAX_LINES]))
    assert len(parse_reply(text, 4)[0]) == MAX_LINES


@pytest.mark.parametrize("reply", [
    DECLINE_TEXT,
    "The passages do not answer the question.",
    "The provided passages don't contain information about Canada's AIDA.",
    "I'm sorry, but the given passages do not mention this [1].",
    "There is no information about this in the passages.",
    "I cannot answer this from the passages.",
])
def test_a_decline_is_recognised(reply: str) -> None:
    assert parse_reply(reply, 4) == ((), True)


def test_a_reply_that_goes_on_to_cite_a_passage_is_not_a_decline() -> None:
    sentences, declined = parse_reply("The passages do not answer directly. Article 5 bans it [1].", 4)
    assert not declined and sentences[-1].sources == (1,)


# --- choosing the model -------------------------------------------------------------------------------------

def test_no_model_installed_or_configured_tells_the_user_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(LLMNotConfiguredError) as raised:
        create_llm_writer(Settings(model_dir=tmp_path))
    message = str(raised.value)
    assert "qwen2.5-coder-1.5b is not installed" in message
    assert "policyqa model install qwen2.5-coder-1.5b" in message and "llm_base_url" in message


def test_an_unknown_local_model_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(LLMNotConfiguredError, match="known models are: qwen2.5-coder-1.5b, smollm2-135m"):
        create_llm_writer(Settings(model_dir=tmp_path, llm_local_model="mistral"))


def test_a_gguf_path_that_is_not_a_gguf_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_text("not a model")
    with pytest.raises(LLMNotConfiguredError, match="is not a GGUF model file"):
        create_llm_writer(Settings(llm_gguf_path=str(fake)))
    with pytest.raises(LLMNotConfiguredError, match="does not exist"):
        create_llm_writer(Settings(llm_gguf_path=str(tmp_path / "missing.gguf")))


# --- the test model, for real -------------------------------------------------------------------------------

def assert_streamed_draft(draft: Draft, pieces: list[str], writer: str) -> None:
    assert len(pieces) > 3, pieces  # delivered piece by piece, not at the end
    assert draft.writer == writer
    assert draft.sentences or draft.declined, "".join(pieces)
    assert (draft.sentences, draft.declined) == parse_reply("".join(pieces), PROMPT_PASSAGES)
    assert all(1 <= n <= PROMPT_PASSAGES for s in draft.sentences for n in s.sources)


@pytest.mark.llm
def test_local_model_streams_a_draft_and_stays_loaded(assistant: Assistant, smollm_model: Path) -> None:
    writer = create_llm_writer(Settings(llm_local_model="smollm2-135m", model_dir=smollm_model.parent))
    assert isinstance(writer, LLMWriter)
    pieces: list[str] = []
    draft = writer.write(request(assistant, FUNCTIONS_QUESTION), on_token=pieces.append)
    assert_streamed_draft(draft, pieces, "llm (smollm2-135m)")
    loaded = writer.chat.loaded_model  # type: ignore[attr-defined]
    writer.write(request(assistant, "Which AI practices does the EU AI Act prohibit?"))
    assert writer.chat.loaded_model is loaded  # type: ignore[attr-defined]


@pytest.mark.llm
@pytest.mark.slow
def test_answer_model_writes_sentences_that_claim_their_passages(assistant: Assistant, qwen_model: Path) -> None:
    writer = create_llm_writer(Settings(llm_gguf_path=str(qwen_model)))
    pieces: list[str] = []
    draft = writer.write(request(assistant, "What does GOVERN 1.1 say?"), on_token=pieces.append)
    assert_streamed_draft(draft, pieces, "llm (qwen2.5-coder-1.5b)")
    assert not draft.declined and any(s.sources for s in draft.sentences), "".join(pieces)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(smollm_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible endpoint: llama-cpp-python's server over the test model on 127.0.0.1."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(smollm_model), "--host",
                                "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
                               stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None:
            try:
                urllib.request.urlopen(f"{base}/models", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.llm
def test_endpoint_streams_a_draft(assistant: Assistant, llama_server: str) -> None:
    writer = create_llm_writer(Settings(llm_base_url=llama_server, llm_model="smollm2"))
    pieces: list[str] = []
    draft = writer.write(request(assistant, FUNCTIONS_QUESTION), on_token=pieces.append)
    assert_streamed_draft(draft, pieces, "llm (smollm2)")


@pytest.mark.llm
def test_the_prompt_word_budget_is_a_setting(assistant: Assistant, smollm_model: Path) -> None:
    small = create_llm_writer(Settings(llm_local_model="smollm2-135m", model_dir=smollm_model.parent,
                                       llm_prompt_words=120))
    default = create_llm_writer(Settings(llm_local_model="smollm2-135m", model_dir=smollm_model.parent))
    asked = request(assistant, FUNCTIONS_QUESTION)
    passages_words = [sum(len(s.split()) for e in excerpts(asked.question, asked.passages, PROMPT_PASSAGES, words)
                          for s in e.sentences) for words in (120, PROMPT_WORDS)]
    assert passages_words[0] <= 120 < passages_words[1]
    assert prompt_words(small.messages(asked)) < prompt_words(default.messages(asked))
