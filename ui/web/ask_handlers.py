"""The chat's event handlers: ask (the extractive answer, streamed), open a citation (a click on `[n]` in any
answer, or the citation selector), choose what the copy box holds, start a new conversation. Each returns or
yields the new values of the components `ui.web.tabs.ask` wires it to; the chat is rendered from the session.

>>> handlers = ChatHandlers(AppState(settings, assistant))  # doctest: +SKIP
>>> for outputs in handlers.ask("May employers use AI to detect how their staff feel?", [], None, 10, [], [],
...                             "extractive"): ...  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from index.models import SearchFilters
from ui.limits import QuestionTooLongError, check_question
from ui.web.export import SCOPES, copy_text
from ui.web.message import chat_history
from ui.web.render import citation_html, sources_html
from ui.web.session import ChatSession, parse_citation_ref
from ui.web.state import AppState
from ui.web.stream import AskOptions, stream_answer
from ui.web.view import HIDDEN_PAGE, choices_view, find_citation, page_view, sources_view

LOG = logging.getLogger("policyqa.ui")


def session_of(value: object) -> ChatSession:
    return value if isinstance(value, ChatSession) else ChatSession()


class ChatHandlers:
    """The chat's handlers, bound to one app's state."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    def ask(self, question: str, history: list[dict[str, Any]] | None, session: ChatSession | None,
            k: float, jurisdictions: list[str] | None, docs: list[str] | None,
            generator: str | None = None) -> Iterator[tuple[Any, ...]]:
        """Outputs: question box, chat, sources, citation choice, citation view, page image, copy box,
        session. The answer is always the extractive one, at once; the "llm" writer then writes its own
        answer below it (`ui.web.write`), so no question waits for the model. `history` is unused: the chat
        is rendered from the session (it stays a parameter of the `ask` API)."""
        session = session_of(session)
        question = (question or "").strip()
        if not question:
            yield (gr.skip(),) * 7 + (session,)
            return
        turn = session.start(question)
        session.focus = ""
        skip = gr.skip()
        try:
            check_question(question, self.state.settings.max_question_chars)
        except QuestionTooLongError as exc:
            turn.error = f"Not answered: {exc}."
            yield "", chat_history(session), skip, skip, skip, skip, skip, session
            return
        yield ("", chat_history(session), sources_html(None), choices_view(session), "",
               gr.update(**HIDDEN_PAGE), copy_text(session), session)
        options = AskOptions(k=int(k) if k else None, generator="extractive",
                             filters=SearchFilters(jurisdictions=frozenset(jurisdictions or ()),
                                                   doc_ids=frozenset(docs or ())))
        try:
            for text, answer in stream_answer(self.state.assistant, question, session.conversation, options):
                if answer is None:
                    turn.partial = text
                    yield skip, chat_history(session), skip, skip, skip, skip, skip, skip
                    continue
                turn.answer, session.focus = answer, turn.key
                yield (skip, chat_history(session), sources_view(self.state, session), choices_view(session), skip, skip,
                       copy_text(session), session)
        except Exception as exc:
            LOG.exception("answering %r failed", question)
            turn.error = f"Sorry, answering failed: {exc}"
            yield skip, chat_history(session), skip, skip, skip, skip, skip, session

    def open_cited(self, session: ChatSession | None, event: gr.EventData) -> tuple[Any, ...]:
        """A click on `[n]` in the chat (the page's script sends "<answer key>-<n>"). Outputs: sources,
        citation choice, citation view, page image, copy box, session."""
        session = session_of(session)
        data = getattr(event, "_data", None)
        ref = parse_citation_ref(str(data.get("ref", ""))) if isinstance(data, dict) else None
        if ref is None:
            return (gr.skip(),) * 5 + (session,)
        return self._open(session, *ref)

    def choose_citation(self, choice: str | None, session: ChatSession | None) -> tuple[Any, ...]:
        """A citation picked in the selector: one of the answer in focus. Same outputs as `open_cited`."""
        session = session_of(session)
        if not choice or not str(choice).isdigit():
            return (gr.skip(),) * 5 + (session,)
        return self._open(session, session.focus, int(choice))

    def _open(self, session: ChatSession, key: str, n: int) -> tuple[Any, ...]:
        citation = find_citation(session, key, n)
        if citation is None:
            return (gr.skip(),) * 5 + (session,)
        session.focus = key
        kind = self.state.kind_of(citation.passage.chunk.doc_id)
        # the PDF page the quote starts on, as the official link opens it
        page = page_view(self.state, citation.passage.chunk, citation.sheets[0])
        return (sources_view(self.state, session, n), choices_view(session, n), citation_html(citation, kind), page,
                copy_text(session), session)

    @staticmethod
    def choose_copy(scope: str | None, session: ChatSession | None) -> tuple[str, ChatSession]:
        """Outputs: copy box, session."""
        session = session_of(session)
        session.copy_whole = scope == SCOPES[1]
        return copy_text(session), session

    @staticmethod
    def new_conversation(session: ChatSession | None = None) -> tuple[Any, ...]:
        """Outputs: chat, sources, citation choice, citation view, page image, copy box, session; the copy
        box keeps its choice."""
        fresh = ChatSession(copy_whole=session_of(session).copy_whole)
        return ([], sources_html(None), gr.update(choices=[], value=None, visible=False), "",
                gr.update(**HIDDEN_PAGE), copy_text(fresh), fresh)
