"""`policyqa compare` through click's CliRunner over the session's index of the whole corpus: text, JSON,
Markdown, CSV and HTML, escaping of document text in the page, bad options, `--eval`, and the summaries the
test-sized model writes (the other tests pass --no-summary: they read the extractive columns)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.compare import NOT_ADDRESSED, Column, Comparison, DocumentFacts, Summary
from assistant.models import AnswerSentence, Citation
from index.models import Passage
from ingest.models import Chunk
from ingest.settings import Settings
from ui.cli import main
from ui.commands.compare import to_csv, to_html, to_markdown, to_text

REPO = Path(__file__).resolve().parents[2]
TOPIC = "Chief AI Officers"


def _compare(settings: Settings, *args: str, summaries: bool = False, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir),
                                       "compare", *args, *([] if summaries else ["--no-summary"])], env=env)
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


def _summarised() -> Comparison:
    text = "Each agency must designate a Chief AI Officer within 60 days."
    chunk = Chunk("memo:1", "us-omb-m-25-21-2025", "OMB M-25-21", "us", 3, 3, "Sec. 3", 0, len(text), text)
    facts = (DocumentFacts("us-omb-m-25-21-2025", "OMB M-25-21", "agency memorandum", "2025-04-03"),)
    sentence = AnswerSentence(text, (1,), 1.0, True)
    citation = Citation(1, Passage(chunk, 1.0, 1), text)
    shown = Column("us", "United States", True, (sentence,), (citation,), None, facts, 0.9,
                   summary=Summary("Agencies name a Chief AI Officer within 60 days.", (1,), "llm (m)", 900.0))
    dropped = Column("eu", "European Union", True, (sentence,), (citation,), None, facts, 0.9,
                     summary=Summary("", (), "llm (m)", 800.0, "not supported by the cited passages"))
    return Comparison("Chief AI Officers", (shown, dropped), 1.0, "summaries written by llm (m)")


def test_every_format_carries_a_shown_summary_and_says_when_one_was_dropped() -> None:
    comparison = _summarised()
    text = to_text(comparison)
    assert "  Summary: Agencies name a Chief AI Officer within 60 days. [1]" in text
    assert "(no summary: not supported by the cited passages)" in text and "summaries written by llm (m)" in text
    markdown = to_markdown(comparison)
    assert "Summary: Agencies name a Chief AI Officer within 60 days. [1]<br>" in markdown
    assert markdown.endswith("*summaries written by llm (m)*")
    rows = list(csv.DictReader(io.StringIO(to_csv(comparison))))
    assert {r["summary"] for r in rows} == {"Agencies name a Chief AI Officer within 60 days. [1]", ""}
    page = to_html(comparison)
    assert "<p class=summary>Agencies name a Chief AI Officer within 60 days. <sup>[1]</sup></p>" in page
    assert "(no summary: not supported by the cited passages)" in page
    data = comparison.to_dict()
    assert data["summaries"] == "summaries written by llm (m)"
    assert data["columns"][0]["summary"]["text"].startswith("Agencies") and data["columns"][1]["summary"]["dropped"]


@pytest.mark.llm
def test_with_a_model_installed_json_carries_each_column_summary(built_settings: Settings,
                                                                 smollm_model: Path) -> None:
    env = {"POLICYQA_LLM_LOCAL_MODEL": "smollm2-135m", "POLICYQA_MODEL_DIR": str(smollm_model.parent)}
    data = json.loads(_compare(built_settings, TOPIC, "--jurisdictions", "us,japan", "--json", summaries=True,
                               env=env))
    assert data["summaries"] == "summaries written by llm (smollm2-135m)"
    us, japan = data["columns"]
    assert us["summary"]["writer"] == "llm (smollm2-135m)" and (us["summary"]["text"] or us["summary"]["dropped"])
    assert japan["summary"] is None  # not addressed: nothing to sum up
    skipped = json.loads(_compare(built_settings, TOPIC, "--jurisdictions", "us", "--json", env=env))
    assert skipped["summaries"] == "" and skipped["columns"][0]["summary"] is None


def test_without_a_model_compare_still_answers_and_says_how_to_install_one(built_settings: Settings,
                                                                         tmp_path: Path) -> None:
    env = {"POLICYQA_MODEL_DIR": str(tmp_path), "POLICYQA_LLM_BASE_URL": "", "POLICYQA_LLM_GGUF_PATH": ""}
    out = _compare(built_settings, TOPIC, "--jurisdictions", "us", summaries=True, env=env)
    assert "== United States (" in out and "no summaries: " in out and "policyqa model install" in out
