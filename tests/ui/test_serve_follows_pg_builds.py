"""With `vector_store = "pgvector"`, a running answer service (the endpoint `policyqa serve` and `policyqa ui` run,
and the web app's state) follows a build that another process published to PostgreSQL: the next question is
answered from the new rows, without a restart. Against the real server of tests/pg_server.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from assistant.pipeline import Assistant
from index.build import build_index
from index.embed import Embedder
from index.layout import CACHE_FILE
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings, load_settings
from tests.conftest import copy_documents
from tests.ui.conftest import cli_build
from ui.answer_service.server import AnswerServer
from ui.cli import main
from ui.web.state import AppState

DOCUMENT = "g7-leaders-statement-hiroshima-ai-process-2023.md"
# A paragraph the document does not have: only an index built after it was added can return it.
ADDED = ("\n\nThe Leaders further agree that every advanced AI system released after 2027 shall carry a "
         "tamper-evident provenance seal, certified by the Kyoto Verification Office, on each generated image.\n")
QUESTION = "Which office certifies the tamper-evident provenance seal on generated images?"
NEW_TEXT = "Kyoto Verification Office"


def asked(settings: Settings) -> str:
    """The passages' text of `policyqa ask --json QUESTION`, asked with the flags a user gives."""
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir),
                                       "--vector-store", "pgvector", "--pg-dsn", settings.pg_dsn,
                                       "ask", "--json", QUESTION])
    assert result.exit_code == 0, result.output
    return " ".join(p["text"] for p in json.loads(result.stdout)["passages"])


def test_the_service_answers_from_the_build_another_process_published_to_postgres(
        tmp_path: Path, shared_corpus: Path, small_cache: Path, pg_dsn: str, session_embedder: Embedder) -> None:
    corpus = copy_documents(shared_corpus, tmp_path / "corpus", (DOCUMENT,))
    # the settings the CLI's flags make, so that the service answers the CLI's `ask`
    settings = load_settings(overrides={"data_dir": tmp_path / "data", "corpus_dir": corpus,
                                        "vector_store": "pgvector", "pg_dsn": pg_dsn})
    settings.data_dir.mkdir()
    shutil.copyfile(small_cache, settings.data_dir / CACHE_FILE)
    assert build_index(settings, files_to_ingest(settings), embedder=session_embedder).status == "built"
    assert not (settings.index_dir / "CURRENT").exists()  # the index is in Postgres, not in the data dir

    assistant = Assistant.load(settings, embedder=session_embedder)
    web = AppState(settings, assistant)
    with AnswerServer(settings, assistant) as server:
        first = server.index_version
        assert first.startswith("pg-") and NEW_TEXT not in asked(settings)
        assert server.answered == 1

        with (corpus / DOCUMENT).open("a", encoding="utf-8") as handle:
            handle.write(ADDED)
        built = cli_build(settings, "--vector-store", "pgvector", "--pg-dsn", pg_dsn)
        assert built.returncode == 0 and "1 changed" in built.stdout, built.stdout + built.stderr

        assert NEW_TEXT in asked(settings)  # the next question, same service, no restart
        assert server.answered == 2 and server.index_version not in ("", first)

    followed = web.assistant  # the web app's next request
    assert followed is not assistant and followed.searcher.version == server.index_version
    assert NEW_TEXT in " ".join(p.chunk.text for p in followed.searcher.search(QUESTION, k=5))
