"""Shared test fixtures: where the real corpus lives, the default corpus ingested once per session, and an
index of the whole default corpus built once per session. A test that uses either whole-corpus fixture (itself
or through another fixture) is marked `corpus`: `pytest -m "not corpus"` is the fast tier, tests of mechanics
on small corpora."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import Embedder
from index.layout import CACHE_FILE
from index.local_models import find_model, install_model, model_folder
from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.manifest import load_manifest, load_registry
from ingest.pipeline import IngestResult, ingest_files
from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
ALT_CORPUS = REPO.parent / "shared" / "corpus-alt"  # other editions of corpus documents (HTML, a print PDF)
MANIFEST = REPO / "corpus" / "sources.toml"
REGISTRY = load_registry(MANIFEST)  # the default corpus's jurisdictions and secondary documents
# Every Markdown and text document of the corpus, and one short PDF: the small corpus of the fast tier.
SMALL_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
    "oecd-ai-recommendation-2019.txt",
    "oecd-ai-recommendation-2024.md",
    "us-eo-14179-2025.md",
    "us-eo-2025-12-11-national-ai-policy-framework.md",
    "us-eo-14110-2023.pdf",
)
# The fixtures that ingest or index the whole default corpus (minutes, once per session).
WHOLE_CORPUS_FIXTURES = frozenset({"ingested_corpus", "built_settings"})


def registry_tables() -> str:
    """The default manifest's `[[jurisdiction]]` tables, for a test's own manifest whose documents use them."""
    text = MANIFEST.read_text(encoding="utf-8")
    return text[:text.index("[[document]]")]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `corpus` every test whose fixtures (with the fixtures they use) include a whole-corpus one."""
    for item in items:
        if WHOLE_CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The folder of real corpus documents beside the repository; tests that need it skip without it."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def alt_corpus() -> Path:
    """Other editions of corpus documents (the EU AI Act's HTML, a White House print of EO 14179)."""
    if not ALT_CORPUS.is_dir():
        pytest.skip(f"other editions not found at {ALT_CORPUS}")
    return ALT_CORPUS


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
    return Embedder.for_settings(Settings())


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


def copy_documents(shared_corpus: Path, corpus_dir: Path, names: tuple[str, ...] = SMALL_FILES) -> Path:
    """Writable copies of some corpus documents in `corpus_dir`."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(shared_corpus / name, corpus_dir / name)
    return corpus_dir


@pytest.fixture(scope="session")
def small_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path,
                session_embedder: Embedder) -> Path:
    """An embedding cache that holds every chunk of SMALL_FILES: the whole-corpus build's when the session
    makes that build anyway, else that of a build of the small corpus kept in pytest's cache folder between runs
    (vectors are keyed by model fingerprint and text, so a kept one is always right; only the first run embeds)."""
    if any("built_settings" in getattr(item, "fixturenames", ()) for item in request.session.items):
        return Path(request.getfixturevalue("built_settings").data_dir) / CACHE_FILE
    root = tmp_path_factory.mktemp("small")
    settings = Settings(corpus_dir=copy_documents(shared_corpus, root / "corpus"), manifest_path=MANIFEST,
                        data_dir=request.config.cache.mkdir("policyqa-small-corpus"))
    build_index(settings, files_to_ingest(settings), embedder=session_embedder)
    return settings.data_dir / CACHE_FILE


@pytest.fixture
def small_settings(tmp_path: Path, shared_corpus: Path, small_cache: Path) -> Settings:
    """Settings over a writable copy of SMALL_FILES, with an empty index and a seeded embedding cache, so
    rebuilding it embeds only text no earlier build has seen."""
    settings = Settings(corpus_dir=copy_documents(shared_corpus, tmp_path / "corpus"), manifest_path=MANIFEST,
                        data_dir=tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(small_cache, settings.data_dir / CACHE_FILE)
    return settings


# The corpus's EO 14179 under another name, as a user would upload it: the manifest does not list it.
UPLOADED_ORDER = "removing-barriers.md"
ORDER_FACTS = {"title": "Executive Order 14179: Removing Barriers to American Leadership in AI",
               "issuer": "The White House", "jurisdiction": "us", "instrument": "executive order",
               "date": "2025-01-23", "url": "https://www.federalregister.gov/d/2025-02172"}


def order_corpus_settings(root: Path, shared_corpus: Path, small_cache: Path, embedder: Embedder,
                          uploaded: bool = True) -> Settings:
    """Settings over an index of the G7 statement and Japan's plan (embeddings from `small_cache`), with the
    executive order among them as an uploaded file when `uploaded`."""
    settings = Settings(corpus_dir=copy_documents(shared_corpus, root / "corpus", SMALL_FILES[:2]),
                        manifest_path=MANIFEST, data_dir=root / "data")
    if uploaded:
        shutil.copyfile(shared_corpus / "us-eo-14179-2025.md", settings.corpus_dir / UPLOADED_ORDER)
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(small_cache, settings.data_dir / CACHE_FILE)
    report = build_index(settings, files_to_ingest(settings), embedder=embedder)
    assert not report.failures, report
    return settings


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The DSN of a PostgreSQL server with pgvector for this session: POLICYQA_TEST_PG_DSN when set (its user
    must be allowed to create databases and the vector extension), else a throwaway server of our own."""
    given = os.environ.get("POLICYQA_TEST_PG_DSN", "")
    if given:
        yield given
        return
    from tests.pg_server import throwaway_server

    with throwaway_server() as dsn:
        yield dsn


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"policyqa_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield make_conninfo(pg_server, dbname=name)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _installed_model(name: str) -> Path:
    """The model stored in the user's model folder (POLICYQA_MODEL_DIR, else ~/.cache/policyqa/models), installed
    there first when missing, as `policyqa model install NAME` does; a model that cannot be installed fails."""
    folder = model_folder(Path(os.environ["POLICYQA_MODEL_DIR"]) if os.environ.get("POLICYQA_MODEL_DIR") else None)
    path, _ = install_model(find_model(name), folder)
    return path


@pytest.fixture(scope="session")
def smollm_model() -> Path:
    """The test-sized GGUF model (SmolLM2-135M): fast, weak; for mechanics only."""
    return _installed_model("smollm2-135m")


@pytest.fixture(scope="session")
def qwen_model() -> Path:
    """The default answer model's GGUF file (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, 1.12 GB)."""
    return _installed_model("qwen2.5-coder-1.5b")
