"""The assistant over the session's index of the whole default corpus, loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from index.embed import Embedder
from index.local_models import find_model, install_model, model_folder
from ingest.settings import Settings


@pytest.fixture(scope="session")
def assistant(built_settings: Settings, session_embedder: Embedder) -> Assistant:
    return Assistant.load(built_settings, embedder=session_embedder)


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
