"""Shared test fixtures: where the real corpus lives, and the default corpus ingested once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.pipeline import IngestResult, ingest_files
from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
MANIFEST = REPO / "corpus" / "sources.toml"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The folder of real corpus documents beside the repository; tests that need it skip without it."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def corpus_settings(shared_corpus: Path) -> Settings:
    """Default settings pointed at the shared corpus and the repository's manifest."""
    return Settings(corpus_dir=shared_corpus, manifest_path=MANIFEST)


@pytest.fixture(scope="session")
def ingested_corpus(corpus_settings: Settings) -> IngestResult:
    """Every manifest document of the shared corpus, ingested once for the whole session."""
    files = files_to_ingest(corpus_settings, include_extras=False)
    return ingest_files(files, chunking_params(corpus_settings))
