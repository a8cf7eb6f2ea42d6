"""The assistant over the session's index of the whole default corpus, loaded once (the answer models'
fixtures are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from assistant.pipeline import Assistant
from index.embed import Embedder
from ingest.settings import Settings


@pytest.fixture(scope="session")
def assistant(built_settings: Settings, session_embedder: Embedder) -> Assistant:
    return Assistant.load(built_settings, embedder=session_embedder)
