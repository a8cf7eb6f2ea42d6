"""The one interface every answer writer implements, and the draft it returns.

>>> writer = create_writer("extractive", settings, embedder, registry)  # doctest: +SKIP
>>> draft = writer.write(WriteRequest(question, analyse(question, registry), tuple(passages)))  # doctest: +SKIP
>>> draft.sentences[0].sources  # doctest: +SKIP
(1,)

A writer only claims sources; the pipeline's guards attribute, check and drop what a passage does not hold,
so no writer's citations are trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from assistant.question import QuestionIntent
from index.models import Passage

TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class WriteRequest:
    question: str  # the standalone question
    intent: QuestionIntent
    passages: tuple[Passage, ...]  # ranked; a source number n means passages[n - 1]


@dataclass(frozen=True)
class DraftSentence:
    """One sentence as written, the 1-based passage numbers it claims, and how it is shown.

    `display` is the text shown to the reader when it differs from `text` (a quoted list item without its
    "(b)" label); the citation keeps `text`, the exact quote. `bullet` marks an item of a list."""

    text: str
    sources: tuple[int, ...]
    display: str = ""
    bullet: bool = False

    @property
    def shown(self) -> str:
        return self.display or self.text


@dataclass(frozen=True)
class Draft:
    sentences: tuple[DraftSentence, ...]
    writer: str  # who wrote it: "extractive", or "llm (<model>)"
    declined: bool = False  # the writer said the passages do not answer the question
    best_score: float = 0.0  # how close the best passage sentence is to the question (cosine)


class Writer(Protocol):
    name: str

    def write(self, request: WriteRequest, on_token: TokenSink | None = None) -> Draft:
        """Write the answer; stream the text to `on_token` as it is composed."""
        ...
