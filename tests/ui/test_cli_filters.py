"""`search`, `ask` and `eval` parse --jurisdiction and --doc with one module and refuse the same values."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REGISTRY
from ui.cli import main
from ui.commands.filters import parse_filters


@pytest.mark.parametrize("verb", [["ask", "Who enforces the AI Act?"], ["search", "enforcement"],
                                  ["eval", "EVAL_SET"]])
def test_an_unknown_jurisdiction_is_refused_with_the_valid_ones_by_every_verb(tmp_path: Path,
                                                                              verb: list[str]) -> None:
    eval_set = tmp_path / "set.jsonl"
    eval_set.write_text('{"question": "Who enforces the AI Act?", "answer": null}\n', encoding="utf-8")
    args = [str(eval_set) if a == "EVAL_SET" else a for a in verb]
    # refused before any index is looked for: the data folder is empty
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), *args, "--jurisdiction", "eu,mars"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("policyqa: error: Invalid value for --jurisdiction: unknown jurisdiction(s) "
                                    "mars; valid jurisdictions are: eu, us")
    assert len(result.output.strip().splitlines()) == 1


def test_parse_filters_checks_documents_only_against_a_known_index() -> None:
    filters = parse_filters(" eu, us ,", "nist-ai-rmf-1.0", REGISTRY.codes)
    assert filters.jurisdictions == frozenset({"eu", "us"}) and filters.doc_ids == frozenset({"nist-ai-rmf-1.0"})
    with pytest.raises(Exception, match="document.s. nope not in the index; indexed documents are: a, b"):
        parse_filters("", "a,nope", REGISTRY.codes, {"a", "b"})
