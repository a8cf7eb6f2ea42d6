"""`policyqa crosswalk` through click's CliRunner over a copy of the session's index: the grid, `--out` (HTML,
Markdown, CSV), JSON by jurisdiction, the cache on a second run, frames listed and an unknown one refused, and
document text escaped in the page."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cited_evidence import Evidence
from assistant.compare import DocumentFacts
from assistant.crosswalk import Cell, Crosswalk, CrosswalkColumn
from assistant.frames import Frame, FrameItem
from assistant.models import AnswerSentence, Citation
from index.models import Passage
from ingest.models import Chunk
from ingest.settings import Settings
from ui.cli import main
from ui.crosswalk_report import to_html, to_markdown

FRAME = Path(__file__).resolve().parents[1] / "frames" / "small.toml"  # two OECD principles


@pytest.fixture(scope="module")
def settings(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session's index copied, so that the crosswalk cache is written beside the copy."""
    root = tmp_path_factory.mktemp("crosswalk")
    shutil.copytree(built_settings.data_dir, root / "data")
    return built_settings.replace(data_dir=root / "data")


@pytest.fixture(scope="module")
def frame_file() -> Path:
    return FRAME


def _crosswalk(settings: Settings, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir),
                                       "crosswalk", *args])
    assert result.exit_code == code, result.output
    return result.output


def test_out_writes_a_page_a_table_and_csv_then_the_cache_serves_the_grid(
        settings: Settings, frame_file: Path, tmp_path: Path) -> None:
    _crosswalk(settings, "--frame", str(frame_file), "--out", str(tmp_path))
    page = (tmp_path / "crosswalk-small-document.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "http" not in page.split("<body>")[0]
    assert "<script" not in page  # the heatmap opens cells by links, not script
    for target in set(re.findall(r"href='#(cell-\d+-\d+)'", page)):
        assert f"id='{target}'" in page
    assert len(re.findall(r"href='#cell-", page)) == 2 * 13

    table = [line for line in (tmp_path / "crosswalk-small-document.md").read_text().splitlines()
             if line.startswith("|")]
    assert len(table) == 4 and table[0].startswith("| item | eu-ai-act-2024-1689 |")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "crosswalk-small-document.csv").read_text())))
    assert {r["item"] for r in rows} == {"1.3", "2.4"}
    assert all(r["doc_id"] == r["column"] for r in rows if r["doc_id"])
    assert {r["level"] for r in rows} <= {"strong", "partial", "not addressed"}

    grid = _crosswalk(settings, "--frame", str(frame_file))
    assert "from the cache" in grid and "1.3" in grid and "eu-ai-act-2024-1689 (binding law (regulation))" in grid


def test_json_by_jurisdiction_has_a_cell_per_item_and_jurisdiction(settings: Settings, frame_file: Path) -> None:
    data = json.loads(_crosswalk(settings, "--frame", str(frame_file), "--by", "jurisdiction", "--json"))
    assert [c["key"] for c in data["columns"]] == ["eu", "us", "oecd", "japan", "g7"]
    assert len(data["cells"]) == 2 * 5 and data["frame"]["id"] == "small"
    for cell in data["cells"]:
        assert all(c["jurisdiction"] == cell["column"] for c in cell["citations"])
        assert cell["level"] == "not addressed" or cell["citations"]


def test_frames_are_listed_and_an_unknown_one_is_refused(settings: Settings) -> None:
    listed = _crosswalk(settings, "--list")
    assert "oecd-ai-principles\t10 items" in listed and "nist-ai-rmf-trustworthiness\t7 items" in listed
    refused = _crosswalk(settings, "--frame", "unesco", code=1)
    assert "valid frames are: nist-ai-rmf-trustworthiness, oecd-ai-principles" in refused


def test_page_and_markdown_escape_document_and_frame_text() -> None:
    text = 'Bots must log <script>alert("x")</script> every reply.'
    hostile = Chunk("doc:1", "doc", "<b>T</b>", "eu", 1, 1, "Article <i>1</i>", 0, len(text), text,
                    url="javascript:alert(2)")
    passage = Passage(hostile, 1.0, 1)
    shown = AnswerSentence(text, (1,), 1.0, True)
    addressed = Evidence(True, (shown,), (Citation(1, passage, text),), None, 0.7, "", 1.0)
    empty = Evidence(False, (), (), passage, 0.1, "weak")
    frame = Frame("f", "<img src=x onerror=alert(1)>", (FrameItem("a", "<u>Logs</u>", "s"),
                                                         FrameItem("b", "Other | thing", "s")))
    column = CrosswalkColumn("doc", "<b>T</b>", (DocumentFacts("doc", "<b>T</b>", "report", "2026-01-01"),))
    walk = Crosswalk(frame, "document", (column,), ((Cell("a", "doc", addressed),), (Cell("b", "doc", empty),)),
                     "v1", 1.0)
    page = to_html(walk)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<img" not in page and "<u>" not in page
    assert "javascript:" not in page  # an unsafe official URL is not linked
    assert "<mark>" in page  # the quote is marked in its passage
    markdown = to_markdown(walk)
    assert "<script>" not in markdown and "Other \\| thing" in markdown
