"""An OpenAI-compatible chat endpoint through LangChain's `ChatOpenAI`: Ollama, vLLM, a llama.cpp server or a
hosted API.

>>> chat = EndpointChat("http://127.0.0.1:11434/v1", "qwen2.5:1.5b", api_key="", timeout_s=120)  # doctest: +SKIP
>>> "".join(chat.stream((ChatMessage("user", "Say hello"),), max_tokens=8))  # doctest: +SKIP
'Hello!'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.chat.base import ChatMessage, LLMNotConfiguredError

# A local server serves whichever model it loaded; it still wants a model name in the request.
DEFAULT_MODEL_NAME = "local"


class EndpointChat:
    def __init__(self, base_url: str, model: str, api_key: str, timeout_s: float) -> None:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise LLMNotConfiguredError("langchain-openai is not installed: pip install 'policyqa[llm]'") from exc
        self.name = model or DEFAULT_MODEL_NAME
        # Greedy decoding, as the local backend: the same question gets the same answer.
        self._chat: Any = ChatOpenAI(base_url=base_url, model=self.name, api_key=api_key or "not-needed",
                                     temperature=0.0, timeout=timeout_s, max_retries=1)

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int) -> Iterator[str]:
        chunks = self._chat.stream([(m.role, m.content) for m in messages], max_tokens=max_tokens)
        try:
            for chunk in chunks:
                if chunk.content:
                    yield str(chunk.content)
        finally:
            chunks.close()
