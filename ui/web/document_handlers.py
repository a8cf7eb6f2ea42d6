"""The Documents tab's event handlers: list the corpus, add a document, edit an uploaded document's facts, rebuild
the index. Each returns or yields the new values of the components `ui.web.tabs.documents` wires it to (the
chat's are in `ui.web.ask_handlers`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.corpus_status import corpus_status
from ingest.errors import ManifestError
from ingest.fact_edits import FactsError, editable_documents, save_fact_edit
from ingest.manifest import load_manifest
from ingest.settings import Settings
from ui.web.auth import parse_auth
from ui.web.corpus_table import corpus_rows
from ui.web.render import chat_text
from ui.web.state import AppState
from ui.web.upload import UploadError, remove_upload_copy, store_upload

STATUS_POLL_S = 0.5
NOT_STATED = "not stated"  # the instrument choice that saves no instrument type
FACTS_HINT = "Choose an uploaded document, correct its facts, then *Save facts*."
FORM_FIELDS = 7  # the uploaded document's choice and its six facts (`facts_form`)


def facts_form(settings: Settings, doc_id: str) -> list[Any]:
    """What the facts form shows for `doc_id`: the choice of uploaded documents ({choices, value}), then its
    title, issuer, jurisdiction, instrument type, date and URL; an empty form when it is not an uploaded one."""
    try:
        documents = editable_documents(settings)
    except (FactsError, ManifestError):  # the table says why; the form offers nothing to edit
        documents = []
    choices = [(f"{s.entry.title} ({s.entry.file})", s.entry.id) for s in documents]
    entry = next((s.entry for s in documents if s.entry.id == doc_id), None)
    if entry is None:
        return [{"choices": choices, "value": None}, "", "", "unknown", NOT_STATED, "", ""]
    return [{"choices": choices, "value": entry.id}, entry.title, entry.issuer, entry.jurisdiction,
            entry.instrument or NOT_STATED, entry.date, entry.url]


def form_update(settings: Settings, doc_id: str) -> list[Any]:
    """`facts_form` as the outputs of an event."""
    document, *values = facts_form(settings, doc_id)
    return [gr.update(**document), *values]


class DocumentHandlers:
    """The Documents tab's handlers, bound to one app's state."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    # --- documents ----------------------------------------------------------------------------------------
    def documents(self, chosen: str | None = None) -> tuple[Any, str, Any, Any]:
        """Outputs: table, status, document filter choices, the facts form's choice of uploaded documents."""
        rows, note = corpus_rows(self.state.settings, self.state.assistant.searcher.manifest)
        status = self.state.status.describe()
        return (rows, f"{status} {note}".strip(), gr.update(choices=self.state.doc_choices()),
                gr.update(**facts_form(self.state.settings, chosen or "")[0]))

    def choose_document(self, doc_id: str | None) -> list[Any]:
        """Outputs: the facts form (choice and facts), its status line."""
        return [*form_update(self.state.settings, doc_id or ""), FACTS_HINT]

    def save_facts(self, doc_id: str | None, title: str, issuer: str, jurisdiction: str | None,
                   instrument: str | None, date: str, url: str, request: gr.Request) -> tuple[Any, ...]:
        """Check and save the facts of an uploaded document, then answer with them. Outputs: facts status,
        table, document filter choices, the form's choice of uploaded documents."""
        skip = gr.skip()
        refusal = self._admin_refusal(request, "edit a document's facts")
        if refusal:
            return chat_text(refusal), skip, skip, skip
        if not doc_id:
            return "Not saved: choose an uploaded document first.", skip, skip, skip
        values = {"title": title, "issuer": issuer, "jurisdiction": jurisdiction or "",
                  "instrument": "" if instrument in (None, NOT_STATED) else instrument, "date": date, "url": url}
        try:
            save_fact_edit(self.state.settings, doc_id, values)
        except (FactsError, ManifestError, OSError) as exc:
            return f"**Not saved.** {chat_text(str(exc))}", skip, skip, skip
        try:
            self.state.reload_facts()
        except Exception as exc:  # noqa: BLE001 - saved; the next request loads them (the index may be rebuilding)
            return (f"Saved; they apply once the index is loaded again ({chat_text(str(exc))}).", skip, skip,
                    skip)
        rows, _, choices, document = self.documents(doc_id)
        return f"Saved the facts of **{chat_text(doc_id)}**.", rows, choices, document

    def document_choices(self) -> Any:
        """Output: document filter choices (the index may have changed since the app started)."""
        return gr.update(choices=self.state.doc_choices())

    def upload(self, file_path: str | None, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Outputs: file input, table, status, document filter choices."""
        skip_form = (gr.skip(),) * (FORM_FIELDS + 1)
        if not file_path:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), *skip_form
            return
        refusal = self._admin_refusal(request, "add a document")
        if refusal:
            remove_upload_copy(Path(file_path))
            yield None, gr.skip(), refusal, gr.skip(), *skip_form
            return
        settings = self.state.settings
        try:
            stored = store_upload(Path(file_path), Path(file_path).name, Path(settings.corpus_dir),
                                  settings.max_upload_mb * 1024 * 1024, self._taken_ids())
        except (UploadError, OSError) as exc:
            yield None, gr.skip(), f"Upload refused: {exc}", gr.skip(), *skip_form
            return
        finally:
            remove_upload_copy(Path(file_path))
        yield from self._follow_build(self.state.request_build(), f"{stored.message} ", clear_file=True,
                                      new=stored.doc_id)

    def rebuild(self, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Outputs: file input, table, status, document filter choices, the facts form and its status."""
        refusal = self._admin_refusal(request, "rebuild the index")
        if refusal:
            yield gr.skip(), gr.skip(), refusal, *(gr.skip(),) * (FORM_FIELDS + 2)
            return
        yield from self._follow_build(self.state.request_build(full=True), "", clear_file=False)

    def _follow_build(self, ticket: int, prefix: str, clear_file: bool, new: str = "") -> Iterator[tuple[Any, ...]]:
        """Yield the build's progress, then the table: a `new` upload listed first and opened in the facts form,
        since its facts were only guessed from the file."""
        file_value = None if clear_file else gr.skip()
        untouched = (gr.skip(),) * (FORM_FIELDS + 1)
        while not self.state.wait(ticket, STATUS_POLL_S):
            yield file_value, gr.skip(), prefix + self.state.status.describe(), gr.skip(), *untouched
            file_value = gr.skip()
        rows, note = corpus_rows(self.state.settings, self.state.assistant.searcher.manifest, new=new)
        status = f"{prefix}{self.state.status.describe()} {note}".strip()
        choices = gr.update(choices=self.state.doc_choices())
        if not new:
            yield file_value, rows, status, choices, *untouched
            return
        form = form_update(self.state.settings, new)
        hint = (f"**{chat_text(new)}** was added with the facts read from its file (jurisdiction \"Other "
                "documents\"). Correct them here, then *Save facts*.")
        yield file_value, rows, status, choices, *form, hint

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

