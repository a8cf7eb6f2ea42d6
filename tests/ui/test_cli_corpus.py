"""`policyqa corpus sync` and `policyqa corpus list` run through click's CliRunner on real files."""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ingest.manifest import load_manifest
from ingest.models import SourceEntry
from tests.conftest import registry_tables
from ui.cli import main

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SMALL_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
    "us-eo-14179-2025.md",
)


@pytest.fixture(autouse=True)
def isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A policyqa.toml or ../shared/corpus beside the repo must not leak into these runs.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def small_entries() -> list[SourceEntry]:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    by_file = {e.file: e for e in load_manifest(REPO / "corpus" / "sources.toml")}
    # URLs nobody answers: a test that reaches the network path fails fast instead of downloading.
    return [dataclasses.replace(by_file[name], url=closed_port_url(name)) for name in SMALL_FILES]


def closed_port_url(name: str) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"


def write_manifest(path: Path, entries: list[SourceEntry]) -> Path:
    # JSON string literals are valid TOML basic strings.
    blocks = [
        "[[document]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in dataclasses.asdict(e).items())
        for e in entries
    ]
    path.write_text(registry_tables() + "\n".join(blocks), encoding="utf-8")
    return path


def run(args: list[str], manifest: Path, corpus_dir: Path, mirror_env: str | None = None) -> Result:
    env = {"POLICYQA_MANIFEST_PATH": str(manifest), "POLICYQA_CORPUS_MIRROR": mirror_env,
           "POLICYQA_DOWNLOAD_RETRIES": "1"}
    return CliRunner().invoke(main, ["--corpus-dir", str(corpus_dir), *args], env=env)


def test_sync_from_mirror_prints_a_line_per_document_and_a_summary(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    manifest = write_manifest(tmp_path / "sources.toml", small_entries)
    result = run(["corpus", "sync", "--from", str(SHARED_CORPUS)], manifest, tmp_path / "docs")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines[1:4]] == [["copied", e.id] for e in small_entries]
    assert lines[-1] == "3 documents: 3 copied"
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == sorted(SMALL_FILES)


def test_sync_exits_1_when_a_document_fails_and_still_syncs_the_others(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for entry in small_entries[:2]:
        shutil.copyfile(SHARED_CORPUS / entry.file, mirror / entry.file)
    manifest = write_manifest(tmp_path / "sources.toml", small_entries)
    result = run(["corpus", "sync", "--from", str(mirror)], manifest, tmp_path / "docs")
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and small_entries[2].id in failed[0] and small_entries[2].url in failed[0]
    assert result.stdout.splitlines()[-1] == "3 documents: 2 copied, 1 failed"


def test_sync_takes_the_mirror_from_the_environment(tmp_path: Path, small_entries: list[SourceEntry]) -> None:
    manifest = write_manifest(tmp_path / "sources.toml", small_entries)
    result = run(["corpus", "sync"], manifest, tmp_path / "docs", mirror_env=str(SHARED_CORPUS))
    assert result.exit_code == 0, result.output
    assert f"mirror {SHARED_CORPUS}" in result.stdout.splitlines()[0]


def test_sync_defaults_to_the_shared_corpus_beside_the_working_directory(
    tmp_path: Path, small_entries: list[SourceEntry], isolated_cwd: Path
) -> None:
    shutil.copytree(SHARED_CORPUS, tmp_path / "shared" / "corpus", ignore=shutil.ignore_patterns("*.pdf"))
    manifest = write_manifest(tmp_path / "sources.toml", small_entries)
    result = run(["corpus", "sync"], manifest, tmp_path / "docs")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "3 documents: 3 copied"


def test_sync_of_the_real_manifest_copies_and_verifies_all_13_documents(tmp_path: Path) -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    result = run(["corpus", "sync", "--from", str(SHARED_CORPUS)], REPO / "corpus" / "sources.toml",
                 tmp_path / "docs")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "13 documents: 13 copied"
    again = run(["corpus", "sync", "--from", str(SHARED_CORPUS)], REPO / "corpus" / "sources.toml",
                tmp_path / "docs")
    assert again.stdout.splitlines()[-1] == "13 documents: 13 present"


def test_list_shows_present_missing_modified_and_extra(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    present, missing, modified = small_entries
    shutil.copyfile(SHARED_CORPUS / present.file, docs / present.file)
    (docs / modified.file).write_text("my edits\n", encoding="utf-8")
    (docs / "audit-notes.md").write_text("# Internal AI Audit Notes\n\nText.\n", encoding="utf-8")
    manifest = write_manifest(tmp_path / "sources.toml", small_entries)

    result = run(["corpus", "list"], manifest, docs)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "ID", "JURISDICTION", "INSTRUMENT", "DATE", "FILE", "TITLE"]
    rows = {line.split()[1]: line for line in lines[1:-1]}
    assert rows[present.id].split()[:3] == ["present", present.id, present.jurisdiction]
    assert f"  {present.instrument}  {present.date}  {present.file}  " in rows[present.id]
    assert rows[missing.id].startswith("missing")
    assert rows[modified.id].startswith("modified")
    assert rows["audit-notes"].split()[:4] == ["extra", "audit-notes", "unknown", "audit-notes.md"]  # no instrument
    assert rows["audit-notes"].endswith("Internal AI Audit Notes")
    assert lines[-1] == f"4 documents in {docs}: 1 present, 1 missing, 1 modified, 1 extra"


def test_list_json_gives_every_field(tmp_path: Path, small_entries: list[SourceEntry]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "extra.txt").write_text("\nA Plain Title\nmore\n", encoding="utf-8")
    manifest = write_manifest(tmp_path / "sources.toml", small_entries[:1])
    result = run(["corpus", "list", "--json"], manifest, docs)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["status"], r["id"]) for r in rows] == [("missing", small_entries[0].id), ("extra", "extra")]
    assert rows[0]["title"] == small_entries[0].title and rows[0]["sha256"] == small_entries[0].sha256
    assert rows[0]["instrument"] == small_entries[0].instrument and rows[0]["date"] == small_entries[0].date
    assert rows[1]["title"] == "A Plain Title" and rows[1]["path"] == str(docs / "extra.txt")


def test_a_bad_manifest_is_reported_with_its_path(tmp_path: Path) -> None:
    manifest = tmp_path / "sources.toml"
    manifest.write_text('[[document]]\nid = "x"\n', encoding="utf-8")
    result = run(["corpus", "list"], manifest, tmp_path / "docs")
    assert result.exit_code == 1
    assert f"{manifest}: document #1 (id 'x'): missing key 'file'" in result.stderr


def test_corpus_facts_sets_an_uploaded_documents_facts_and_corpus_list_shows_them(tmp_path: Path) -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(SHARED_CORPUS / "us-eo-14179-2025.md", docs / "removing-barriers.md")
    shutil.copyfile(SHARED_CORPUS / SMALL_FILES[0], docs / SMALL_FILES[0])
    manifest = REPO / "corpus" / "sources.toml"
    data = ["--data-dir", str(tmp_path / "data")]

    shown = run([*data, "corpus", "facts", "removing-barriers"], manifest, docs)
    assert shown.exit_code == 0 and "Jurisdiction:     unknown" in shown.stdout, shown.output
    saved = run([*data, "corpus", "facts", "removing-barriers", "--jurisdiction", "us", "--instrument",
                 "executive order", "--date", "2025-01-23", "--issuer", "The White House"], manifest, docs)
    assert saved.exit_code == 0, saved.output
    assert "Saved the facts of removing-barriers." in saved.stdout and "Jurisdiction:     us" in saved.stdout
    # the title not given stays the one read from the file
    assert "Title:            Removing Barriers to American Leadership in Artificial Intelligence" in saved.stdout

    listed = json.loads(run([*data, "corpus", "list", "--json"], manifest, docs).stdout)
    order = next(row for row in listed if row["id"] == "removing-barriers")
    assert (order["status"], order["jurisdiction"], order["instrument"], order["date"], order["issuer"]) == (
        "extra", "us", "executive order", "2025-01-23", "The White House")
    table = run([*data, "corpus", "list"], manifest, docs).stdout
    assert any(line.startswith("extra") and "us" in line.split() and "2025-01-23" in line
               for line in table.splitlines()), table

    refused = run([*data, "corpus", "facts", "removing-barriers", "--date", "next week", "--url", "ftp://x"],
                  manifest, docs)
    assert refused.exit_code == 1
    assert "Date: 'next week' is not a date of the form yyyy-mm-dd" in refused.output
    assert "Official URL: 'ftp://x' is not an http:// or https:// address" in refused.output
    manifest_doc = run([*data, "corpus", "facts", SMALL_FILES[0].removesuffix(".md"), "--jurisdiction", "us"],
                       manifest, docs)
    assert manifest_doc.exit_code == 1 and "is a document of the default corpus" in manifest_doc.output
