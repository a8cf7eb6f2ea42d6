"""Shared test fixtures: where the real corpus lives, the default corpus ingested once per session, and an
index of the whole default corpus built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import Embedder
from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.manifest import load_manifest
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


@pytest.fixture(scope="session")
def session_embedder() -> Embedder:
    """The default embedding model, loaded once: give it to `build_index` and `Searcher.load`."""
    return Embedder.load(Settings().embedder)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path,
                   session_embedder: Embedder) -> Settings:
    """Settings whose data_dir holds an index of the whole default corpus (every manifest document), built
    once per session. Its corpus_dir is a read-only copy of those documents, so `index status` finds nothing
    to do. Treat it as read-only: a test that changes the corpus or the index works on copies."""
    root = tmp_path_factory.mktemp("built")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    for entry in load_manifest(MANIFEST):
        if (shared_corpus / entry.file).is_file():
            shutil.copy2(shared_corpus / entry.file, corpus_dir / entry.file)
            (corpus_dir / entry.file).chmod(0o444)
    settings = Settings(data_dir=root / "data", corpus_dir=corpus_dir, manifest_path=MANIFEST)
    report = build_index(settings, files_to_ingest(settings), embedder=session_embedder)
    assert report.chunks > 0 and not report.failures, report
    return settings
