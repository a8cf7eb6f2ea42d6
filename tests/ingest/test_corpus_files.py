"""Which files the settings ask to ingest, with which facts, and the chunk sizes they set."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from ingest.chunk import ChunkingParams
from ingest.corpus_files import chunking_params, files_to_ingest, select_corpus_files
from ingest.corpus_status import sha256_file
from ingest.errors import ManifestError
from ingest.manifest import load_manifest
from ingest.settings import Settings
from tests.conftest import registry_tables

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
    manifest.write_text(registry_tables() + "\n".join(tables), encoding="utf-8")
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


def test_links_out_of_the_corpus_folder_and_special_files_are_refused_with_a_reason(tmp_path: Path,
                                                                                     settings: Settings) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = settings.corpus_dir
    (folder / "escape.txt").symlink_to(outside)
    (folder / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (folder / "inside.md").symlink_to(folder / "my-notes.md")  # a link that stays inside is a document
    os.mkfifo(folder / "pipe.txt")
    selection = select_corpus_files(settings)
    names = [path.name for path, _ in selection.files]
    assert "escape.txt" not in names and "dangling.md" not in names and "pipe.txt" not in names
    assert "inside.md" in names and "my-notes.md" in names
    assert sorted(selection.refused) == [
        "dangling.md: skipped: a link to nothing",
        "escape.txt: skipped: a link or path that leads outside the corpus folder",
        "pipe.txt: skipped: not a regular file"]


def test_a_manifest_document_that_is_a_link_out_of_the_folder_is_refused(tmp_path: Path,
                                                                         settings: Settings,
                                                                         shared_corpus: Path) -> None:
    (settings.corpus_dir / PRESENT).unlink()
    (settings.corpus_dir / PRESENT).symlink_to(shared_corpus / PRESENT)  # same bytes, outside the folder
    selection = select_corpus_files(settings)
    assert PRESENT not in [path.name for path, _ in selection.files]
    assert selection.refused == [f"{PRESENT}: skipped: a link or path that leads outside the corpus folder"]


def test_a_mirror_folders_own_sources_readme_and_licence_are_never_documents(settings: Settings,
                                                                             shared_corpus: Path) -> None:
    shutil.copyfile(shared_corpus / "SOURCES.md", settings.corpus_dir / "SOURCES.md")
    (settings.corpus_dir / "README.md").write_text("# Corpus mirror\n\nWhat this folder holds.\n", encoding="utf-8")
    (settings.corpus_dir / "LICENSE.txt").write_text("Licences of the documents.\n", encoding="utf-8")
    assert [path.name for path, _ in files_to_ingest(settings)] == [MODIFIED, PRESENT, "my-notes.md"]
