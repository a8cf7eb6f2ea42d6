"""The "Write an answer" button: a model writes the last question's answer again from the same passages,
through the same checks, streamed below the extractive answer. Requests wait in the app's `WriterQueue`
(one answer written at a time; each requester sees how many are ahead); extractive answers never wait.
Without an installed model the button's status line says how to install one.

>>> handler = WriteHandler(AppState(settings, assistant))  # doctest: +SKIP
>>> for status, *_ in handler.write(session): print(status)  # doctest: +SKIP
Waiting: 1 ahead of you.
Writing the answer…
Written by: llm (qwen2.5-coder-1.5b)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.chat.base import LLMNotConfiguredError
from assistant.models import Answer
from ui.web.ask_handlers import session_of
from ui.web.export import copy_text
from ui.web.message import chat_history, written_by
from ui.web.session import ChatSession, Turn
from ui.web.state import AppState
from ui.web.stream import TokenSink, stream_call
from ui.web.view import choices_view, sources_view

LOG = logging.getLogger("policyqa.ui")
WRITER = "llm"
QUEUE_POLL_S = 1.0
NO_MODEL = ("No answer-writing model is installed: run `policyqa model install`, then click "
            "“Write an answer” again.")
NO_QUESTION = "Ask a question first: the model writes its answer from that question's passages."
ABSTAINED = "Nothing to write: the documents do not answer this question."
ALREADY = "An answer to this question is already written below it."


class WriteHandler:
    """Writes answers with the model, one request at a time across all sessions."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    def write(self, session: ChatSession | None) -> Iterator[tuple[Any, ...]]:
        """Outputs: status line, chat, sources, citation choice, copy box, session."""
        session = session_of(session)
        skip = gr.skip()
        turn = session.last_answered
        refusal = _refusal(turn)
        if refusal or turn is None:
            yield refusal, skip, skip, skip, skip, session
            return
        queue = self.state.writer_queue
        ticket = queue.join()
        handed_over = False  # once the worker holds the ticket, it leaves the queue when the model is done
        try:
            ahead = queue.ahead(ticket)
            while ahead:
                turn.writing = f"Waiting for the model: {ahead} ahead of you…"
                yield f"Waiting: {ahead} ahead of you.", chat_history(session), skip, skip, skip, session
                ahead = queue.wait(ticket, QUEUE_POLL_S)  # a yield each poll lets a closed page end this
            turn.writing = "Writing…"
            yield "Writing the answer…", chat_history(session), skip, skip, skip, session
            handed_over = True
            yield from self._stream(session, turn, queue.held(ticket))
        except LLMNotConfiguredError as exc:
            LOG.info("no model to write with: %s", exc)
            turn.writing = ""
            yield self._not_configured(exc), chat_history(session), skip, skip, skip, session
        except Exception as exc:
            LOG.exception("writing an answer to %r failed", turn.question)
            turn.writing = ""
            yield f"Writing failed: {exc}", chat_history(session), skip, skip, skip, session
        finally:
            if not handed_over:
                queue.leave(ticket)

    def _not_configured(self, exc: Exception) -> str:
        """One line: how to install a model; or why the configured endpoint or file cannot be used."""
        settings = self.state.settings
        if settings.llm_base_url or settings.llm_gguf_path:
            return f"The answer-writing model cannot be used: {exc}"
        return NO_MODEL

    def write_if_chosen(self, session: ChatSession | None,
                        generator: str | None) -> Iterator[tuple[Any, ...]]:
        """After an answer: write one with the model when the "Answer writer" setting asks for it."""
        if generator == WRITER:
            yield from self.write(session)
        else:
            yield (gr.skip(),) * 5 + (session_of(session),)

    def _stream(self, session: ChatSession, turn: Turn, guard: Any) -> Iterator[tuple[Any, ...]]:
        extractive = turn.answer
        assert extractive is not None
        assistant = self.state.assistant

        def write(on_token: TokenSink) -> Answer:
            return assistant.write_answer(extractive, WRITER, on_token)

        skip = gr.skip()
        for text, answer in stream_call(write, guard):
            if answer is None:
                turn.writing, turn.writing_partial = text, True
                yield "Writing the answer…", chat_history(session), skip, skip, skip, session
                continue
            turn.written, turn.writing, turn.writing_partial = answer, "", False
            session.focus = turn.written_key
            status = f"Written by: {written_by(answer)}" if answer.writer else "Written."
            yield (status, chat_history(session), sources_view(self.state, session), choices_view(session),
                   copy_text(session), session)


def _refusal(turn: Turn | None) -> str:
    if turn is None or turn.answer is None:
        return NO_QUESTION
    if turn.written is not None or turn.writing:
        return ALREADY
    return ABSTAINED if turn.answer.abstained else ""

