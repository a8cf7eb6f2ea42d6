"""`policyqa ask` through click's CliRunner over the session's index of the whole corpus: one question as text
and as JSON, an interactive session with a follow-up, and a missing index."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ingest.settings import Settings
from ui.cli import main


def _args(settings: Settings) -> list[str]:
    return ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir)]


def test_ask_prints_the_answer_and_its_references(built_settings: Settings) -> None:
    result = CliRunner().invoke(main, [*_args(built_settings), "ask", "What are the four functions of the AI RMF?"])
    assert result.exit_code == 0, result.output
    assert "[1]" in result.output
    assert "NIST AI Risk Management Framework" in result.output and "p. " in result.output


def test_ask_json_has_citations_that_resolve_to_its_passages(built_settings: Settings) -> None:
    result = CliRunner().invoke(main, [*_args(built_settings), "ask", "--json", "--jurisdiction", "eu",
                                       "What does the EU AI Act say about social scoring?"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    passages = {p["chunk_id"]: p for p in answer["passages"]}
    assert answer["citations"] and not answer["abstained"]
    for citation in answer["citations"]:
        assert citation["chunk_id"] in passages
        assert citation["quote"] in passages[citation["chunk_id"]]["text"]
    assert {p["jurisdiction"] for p in answer["passages"]} == {"eu"}


def test_interactive_session_keeps_the_conversation(built_settings: Settings) -> None:
    questions = "What does the EU AI Act say about emotion recognition at work?\nAnd what about the US?\n\n"
    result = CliRunner().invoke(main, [*_args(built_settings), "ask", "--json"], input=questions)
    assert result.exit_code == 0, result.output
    decoder = json.JSONDecoder()
    text = result.stdout
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


def test_ask_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "ask", "Anything?"])
    assert result.exit_code != 0
    assert "policyqa index build" in result.output
