"""A GGUF model run in-process by llama.cpp (llama-cpp-python), loaded on first use and kept for the next one.

>>> chat = LocalChat(Path("~/.cache/policyqa/models/qwen2.5-coder-1.5b.gguf"), "qwen2.5-coder-1.5b",
...                  LocalLimits(n_ctx=2048, n_threads=2))  # doctest: +SKIP
>>> "".join(chat.stream((ChatMessage("user", "Say hello"),), max_tokens=8))  # doctest: +SKIP
'Hello!'

llama.cpp keeps the evaluated tokens of the last prompt and skips the prefix a new prompt shares with it, so
callers keep their system prompt byte-identical across questions; a RAM cache of states also restores that
prefix after a different prompt came in between.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.chat.base import ChatMessage, LLMNotConfiguredError

GGUF_MAGIC = b"GGUF"
# Room for a few saved prompt states (about 30 KB a token for a 1.5B model), so that prompts taking turns do not
# lose their cached prefix.
STATE_CACHE_BYTES = 512 << 20


@dataclass(frozen=True)
class LocalLimits:
    n_ctx: int  # tokens of prompt and answer together
    n_threads: int  # llama.cpp's own default is half the cores: 1 on a 2-core machine


class LocalChat:
    def __init__(self, path: Path, name: str, limits: LocalLimits) -> None:
        path = path.expanduser()
        if not path.is_file():
            raise LLMNotConfiguredError(f"GGUF model file {path} does not exist")
        with open(path, "rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise LLMNotConfiguredError(f"{path} is not a GGUF model file (it does not start with GGUF)")
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise LLMNotConfiguredError("llama-cpp-python is not installed: pip install 'policyqa[llm]'") from exc
        self.name = name
        self.path = path
        self.limits = limits
        self._llama: Any = None

    @property
    def loaded_model(self) -> Any:
        """The llama.cpp model once the first question loaded it, else None."""
        return self._llama

    def _model(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama, LlamaRAMCache

            self._llama = Llama(model_path=str(self.path), n_ctx=self.limits.n_ctx, n_threads=self.limits.n_threads,
                                n_threads_batch=self.limits.n_threads, verbose=False)
            self._llama.set_cache(LlamaRAMCache(capacity_bytes=STATE_CACHE_BYTES))
        return self._llama

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int) -> Iterator[str]:
        events = self._model().create_chat_completion(
            messages=[{"role": m.role, "content": m.content} for m in messages], stream=True,
            max_tokens=max_tokens, temperature=0.0)
        try:
            for event in events:
                piece = event["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece
        finally:
            events.close()  # a caller that stops reading stops the decoding
