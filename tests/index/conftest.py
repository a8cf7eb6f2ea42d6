"""Fixtures of the index tests: a small writable copy of the corpus with a data dir whose embedding cache is
seeded (`small_cache`), so rebuilding it embeds only text no earlier build has seen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.layout import CACHE_FILE
from ingest.settings import Settings
from tests.conftest import MANIFEST, SMALL_FILES, copy_documents

__all__ = ["SMALL_FILES", "copy_documents"]  # imported from here by index tests

@pytest.fixture
def small_settings(tmp_path: Path, shared_corpus: Path, small_cache: Path) -> Settings:
    """Settings over a copy of SMALL_FILES, with an empty index and a seeded embedding cache."""
    settings = Settings(corpus_dir=copy_documents(shared_corpus, tmp_path / "corpus"), manifest_path=MANIFEST,
                        data_dir=tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(small_cache, settings.data_dir / CACHE_FILE)
    return settings
