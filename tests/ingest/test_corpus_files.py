"""Which files the settings ask to ingest, with which facts, and the chunk sizes they set."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from ingest.chunk import ChunkingParams
from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.corpus_status import sha256_file
from ingest.errors import ManifestError
from ingest.manifest import load_manifest
from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[2]
PRESENT = "g7-leaders-statement-hiroshima-ai-process-2023.md"
MODIFIED = "japan-ai-basic-plan-trustworthy-ai-2026.txt"
MISSING = "us-eo-14179-2025.md"


@pytest.fixture
def settings(tmp_path: Path, shared_corpus: Path) -> Settings:
    """A corpus folder with one manifest document as listed, one modified, one missing, and one extra."""
    folder = tmp_path / "documents"
    folder.mkdir()
    shutil.copyfile(shared_corpus / PRESENT, folder / PRESENT)
    (folder / MODIFIED).write_text((shared_corpus / MODIFIED).read_text(encoding="utf-8") + "\nEdited.\n",
                                   encoding="utf-8")
    (folder / "my-notes.md").write_text("# My notes on AI policy\n\nSome text.\n", encoding="utf-8")
    (folder / ".hidden.md").write_text("# Hidden\n", encoding="utf-8")
    by_file = {e.file: e for e in load_manifest(REPO / "corpus" / "sources.toml")}
    manifest = tmp_path / "sources.toml"
    tables = [
        "[[document]]\n"
        + "".join(f"{k} = {json.dumps(v)}\n" for k, v in dataclasses.asdict(by_file[name]).items())
        for name in (MISSING, MODIFIED, PRESENT)
    ]
    manifest.write_text("\n".join(tables), encoding="utf-8")
    return Settings(corpus_dir=folder, manifest_path=manifest)


def test_manifest_documents_in_the_folder_come_first_then_extras(settings: Settings) -> None:
    files = files_to_ingest(settings)
    assert [path.name for path, _ in files] == [MODIFIED, PRESENT, "my-notes.md"]
    assert all(path.parent == settings.corpus_dir for path, _ in files)
    assert sha256_file(files[0][0]) != files[0][1].sha256  # modified documents are ingested as they are
    extra = files[-1][1]
    assert (extra.id, extra.title, extra.jurisdiction) == ("my-notes", "My notes on AI policy", "unknown")
    assert files[1][1].jurisdiction == "g7"


def test_extras_can_be_left_out(settings: Settings) -> None:
    assert [path.name for path, _ in files_to_ingest(settings, include_extras=False)] == [MODIFIED, PRESENT]


def test_without_a_manifest_every_document_of_the_folder_is_an_extra(settings: Settings,
                                                                     tmp_path: Path) -> None:
    files = files_to_ingest(settings.replace(manifest_path=tmp_path / "absent.toml"))
    assert sorted(entry.id for _, entry in files) == sorted(
        ["my-notes", Path(MODIFIED).stem, Path(PRESENT).stem])


def test_an_invalid_manifest_is_an_error(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[document]]\nid = 3\n", encoding="utf-8")
    with pytest.raises(ManifestError):
        files_to_ingest(settings.replace(manifest_path=broken))


def test_chunking_params_come_from_the_settings() -> None:
    settings = Settings().replace(chunk_target_tokens=100, chunk_max_tokens=150, chunk_overlap_tokens=10,
                                  chunk_min_tokens=20)
    assert chunking_params(settings) == ChunkingParams(target_tokens=100, max_tokens=150, overlap_tokens=10,
                                                       min_tokens=20)
    assert chunking_params(Settings()) == ChunkingParams(
        target_tokens=Settings.chunk_target_tokens, max_tokens=Settings.chunk_max_tokens,
        overlap_tokens=Settings.chunk_overlap_tokens, min_tokens=Settings.chunk_min_tokens)
