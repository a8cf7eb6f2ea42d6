"""The LLM answer writer: a chat model writes a short answer from excerpts of the top passages.

>>> writer = create_llm_writer(settings)  # doctest: +SKIP
>>> draft = writer.write(WriteRequest(question, analyse(question, registry), tuple(passages)), on_token=print)  # doctest: +SKIP
>>> draft.writer, draft.sentences[0].sources  # doctest: +SKIP
('llm (qwen2.5-coder-1.5b)', (1,))

The model's markers are only claims; the pipeline's guards check each sentence against the passages it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.chat.base import ChatMessage, ChatModel
from assistant.chat.factory import create_chat_model
from assistant.chat.prompt import answer_messages, excerpts
from assistant.chat.reply import finished, parse_reply
from assistant.writers.base import Draft, TokenSink, WriteRequest
from ingest.settings import Settings

# Four passages of about 300 words in all: ~550 prompt tokens, which a 2-core CPU reads in ~5 s
# (bench/llm_bench.py); the fifth passage rarely holds an answer the first four lack.
PROMPT_PASSAGES = 4
PROMPT_WORDS = 300


@dataclass(frozen=True)
class PromptShape:
    passages: int = PROMPT_PASSAGES
    words: int = PROMPT_WORDS


class LLMWriter:
    """Writes with `chat`; the chat model (and a loaded local model with it) is kept for the next question."""

    def __init__(self, chat: ChatModel, max_tokens: int, shape: PromptShape = PromptShape()) -> None:
        self.chat = chat
        self.max_tokens = max_tokens
        self.shape = shape
        self.name = f"llm ({chat.name})"

    def messages(self, request: WriteRequest) -> tuple[ChatMessage, ...]:
        shown = excerpts(request.question, request.passages, self.shape.passages, self.shape.words)
        return answer_messages(request.question, request.intent.kind, shown)

    def write(self, request: WriteRequest, on_token: TokenSink | None = None) -> Draft:
        """Stream the model's reply to `on_token` and read it into sentences; a runaway reply is cut short."""
        return self.draft(self.messages(request), min(len(request.passages), self.shape.passages), on_token)

    def draft(self, messages: tuple[ChatMessage, ...], sources: int, on_token: TokenSink | None = None,
              max_tokens: int | None = None, done: Callable[[str], bool] = finished) -> Draft:
        """The model's reply to `messages`, read into sentences claiming passages 1..`sources`; the reply stops
        when `done` says it has said all it usefully will, or at `max_tokens` (the settings' cap by default)."""
        text = self._complete(messages, max_tokens or self.max_tokens, on_token, done)
        sentences, declined = parse_reply(text, sources)
        return Draft(sentences=sentences, writer=self.name, declined=declined)

    def _complete(self, messages: tuple[ChatMessage, ...], max_tokens: int, on_token: TokenSink | None,
                  done: Callable[[str], bool]) -> str:
        pieces: list[str] = []
        stream: Iterator[str] = self.chat.stream(messages, max_tokens)
        try:
            for piece in stream:
                pieces.append(piece)
                if on_token is not None:
                    on_token(piece)
                # a sentence or line can only have ended where a piece holds an ending
                if any(end in piece for end in ".]:\n") and done("".join(pieces)):
                    break
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        return "".join(pieces)


def create_llm_writer(settings: Settings) -> LLMWriter:
    """The writer over the chat model the settings choose (raises LLMNotConfiguredError naming what to do)."""
    return LLMWriter(create_chat_model(settings), settings.llm_max_tokens,
                     PromptShape(words=settings.llm_prompt_words))
