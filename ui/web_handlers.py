"""The web UI's event handlers: ask (streamed), open a citation, start a new conversation, add a document,
rebuild the index. Each returns or yields the new values of the components `ui.web` wires it to."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.conversation import Conversation
from assistant.models import Answer
from index.models import SearchFilters
from ingest.corpus_status import corpus_status
from ingest.errors import ManifestError
from ingest.manifest import load_manifest
from ui.web_chat import AskOptions, stream_answer
from ui.web_documents import corpus_rows
from ui.web_render import (
    answer_markdown,
    chat_text,
    citation_choices,
    citation_html,
    copyable_markdown,
    sources_html,
)
from ui.web_state import AppState
from ui.web_upload import UploadError, store_upload

LOG = logging.getLogger("policyqa.ui")
STATUS_POLL_S = 0.5
CURSOR = " ▍"


class Handlers:
    """Event handlers bound to one app's state."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    # --- chat -------------------------------------------------------------------------------------------
    def ask(self, question: str, history: list[dict[str, Any]] | None, conversation: Conversation | None,
            k: float, jurisdictions: list[str] | None, docs: list[str] | None,
            generator: str) -> Iterator[tuple[Any, ...]]:
        """Outputs: question box, chat, sources, citation choice, citation view, page image, Markdown,
        conversation."""
        question = (question or "").strip()
        conversation = conversation if conversation is not None else Conversation()
        if not question:
            yield (gr.skip(),) * 7 + (conversation,)
            return
        history = list(history or []) + [{"role": "user", "content": chat_text(question)},
                                         {"role": "assistant", "content": "Searching the documents…"}]
        yield ("", history, sources_html(None), gr.update(choices=[], value=None, visible=False), "",
               gr.update(value=None, visible=False), "", conversation)
        options = AskOptions(k=int(k) if k else None, generator=generator or None,
                             filters=SearchFilters(jurisdictions=frozenset(jurisdictions or ()),
                                                   doc_ids=frozenset(docs or ())))
        guard = self.state.llm_lock if generator == "llm" else None
        skip = gr.skip()
        try:
            for text, answer in stream_answer(self.state.assistant, question, conversation, options, guard):
                if answer is None:
                    history[-1] = {"role": "assistant", "content": chat_text(text) + CURSOR}
                    yield skip, history, skip, skip, skip, skip, skip, skip
                    continue
                history[-1] = {"role": "assistant", "content": answer_markdown(answer)}
                yield (skip, history, sources_html(answer), _citation_update(answer),
                       skip, skip, copyable_markdown(answer), conversation)
        except Exception as exc:
            LOG.exception("answering %r failed", question)
            history[-1] = {"role": "assistant", "content": chat_text(f"Sorry, answering failed: {exc}")}
            yield skip, history, skip, skip, skip, skip, skip, conversation

    def open_citation(self, choice: str | None, conversation: Conversation | None) -> tuple[Any, Any]:
        """Outputs: citation view, page image."""
        answer = _last_answer(conversation)
        citation = next((c for c in answer.citations if str(c.n) == str(choice)), None) if answer else None
        if citation is None:
            return "", gr.update(value=None, visible=False)
        chunk = citation.passage.chunk
        file_name = self.state.file_of(chunk.doc_id)
        image = self.state.renderer.render(file_name, chunk.page_start) if file_name else None
        if image is None:
            return citation_html(citation), gr.update(value=None, visible=False)
        return citation_html(citation), gr.update(value=image, visible=True,
                                                  label=f"Page {chunk.page_start} of {file_name}")

    @staticmethod
    def new_conversation() -> tuple[Any, ...]:
        """Outputs: chat, sources, citation choice, citation view, page image, Markdown, conversation."""
        return ([], sources_html(None), gr.update(choices=[], value=None, visible=False), "",
                gr.update(value=None, visible=False), "", Conversation())

    # --- documents ----------------------------------------------------------------------------------------
    def documents(self) -> tuple[Any, str, Any]:
        """Outputs: table, status, document filter choices."""
        rows, note = corpus_rows(self.state.settings, self.state.assistant.searcher.manifest)
        status = self.state.status.describe()
        return rows, f"{status} {note}".strip(), gr.update(choices=self.state.doc_ids())

    def document_choices(self) -> Any:
        """Output: document filter choices (the index may have changed since the app started)."""
        return gr.update(choices=self.state.doc_ids())

    def upload(self, file_path: str | None) -> Iterator[tuple[Any, ...]]:
        """Outputs: file input, table, status, document filter choices."""
        if not file_path:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        settings = self.state.settings
        try:
            stored = store_upload(Path(file_path), Path(file_path).name, Path(settings.corpus_dir),
                                  settings.max_upload_mb * 1024 * 1024, self._taken_ids())
        except (UploadError, OSError) as exc:
            yield None, gr.skip(), f"Upload refused: {exc}", gr.skip()
            return
        yield from self._follow_build(self.state.request_build(), f"{stored.message} ", clear_file=True)

    def rebuild(self) -> Iterator[tuple[Any, ...]]:
        """Outputs: file input, table, status, document filter choices."""
        yield from self._follow_build(self.state.request_build(full=True), "", clear_file=False)

    def _follow_build(self, ticket: int, prefix: str, clear_file: bool) -> Iterator[tuple[Any, ...]]:
        file_value = None if clear_file else gr.skip()
        while not self.state.wait(ticket, STATUS_POLL_S):
            yield file_value, gr.skip(), prefix + self.state.status.describe(), gr.skip()
            file_value = gr.skip()
        rows, status, choices = self.documents()
        yield file_value, rows, prefix + status, choices

    def _taken_ids(self) -> set[str]:
        settings = self.state.settings
        taken = set(self.state.doc_ids())
        manifest = Path(settings.manifest_path)
        try:
            entries = load_manifest(manifest) if manifest.exists() else []
        except ManifestError:
            entries = []
        return taken | {s.entry.id for s in corpus_status(entries, Path(settings.corpus_dir))}


def _last_answer(conversation: Conversation | None) -> Answer | None:
    return conversation.turns[-1] if conversation is not None and conversation.turns else None


def _citation_update(answer: Answer) -> Any:
    choices = citation_choices(answer)
    return gr.update(choices=choices, value=None, visible=bool(choices))
