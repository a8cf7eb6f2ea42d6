"""The optional LLM answer writer: an OpenAI-compatible chat endpoint through LangChain's chat model
interface, or a local GGUF file through llama-cpp-python. Installed with the `llm` extra.

Its citations are never trusted: the pipeline checks every sentence against the passage it cites.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from index.models import Passage
from ingest.settings import Settings

DECLINE_TEXT = "The passages do not answer this question."
SYSTEM_PROMPT = (
    "You answer questions about AI-policy documents using only the numbered passages you are given. "
    "Write one to five short sentences. End every sentence with the number of the passage that supports it, "
    "in square brackets, like [2]. Never cite a number that is not given. If the passages do not answer the "
    f"question, reply exactly: {DECLINE_TEXT}"
)
REWRITE_PROMPT = (
    "Rewrite the follow-up question as one standalone question, using the previous question for context. "
    "Reply with the question only."
)


class LLMNotConfiguredError(Exception):
    """The LLM generator was asked for but no endpoint or model file is configured, or the extra is missing."""


def format_passages(passages: list[Passage]) -> str:
    blocks = []
    for number, passage in enumerate(passages, start=1):
        c = passage.chunk
        blocks.append(f'<passage n="{number}" document="{c.title}" page="{c.page_start}" section="{c.section}">\n'
                      f"{c.text}\n</passage>")
    return "\n\n".join(blocks)


def build_messages(question: str, passages: list[Passage]) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"{format_passages(passages)}\n\nQuestion: {question}"},
    ]


@dataclass
class LLMGenerator:
    """Streams chat completions from the configured endpoint or local GGUF file."""

    settings: Settings
    local_model: Any = None  # the loaded GGUF model, kept for the next question

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        if self.settings.llm_gguf_path:
            yield from self._stream_local(messages, max_tokens)
        elif self.settings.llm_base_url:
            yield from self._stream_endpoint(messages, max_tokens)
        else:
            raise LLMNotConfiguredError(
                "the llm generator needs llm_base_url (an OpenAI-compatible endpoint) or llm_gguf_path (a local "
                "GGUF file) in policyqa.toml or POLICYQA_* environment variables")

    def _stream_local(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        if self.local_model is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LLMNotConfiguredError("llama-cpp-python is not installed: pip install 'policyqa[llm]'") from exc
            self.local_model = Llama(model_path=self.settings.llm_gguf_path, n_ctx=4096, n_threads=2, verbose=False)
        for event in self.local_model.create_chat_completion(messages=messages, stream=True, max_tokens=max_tokens,
                                                             temperature=0.0):
            piece = event["choices"][0].get("delta", {}).get("content")
            if piece:
                yield piece

    def _stream_endpoint(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise LLMNotConfiguredError("langchain-openai is not installed: pip install 'policyqa[llm]'") from exc
        chat = ChatOpenAI(base_url=self.settings.llm_base_url, model=self.settings.llm_model or "local",
                          api_key=self.settings.llm_api_key or "not-needed", temperature=0.0,
                          max_tokens=max_tokens, timeout=120)
        for chunk in chat.stream([(m["role"], m["content"]) for m in messages]):
            if chunk.content:
                yield str(chunk.content)

    def answer(self, question: str, passages: list[Passage], on_token: Callable[[str], None] | None = None) -> str:
        """The model's answer, streamed token by token to `on_token`."""
        pieces = []
        for piece in self.stream(build_messages(question, passages), max_tokens=300):
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
        return "".join(pieces).strip()

    def rewrite(self, question: str, previous: str) -> str:
        """A follow-up rewritten by the model into a standalone question."""
        messages = [{"role": "system", "content": REWRITE_PROMPT},
                    {"role": "user", "content": f"Previous question: {previous}\nFollow-up: {question}"}]
        lines = "".join(self.stream(messages, max_tokens=80)).strip().splitlines()
        return lines[0].strip() if lines and lines[0].strip() else question
