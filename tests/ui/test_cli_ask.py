"""`policyqa ask` through click's CliRunner over the session's index of the whole corpus: one question as text
and as JSON, an interactive session with a follow-up, a missing index, what an answer was built from, and the
same output when a running policyqa (ui/answer_service) answers instead, or has gone away."""

from __future__ import annotations

import json
import re
import shutil
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.pipeline import Assistant
from index.embed import Embedder
from index.layout import CURRENT_FILE, VERSIONS_DIR
from index.models import SearchFilters
from ingest.settings import Settings, load_settings
from ui.answer_service.protocol import AskOptions, socket_path
from ui.answer_service.server import AnswerServer
from ui.cli import main
from ui.commands.ask import AskSession, format_answer

QUESTION = "What are the four functions of the AI RMF?"
EU_ACT = "eu-ai-act-2024-1689"


def _args(settings: Settings) -> list[str]:
    return ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir)]


def _ask(settings: Settings, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(main, [*_args(settings), "ask", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def _steady(output: str) -> str:
    """The output less what two runs of the same question never share: the milliseconds they took."""
    return re.sub(r'"(\w+_ms)": [0-9.e+-]+', r'"\1": 0', re.sub(r"; \d+ ms\)", "; ms)", output))


@pytest.fixture
def settings(built_settings: Settings, tmp_path: Path) -> Settings:
    """The settings `policyqa --data-dir … --corpus-dir … ask` loads, over a copy of the built data directory
    (the answer endpoint puts its socket in it): a server only answers clients with the same settings."""
    shutil.copytree(built_settings.data_dir, tmp_path / "data")
    return load_settings(overrides={"data_dir": tmp_path / "data", "corpus_dir": built_settings.corpus_dir})


def test_ask_prints_the_answer_and_its_references(built_settings: Settings) -> None:
    output = _ask(built_settings, QUESTION)
    assert "[1]" in output
    assert "NIST AI Risk Management Framework" in output and "p. " in output


def test_ask_json_has_citations_that_resolve_to_its_passages(built_settings: Settings) -> None:
    answer = json.loads(_ask(built_settings, "--json", "--jurisdiction", "eu",
                             "What does the EU AI Act say about social scoring?"))
    passages = {p["chunk_id"]: p for p in answer["passages"]}
    assert answer["citations"] and not answer["abstained"]
    for citation in answer["citations"]:
        assert citation["chunk_id"] in passages
        assert citation["quote"] in passages[citation["chunk_id"]]["text"]
    assert {p["jurisdiction"] for p in answer["passages"]} == {"eu"}


def test_ask_says_where_a_question_naming_a_provision_was_searched(built_settings: Settings) -> None:
    question = "What does Article 10 of the AI Act require of training data?"
    assert ("Searched in: EU Artificial Intelligence Act (AI Act), Regulation (EU) 2024/1689 > Article 10 Data and "
            "data governance (first; then all documents)") in _ask(built_settings, question)
    assert json.loads(_ask(built_settings, "--json", question))["searched_in"] == [
        "EU Artificial Intelligence Act (AI Act), Regulation (EU) 2024/1689 > Article 10 Data and data governance"]
    assert json.loads(_ask(built_settings, "--json", QUESTION.replace("of the AI RMF", "of risk management"))
                      )["searched_in"] == []


def test_interactive_session_keeps_the_conversation(built_settings: Settings) -> None:
    questions = "What does the EU AI Act say about emotion recognition at work?\nAnd what about the US?\n\n"
    text = _ask(built_settings, "--json", stdin=questions)
    decoder = json.JSONDecoder()
    answers = []
    position = text.find("{")
    while position != -1:
        answer, end = decoder.raw_decode(text, position)
        answers.append(answer)
        position = text.find("{", end)
    assert len(answers) == 2
    follow_up = answers[1]
    assert "emotion" in follow_up["standalone_question"].lower()
    assert {p["jurisdiction"] for p in follow_up["passages"]} == {"us"}


def test_interactive_follow_up_shows_the_question_as_searched(built_settings: Settings) -> None:
    output = _ask(built_settings, stdin="What does the EU AI Act say about emotion recognition at work?\n"
                                        "And what about the US?\n\n")
    searched = re.findall(r"^Searched as: (.+)$", output, re.MULTILINE)
    assert len(searched) == 1  # the first question was searched as asked
    assert "emotion recognition" in searched[0] and "And what about" not in searched[0]


def test_ask_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "ask", "Anything?"])
    assert result.exit_code != 0
    assert "policyqa index build" in result.output


def test_the_answer_shows_what_it_was_built_from(built_settings: Settings,
                                                 session_embedder: Embedder) -> None:
    assistant = Assistant.load(built_settings, embedder=session_embedder)
    answer = assistant.ask("What does the EU AI Act say about social scoring?")
    assert answer.citations
    shown = replace(answer, writer="extractive", removed_sentences=2,
                    notices=("The question names a fact the passages do not give.", "A second notice."),
                    filters=SearchFilters(jurisdictions=frozenset({"eu", "us"}), doc_ids=frozenset({EU_ACT})))
    names = {j.code: j.name for j in assistant.registry.jurisdictions}
    lines = format_answer(shown, {EU_ACT: "EU Artificial Intelligence Act"}, jurisdiction_names=names).splitlines()
    assert "The question names a fact the passages do not give." in lines and "A second notice." in lines
    assert ("Filters: jurisdictions European Union, United States; documents EU Artificial Intelligence Act"
            in lines)
    assert "Written by: extractive; 2 sentences removed by the checks" in lines
    assert not any(line.startswith("Searched as:") for line in lines)  # asked as it was searched
    assert "Written by: llm (smollm2)" in format_answer(replace(shown, writer="llm (smollm2)",
                                                                removed_sentences=0)).splitlines()
    kinds = {EU_ACT: "binding law (regulation), 2024-06-13"}
    lines = format_answer(shown, kinds=kinds).splitlines()
    eu = [next(line for line in lines if line.startswith(f"[{c.n}] ")) for c in shown.citations
          if c.passage.chunk.doc_id == EU_ACT]
    assert eu and all("(binding law (regulation), 2024-06-13), p. " in line for line in eu)


def test_each_citation_shows_its_own_passage_and_pdf_page(built_settings: Settings,
                                                         session_embedder: Embedder) -> None:
    assistant = Assistant.load(built_settings, embedder=session_embedder)
    answer = assistant.ask("What penalties does the EU AI Act set for prohibited AI practices?")
    # numbers run in the order cited, so [n] is not passages[n-1]: with the passages reversed it surely is not
    shown = replace(answer, passages=tuple(reversed(answer.passages)))
    assert any(c.passage != shown.passages[c.n - 1] for c in shown.citations)
    lines = format_answer(shown).splitlines()
    pdf_links = 0
    for citation in shown.citations:
        c = citation.passage.chunk
        at = next(i for i, line in enumerate(lines) if line.startswith(f"[{citation.n}] "))
        assert lines[at] == f"[{citation.n}] {c.title}, {citation.printed_pages}, {c.section}"
        assert lines[at + 1] == f"    “{citation.quote}”"
        if c.url.endswith(".pdf") or "/PDF/" in c.url:  # EUR-Lex serves the AI Act's PDF from a /PDF/ path
            assert lines[at + 2] == f"    {c.url}#page={citation.sheets[0]}"
            pdf_links += 1
    assert pdf_links


def test_a_running_server_answers_with_the_same_text_and_json(settings: Settings,
                                                              session_embedder: Embedder) -> None:
    here = [_ask(settings, QUESTION), _ask(settings, "--json", "--jurisdiction", "eu", QUESTION)]
    answer_server = AnswerServer(settings, Assistant.load(settings, embedder=session_embedder))
    assert answer_server.start()
    try:
        served = [_ask(settings, QUESTION), _ask(settings, "--json", "--jurisdiction", "eu", QUESTION)]
    finally:
        answer_server.close()
    assert answer_server.answered == 2
    assert [_steady(o) for o in served] == [_steady(o) for o in here]
    assert not socket_path(settings).exists()


def test_ask_answers_itself_when_the_server_is_gone_or_its_socket_is_stale(settings: Settings,
                                                                          server: AnswerServer) -> None:
    served = _ask(settings, QUESTION)
    assert server.answered == 1
    server.close()  # gone: no socket
    assert _steady(_ask(settings, QUESTION)) == _steady(served)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:  # stale: a socket nobody listens on
        dead.bind(str(socket_path(settings)))
    assert socket_path(settings).exists()
    assert _steady(_ask(settings, QUESTION)) == _steady(served)
    assert server.answered == 1


def test_a_session_goes_on_here_with_its_context_when_the_server_goes_away(settings: Settings,
                                                                         server: AnswerServer) -> None:
    options = AskOptions(k=None, generator=None, jurisdictions=(), doc_ids=(), as_json=False)
    questions = ["What does the EU AI Act say about emotion recognition at work?", "And what about the US?"]
    interrupted = AskSession(settings, options)
    first = interrupted.answer(questions[0])
    assert server.answered == 1
    server.close()  # ends the session under way too
    follow_up = interrupted.answer(questions[1])
    assert server.answered == 1 and interrupted.remote is None
    assert "Searched as: " in follow_up
    local = AskSession(settings, options)
    assert local.remote is None
    assert [_steady(local.answer(q)) for q in questions] == [_steady(first), _steady(follow_up)]


def test_a_server_with_other_settings_is_not_used(settings: Settings, server: AnswerServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_TOP_K", "3")
    answer = json.loads(_ask(settings, "--json", QUESTION))
    assert server.answered == 0
    assert len(answer["passages"]) <= 3
def test_a_server_serves_the_index_version_a_build_publishes(
    settings: Settings, server: AnswerServer
) -> None:
    index_dir = settings.index_dir
    first = server.index_version
    # what a build does: a new version beside the old one, then CURRENT switched to it
    shutil.copytree(index_dir / VERSIONS_DIR / first, index_dir / VERSIONS_DIR / "rebuilt")
    (index_dir / CURRENT_FILE).write_text("rebuilt")
    _ask(settings, QUESTION)
    assert server.answered == 1 and server.index_version == "rebuilt"




def test_a_quoted_list_item_is_printed_with_the_lead_in_of_its_list(built_settings: Settings,
                                                                     session_embedder: Embedder) -> None:
    assistant = Assistant.load(built_settings, embedder=session_embedder)
    answer = assistant.ask("Which AI practices does Article 5 of the EU AI Act prohibit?")
    lines = format_answer(answer).splitlines()
    items = [c for c in answer.citations if c.passage.chunk.lead_in]
    assert items, "no cited passage of Article 5 opens inside its list"
    for citation in items:
        at = lines.index(next(line for line in lines if line.startswith(f"[{citation.n}] ")))
        assert lines[at + 1] == "    in the list “1. The following AI practices shall be prohibited:”"
        assert lines[at + 2] == f"    “{citation.quote}”"


def test_the_ask_command_imports_no_model_reader_or_web_library_before_it_needs_one() -> None:
    """A question answered by a running `policyqa serve` needs none of them: each costs the client tenths of a
    second (pypdf and bs4 came in through the document facts' stamp)."""
    import subprocess
    import sys

    script = ("import sys, ui.commands.ask; "
              "print(sorted(m for m in ('torch', 'pypdf', 'bs4', 'gradio', 'faiss') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_a_one_shot_ask_answers_without_loading_torch(built_settings: Settings) -> None:
    """The command answering by itself embeds the question and the sentences it scores on numpy: importing torch
    would cost it about a second of a cold start (README, Benchmarks)."""
    import subprocess
    import sys

    script = ("import sys; from ui.cli import main; main(sys.argv[1:], standalone_mode=False); "
              "print('loaded:', sorted(m for m in ('torch', 'sentence_transformers', 'transformers') "
              "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script, *_args(built_settings), "ask", QUESTION],
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True)
    assert "[1]" in done.stdout and "NIST AI Risk Management Framework" in done.stdout, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("loaded: []"), done.stdout + done.stderr
