"""What every chat model offers the writers: a name, and a reply streamed in pieces.

>>> chat = create_chat_model(settings)  # doctest: +SKIP
>>> "".join(chat.stream((ChatMessage("system", "Answer briefly."), ChatMessage("user", "Hi")), max_tokens=20))
'Hello!'  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


class LLMNotConfiguredError(Exception):
    """No chat model can be used: none is configured or installed, or the `llm` extra is missing."""


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system", "user" or "assistant"
    content: str


class ChatModel(Protocol):
    name: str  # shown with the answer: "llm (<name>)"

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int) -> Iterator[str]:
        """The reply, greedily decoded, in pieces as they are produced; closing the iterator stops it."""
        ...
