"""`policyqa ingest` through click's CliRunner on a small folder of real documents and one bad file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.models import Chunk
from tests.conftest import registry_tables
from ui.cli import main

GOOD_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
)


@pytest.fixture(autouse=True)
def isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A policyqa.toml or corpus/sources.toml in the working directory must not leak into these runs.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in list(os.environ):
        if name.startswith("POLICYQA_"):
            monkeypatch.delenv(name)
    return work


@pytest.fixture
def documents(tmp_path: Path, shared_corpus: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in GOOD_FILES:
        shutil.copyfile(shared_corpus / name, folder / name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return folder


def test_ingest_prints_a_table_an_error_line_and_writes_jsonl(documents: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(main, ["--corpus-dir", str(documents), "ingest", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "PAGES", "CHARACTERS", "CHUNKS", "WARNINGS"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:3]}
    assert set(rows) == {Path(name).stem for name in GOOD_FILES}
    assert all(int(cells[0]) == 1 and int(cells[1]) > 1000 and int(cells[2]) >= 1 for cells in rows.values())
    errors = [line for line in lines if line.startswith("ERROR")]
    assert len(errors) == 1 and errors[0].startswith("ERROR broken.pdf: corrupt PDF")
    summary = [line for line in lines if line.startswith("2 documents, ")]
    assert len(summary) == 1 and "1 failures in " in summary[0] and summary[0].endswith(" s")

    chunks = [Chunk.from_dict(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()]
    total = sum(int(cells[2]) for cells in rows.values())
    assert len(chunks) == total
    assert {c.doc_id for c in chunks} == set(rows)
    assert all(c.text and c.chunk_id.startswith(f"{c.doc_id}:") for c in chunks)


def test_ingest_uses_manifest_facts_for_the_documents_it_names(documents: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "sources.toml"
    manifest.write_text(
        registry_tables() + '[[document]]\nid = "japan-plan"\nfile = "japan-ai-basic-plan-trustworthy-ai-2026.txt"\n'
        'title = "Japan AI Basic Plan"\njurisdiction = "japan"\nsha256 = "' + "0" * 64 + '"\n',
        encoding="utf-8")
    config = tmp_path / "policyqa.toml"
    config.write_text(f"manifest_path = {json.dumps(str(manifest))}\n", encoding="utf-8")
    out = tmp_path / "chunks.jsonl"
    result = CliRunner().invoke(main, ["--config", str(config), "--corpus-dir", str(documents), "ingest",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("japan-plan ")  # manifest documents come first
    chunks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    japan = [c for c in chunks if c["doc_id"] == "japan-plan"]
    assert japan and all(c["title"] == "Japan AI Basic Plan" and c["jurisdiction"] == "japan" for c in japan)


def test_ingest_exits_1_when_no_document_could_be_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "empty.md").write_bytes(b"")
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(main, ["--corpus-dir", str(folder), "ingest", "--out", str(out)])
    assert result.exit_code == 1
    assert "ERROR empty.md: file is empty" in result.stdout
    assert "0 documents, 0 chunks, 1 failures" in result.stdout
    assert not out.exists()


def test_ingest_exits_1_on_an_empty_corpus_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--corpus-dir", str(tmp_path / "nothing-here"), "ingest"])
    assert result.exit_code == 1
    assert "No documents to ingest" in result.output


def test_inconsistent_chunk_settings_are_a_usage_error(documents: Path, tmp_path: Path) -> None:
    config = tmp_path / "policyqa.toml"
    config.write_text("chunk_target_tokens = 300\nchunk_max_tokens = 200\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "--corpus-dir", str(documents), "ingest"])
    assert result.exit_code == 1
    assert "min_tokens <= target_tokens <= max_tokens" in result.output
