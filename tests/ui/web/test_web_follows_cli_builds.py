"""A running web app notices an index version that a CLI build (another process) published, and answers the
next request from it, without a restart."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from assistant.pipeline import Assistant
from index.build import build_index
from index.embed import Embedder
from index.layout import CACHE_FILE, current_version_dir
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings
from tests.conftest import MANIFEST
from tests.ui.conftest import cli_build

FIRST = "g7-leaders-statement-hiroshima-ai-process-2023.md"
LATER = "japan-ai-basic-plan-trustworthy-ai-2026.txt"
QUESTION = "What is the goal of Japan's AI Basic Plan?"
LATER_TITLE = "Japan's AI Basic Plan"


def ask(url: str) -> str:
    """The Markdown of the answer to QUESTION, through the app's /ask API."""
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
    try:
        outputs: Any = client.predict(QUESTION, [], 5, [], [], "extractive", api_name="/ask")
    finally:
        client.close()
    return str(outputs[6])


def test_the_app_answers_from_the_version_a_cli_build_published_since(
        tmp_path: Path, shared_corpus: Path, small_cache: Path, session_embedder: Embedder, serve: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(shared_corpus / FIRST, corpus / FIRST)
    settings = Settings(corpus_dir=corpus, manifest_path=MANIFEST, data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    shutil.copyfile(small_cache, settings.data_dir / CACHE_FILE)
    build_index(settings, files_to_ingest(settings), embedder=session_embedder)
    first_version = current_version_dir(settings.index_dir)

    from ui.web import create_app

    url = serve(create_app(settings, Assistant.load(settings, embedder=session_embedder)), settings)
    before = ask(url)
    assert before and LATER_TITLE not in before

    shutil.copyfile(shared_corpus / LATER, corpus / LATER)
    built = cli_build(settings)
    assert built.returncode == 0 and "1 added" in built.stdout, built.stdout + built.stderr
    assert current_version_dir(settings.index_dir) != first_version

    after = ask(url)  # the next request, same app, no restart
    assert LATER_TITLE in after, after
