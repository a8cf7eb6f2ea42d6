"""`policyqa compare` through click's CliRunner over the session's index of the whole corpus: text, JSON,
Markdown, CSV and HTML, escaping of document text in the page, bad options, and `--eval`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.compare import NOT_ADDRESSED, Column, Comparison, DocumentFacts
from assistant.models import AnswerSentence, Citation
from index.models import Passage
from ingest.models import Chunk
from ingest.settings import Settings
from ui.cli import main
from ui.commands.compare import to_html

REPO = Path(__file__).resolve().parents[2]
TOPIC = "Chief AI Officers"


def _compare(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir),
                                       "compare", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_text_shows_each_jurisdiction_its_instruments_and_not_addressed(built_settings: Settings) -> None:
    out = _compare(built_settings, TOPIC, "--jurisdictions", "us,japan")
    assert "== United States (" in out and "executive order" in out and "agency memorandum" in out
    assert "== Japan (report)" in out
    japan = out.split("== Japan")[1]
    assert NOT_ADDRESSED in japan and "Closest passage: japan-ai-basic-plan-trustworthy-ai-2026 (report)" in japan


def test_json_columns_come_in_the_order_asked(built_settings: Settings) -> None:
    data = json.loads(_compare(built_settings, TOPIC, "--jurisdictions", "g7,us", "--json"))
    assert [c["jurisdiction"] for c in data["columns"]] == ["g7", "us"]
    g7, us = data["columns"]
    assert not g7["addressed"] and g7["closest"]["jurisdiction"] == "g7"
    assert us["addressed"] and all(c["jurisdiction"] == "us" and c["instrument"] for c in us["citations"])


def test_markdown_is_one_table_with_an_instrument_row(built_settings: Settings) -> None:
    out = _compare(built_settings, TOPIC, "--jurisdictions", "us,japan", "--md")
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert rows[0] == "| United States | Japan |" and rows[1] == "| --- | --- |"
    assert "*report*" in rows[2] and len(rows) == 4


def test_csv_has_a_row_per_source_and_one_for_a_column_not_addressed(built_settings: Settings) -> None:
    rows = list(csv.DictReader(io.StringIO(_compare(built_settings, TOPIC, "--jurisdictions", "us,japan", "--csv"))))
    assert {r["jurisdiction"] for r in rows} == {"us", "japan"}
    japan = [r for r in rows if r["jurisdiction"] == "japan"]
    assert len(japan) == 1 and japan[0]["addressed"] == "no" and japan[0]["instrument"] == "report"
    assert all(r["addressed"] == "yes" and r["quote"] for r in rows if r["jurisdiction"] == "us")


def test_html_file_is_a_self_contained_page(built_settings: Settings, tmp_path: Path) -> None:
    page = tmp_path / "compare.html"
    _compare(built_settings, TOPIC, "--jurisdictions", "us,japan", "--html", str(page))
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "<th>United States" in text and NOT_ADDRESSED in text
    assert "http" not in text.split("<body>")[0]  # no stylesheet or script fetched from elsewhere


def test_html_escapes_document_text() -> None:
    text = 'Bots must log <script>alert("x")</script> every reply.'
    hostile = Chunk("doc:1", "doc", "<b>T</b>", "eu", 1, 1, "Article <i>1</i>", 0, len(text), text)
    passage = Passage(hostile, 1.0, 1)
    facts = (DocumentFacts("doc", "<b>T</b>", "report", "2026-01-01"),)
    shown = AnswerSentence('Bots must log <script>alert("x")</script> every reply.', (1,), 1.0, True)
    addressed = Column("eu", "European Union", True, (shown,), (Citation(1, passage, shown.text),), None, facts, 0.9)
    empty = Column("us", "United States", False, (), (), passage, facts, 0.1, "weak")
    page = to_html(Comparison("<img src=x onerror=alert(1)>", (addressed, empty), 1.0))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_unknown_jurisdiction_fails_listing_the_valid_ones(built_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(built_settings.data_dir), "compare", TOPIC,
                                       "--jurisdictions", "eu,china"])
    assert result.exit_code == 2 and "unknown jurisdiction(s) china; valid jurisdictions are: eu" in result.output


def test_two_formats_at_once_fail(built_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(built_settings.data_dir), "compare", TOPIC, "--json", "--md"])
    assert result.exit_code == 2 and "choose one of" in result.output


@pytest.mark.parametrize("as_json", [False, True])
def test_eval_reports_cell_hits_and_not_addressed_figures(built_settings: Settings, tmp_path: Path,
                                                          as_json: bool) -> None:
    lines = (REPO / "corpus" / "eval" / "compare-gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(line for line in lines if '"chief-ai-officers:' in line) + "\n", encoding="utf-8")
    out = _compare(built_settings, "--eval", str(gold), *(["--json"] if as_json else []))
    if as_json:
        summary = json.loads(out)["summary"]
        assert summary["n_cells"] == 5 and summary["n_not_addressed"] == 4 and summary["cell_hit@3"] == 1.0
    else:
        assert out.startswith("compare eval: 5 cells (1 addressed, 4 not addressed)") and "cell_hit@3" in out
