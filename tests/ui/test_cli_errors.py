"""Every user-facing error of the CLI is one line, `policyqa: error: ...`, and --debug shows the traceback:
bad settings, an over-long question, malformed CSV evaluation sets (a field over the csv limit, a quote left
open), each refused before any index is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ui.cli import main

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args], env=env)
    return result.exit_code, result.output


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("policyqa: error: "), output
    assert "Traceback" not in output
    return lines[0]


def test_a_question_over_max_question_chars_is_refused_in_one_line(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "ask", "x" * 2001)
    assert code == 1
    line = _one_error_line(output)
    assert "2,001 characters" in line and "at most 2,000" in line and "max_question_chars" in line


def test_max_question_chars_is_a_setting(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "ask", "What is a deployer?", env={"POLICYQA_MAX_QUESTION_CHARS": "5"})
    assert code == 1
    assert "at most 5 are accepted" in _one_error_line(output)


def test_a_bad_setting_is_one_line_with_exit_code_2(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "search", "x", env={"POLICYQA_TOP_K": "many"})
    assert code == 2
    assert "top_k" in _one_error_line(output)


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("over-limit.csv", 'question,answer\n"' + "a" * 140_000 + '",b\n', "field larger than field limit"),
    ("open-quote.csv", 'question,answer\n"What is x?,foo\nWhat is y?,bar\n', "unexpected end of data"),
    ("stray-quote.csv", 'question,answer\n"What is x?,foo\nWhat is y?,bar\nWhat is z?,"baz"\n',
     "',' expected after '\"'"),
])
def test_a_malformed_csv_names_the_file_and_line(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, output = _run(tmp_path, "eval", str(path))
    assert code == 1
    line = _one_error_line(output)
    assert f"{path}: line 2: malformed CSV" in line and expected in line


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "open-quote.csv"
    path.write_text('question,answer\n"What is x?,foo\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--debug", "eval", str(path)])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "EvalSetError"  # raised, not turned into one line
    result = CliRunner().invoke(main, ["eval", str(path)], env={"POLICYQA_DEBUG": "1"})
    assert type(result.exception).__name__ == "EvalSetError"
