"""A killed build keeps its embedding work (vectors reach the cache as they are made) and the next build
removes what it left behind (CURRENT.tmp, version folders without a manifest)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index
from index.cache import EmbeddingCache, embed_with_cache
from index.embed import Embedder
from index.layout import CACHE_FILE, CURRENT_FILE, MANIFEST_FILE, VERSIONS_DIR, current_version_dir
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings
from tests.index.conftest import copy_documents

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"

# More chunks than one save of the cache (index.cache.SAVE_EVERY, 256)
DOCS = ("oecd-ai-recommendation-2019.txt", "us-eo-14179-2025.md", "japan-ai-basic-plan-trustworthy-ai-2026.txt",
        "us-eo-14110-2023.pdf")


@pytest.fixture
def fresh_settings(tmp_path: Path, shared_corpus: Path) -> Settings:
    """Four documents, an empty data folder and an empty embedding cache."""
    return Settings(corpus_dir=copy_documents(shared_corpus, tmp_path / "corpus", DOCS),
                    manifest_path=tmp_path / "absent.toml", data_dir=tmp_path / "data")


class Died(Exception):
    """Stands for the build's process dying in the middle of embedding."""


def test_vectors_reach_the_cache_as_they_are_made(tmp_path: Path, session_embedder: Embedder) -> None:
    texts = [f"Article {n}: providers of high-risk AI systems shall keep logs." for n in range(40)]
    cache = EmbeddingCache(tmp_path / "cache.sqlite", session_embedder.fingerprint)
    calls = []

    def dies_on_the_third_slice(part: list[str]) -> np.ndarray:
        calls.append(len(part))
        if len(calls) == 3:
            raise Died
        return session_embedder.encode(part)

    with pytest.raises(Died):
        embed_with_cache(texts, cache, dies_on_the_third_slice, save_every=10)
    vectors, embedded = embed_with_cache(texts, cache, session_embedder.encode, save_every=10)
    assert embedded == 20  # the 20 texts saved before the "death" were not embedded again
    assert np.allclose(vectors, session_embedder.encode(texts), atol=1e-5)
    cache.close()


@pytest.mark.slow  # embeds four documents from an empty cache, about 80 s
def test_a_killed_build_leaves_its_vectors_and_the_next_build_cleans_up(fresh_settings: Settings,
                                                                        session_embedder: Embedder) -> None:
    settings = fresh_settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update(HF_HUB_OFFLINE="1", POLICYQA_MANIFEST_PATH=str(settings.manifest_path))
    command = [sys.executable, "-c", "from ui.cli import main; main()", "--data-dir", str(settings.data_dir),
               "--corpus-dir", str(settings.corpus_dir), "index", "build", "--full"]
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[2], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cache_path = settings.data_dir / CACHE_FILE
    saved = 0
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline and saved == 0:
        time.sleep(0.05)
        if cache_path.exists():
            try:
                with sqlite3.connect(cache_path, timeout=1) as connection:
                    saved = connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
            except sqlite3.OperationalError:  # the table is being created
                pass
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert saved > 0, "no vector reached the cache before the build was killed"

    # what a build killed while writing or publishing leaves
    partial = settings.index_dir / VERSIONS_DIR / "20260101T000000000000Z"
    partial.mkdir(parents=True)
    (partial / "chunks.jsonl").write_text("", encoding="utf-8")
    (settings.index_dir / f"{CURRENT_FILE}.tmp").write_text("20260101T000000000000Z", encoding="utf-8")

    report = build_index(settings, files_to_ingest(settings), embedder=session_embedder)
    assert 0 < saved < report.chunks  # killed in the middle of embedding
    assert report.embedded <= report.chunks - saved  # what the killed build saved is not embedded again
    assert not partial.exists() and not (settings.index_dir / f"{CURRENT_FILE}.tmp").exists()
    current = current_version_dir(settings.index_dir)
    assert current is not None and (current / MANIFEST_FILE).exists()
    assert [p.name for p in (settings.index_dir / VERSIONS_DIR).iterdir()] == [current.name]
