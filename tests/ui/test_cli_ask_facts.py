"""A running answer server answers with the document facts saved since it loaded the index: `policyqa ask`
never prints an uploaded document under the facts it had before they were edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from index.embed import Embedder
from ingest.fact_edits import save_fact_edit
from ingest.settings import Settings, load_settings
from tests.conftest import ORDER_FACTS, order_corpus_settings
from ui.answer_service.server import AnswerServer
from ui.cli import main

QUESTION = "Which AI policies does the order revoke as barriers to innovation?"


@pytest.fixture
def settings(tmp_path: Path, shared_corpus: Path, small_cache: Path, session_embedder: Embedder) -> Settings:
    built = order_corpus_settings(tmp_path, shared_corpus, small_cache, session_embedder)
    return load_settings(overrides={"data_dir": built.data_dir, "corpus_dir": built.corpus_dir,
                                    "manifest_path": built.manifest_path})


def _ask(settings: Settings) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--corpus-dir",
                                       str(settings.corpus_dir), "ask", "--jurisdiction", "us", QUESTION],
                                env={"POLICYQA_MANIFEST_PATH": str(settings.manifest_path)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_server_loads_facts_saved_since_and_answers_with_them(settings: Settings,
                                                                    server: AnswerServer) -> None:
    loaded = server.index_version
    save_fact_edit(settings, "removing-barriers", ORDER_FACTS)
    answer = _ask(settings)
    assert server.answered == 1 and server.index_version != loaded and "+facts:" in server.index_version
    assert f"{ORDER_FACTS['title']} (executive order, 2025-01-23)" in answer, answer
