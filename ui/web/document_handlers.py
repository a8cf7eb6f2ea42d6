"""The Documents tab's event handlers: list the corpus, add a document, rebuild the index. Each returns or
yields the new values of the components `ui.web.tabs.documents` wires it to (the chat's are in
`ui.web.ask_handlers`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.corpus_status import corpus_status
from ingest.errors import ManifestError
from ingest.manifest import load_manifest
from ui.web.auth import parse_auth
from ui.web.corpus_table import corpus_rows
from ui.web.state import AppState
from ui.web.upload import UploadError, remove_upload_copy, store_upload

STATUS_POLL_S = 0.5


class DocumentHandlers:
    """The Documents tab's handlers, bound to one app's state."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    # --- documents ----------------------------------------------------------------------------------------
    def documents(self) -> tuple[Any, str, Any]:
        """Outputs: table, status, document filter choices."""
        rows, note = corpus_rows(self.state.settings, self.state.assistant.searcher.manifest)
        status = self.state.status.describe()
        return rows, f"{status} {note}".strip(), gr.update(choices=self.state.doc_choices())

    def document_choices(self) -> Any:
        """Output: document filter choices (the index may have changed since the app started)."""
        return gr.update(choices=self.state.doc_choices())

    def upload(self, file_path: str | None, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Outputs: file input, table, status, document filter choices."""
        if not file_path:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        refusal = self._admin_refusal(request, "add a document")
        if refusal:
            remove_upload_copy(Path(file_path))
            yield None, gr.skip(), refusal, gr.skip()
            return
        settings = self.state.settings
        try:
            stored = store_upload(Path(file_path), Path(file_path).name, Path(settings.corpus_dir),
                                  settings.max_upload_mb * 1024 * 1024, self._taken_ids())
        except (UploadError, OSError) as exc:
            yield None, gr.skip(), f"Upload refused: {exc}", gr.skip()
            return
        finally:
            remove_upload_copy(Path(file_path))
        yield from self._follow_build(self.state.request_build(), f"{stored.message} ", clear_file=True)

    def rebuild(self, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Outputs: file input, table, status, document filter choices."""
        refusal = self._admin_refusal(request, "rebuild the index")
        if refusal:
            yield gr.skip(), gr.skip(), refusal, gr.skip()
            return
        yield from self._follow_build(self.state.request_build(full=True), "", clear_file=False)

    def _follow_build(self, ticket: int, prefix: str, clear_file: bool) -> Iterator[tuple[Any, ...]]:
        file_value = None if clear_file else gr.skip()
        while not self.state.wait(ticket, STATUS_POLL_S):
            yield file_value, gr.skip(), prefix + self.state.status.describe(), gr.skip()
            file_value = gr.skip()
        rows, status, choices = self.documents()
        yield file_value, rows, prefix + status, choices

    def _admin_refusal(self, request: gr.Request | None, action: str) -> str:
        """Why this request may not `action` (settings.ui_admin_auth names the one login that may), or ""."""
        admin = parse_auth(self.state.settings.ui_admin_auth)
        if admin is None:
            return ""
        username = getattr(request, "username", None)
        if username == admin[0]:
            return ""
        who = f"the login {username!r}" if username else "this session"
        return f"Refused: only the admin login may {action}; {who} is not it. Log in as the admin to do so."

    def _taken_ids(self) -> set[str]:
        settings = self.state.settings
        taken = set(self.state.doc_ids())
        manifest = Path(settings.manifest_path)
        try:
            entries = load_manifest(manifest) if manifest.exists() else []
        except ManifestError:
            entries = []
        return taken | {s.entry.id for s in corpus_status(entries, Path(settings.corpus_dir))}

