"""The Documents tab: build status, the corpus table, the upload box, the facts of an uploaded document and the
rebuild button. `documents_tab` lays them out, `wire_documents_tab` connects them to
`ui.web.document_handlers`.

>>> with gr.Blocks() as demo:  # doctest: +SKIP
...     wire_documents_tab(documents_tab(state), state, ask.docs)
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ingest.fact_edits import LABELS
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.models import INSTRUMENTS
from ui.web.corpus_table import COLUMN_TYPES, COLUMN_WIDTHS, COLUMNS, corpus_rows
from ui.web.document_handlers import FACTS_HINT, NOT_STATED, DocumentHandlers, facts_form
from ui.web.state import AppState

BUILD_FOLLOWERS = 8  # sessions that can follow an upload or rebuild at once
NOT_EDITABLE = ("Documents of the default corpus are not listed here: their facts come from its manifest "
                "(`corpus/sources.toml`), which every build reads, so they are corrected there.")


@dataclass
class FactsForm:
    """The facts of one uploaded document, as the form shows them; `fields` in the order the handlers fill them."""

    document: gr.Dropdown
    title: gr.Textbox
    issuer: gr.Textbox
    jurisdiction: gr.Dropdown
    instrument: gr.Dropdown
    date: gr.Textbox
    url: gr.Textbox
    save_button: gr.Button
    status: gr.Markdown

    @property
    def fields(self) -> list[gr.components.Component]:
        return [self.document, self.title, self.issuer, self.jurisdiction, self.instrument, self.date, self.url]


@dataclass
class DocumentsTab:
    tab: gr.Tab
    status: gr.Markdown
    table: gr.Dataframe
    upload: gr.File
    facts: FactsForm
    refresh_button: gr.Button
    rebuild_button: gr.Button


def documents_tab(state: AppState) -> DocumentsTab:
    """Build status, the corpus table, the upload box with the facts form under it, the rebuild button."""
    settings = state.settings
    rows, _ = corpus_rows(settings, state.assistant.searcher.manifest)
    with gr.Tab("Documents", id="documents") as tab:
        status = gr.Markdown(state.status.describe(), elem_id="pq-status")
        table = gr.Dataframe(rows, headers=COLUMNS, datatype=COLUMN_TYPES, column_widths=COLUMN_WIDTHS,
                             interactive=False, wrap=True, max_height=520, elem_id="pq-documents")
        upload = gr.File(label=f"Add a document: PDF, Markdown, text or HTML, up to {settings.max_upload_mb} "
                               "MB. It is indexed right away.",
                         file_types=list(SUPPORTED_SUFFIXES), file_count="single", type="filepath",
                         elem_id="pq-upload")
        facts = _facts_form(state)
        with gr.Row():
            refresh_button = gr.Button("Refresh", elem_id="pq-refresh")
            rebuild_button = gr.Button("Rebuild index", variant="secondary", elem_id="pq-rebuild")
        gr.Markdown("An added document is indexed on its own. *Rebuild index* re-reads every document "
                    "(embeddings are cached, so it mostly costs the reading). Chat keeps answering from the "
                    "current index until the new one is ready.")
    return DocumentsTab(tab, status, table, upload, facts, refresh_button, rebuild_button)


def _facts_form(state: AppState) -> FactsForm:
    document, *values = facts_form(state.settings, "")
    with gr.Group(elem_id="pq-facts"):
        gr.Markdown("### Facts of an uploaded document\nAn uploaded file gets the facts its text shows (a title, "
                    "jurisdiction \"Other documents\"). Give it its real ones: filters, citations, `corpus list`, "
                    f"Compare and Crosswalk use them as soon as they are saved, without re-indexing. {NOT_EDITABLE}")
        chosen = gr.Dropdown(label="Uploaded document", elem_id="pq-facts-doc", **document)
        with gr.Row():
            title = gr.Textbox(label=LABELS["title"], elem_id="pq-facts-title", max_lines=1, value=values[0])
            issuer = gr.Textbox(label=LABELS["issuer"], elem_id="pq-facts-issuer", max_lines=1, value=values[1])
        with gr.Row():
            jurisdiction = gr.Dropdown(state.jurisdiction_choices(), value=values[2],
                                       label=LABELS["jurisdiction"], elem_id="pq-facts-jurisdiction")
            instrument = gr.Dropdown([(NOT_STATED, NOT_STATED), *((i, i) for i in INSTRUMENTS)], value=values[3],
                                     label=LABELS["instrument"], elem_id="pq-facts-instrument")
            date = gr.Textbox(label=LABELS["date"], placeholder="yyyy-mm-dd", elem_id="pq-facts-date",
                              max_lines=1, value=values[4])
        url = gr.Textbox(label=LABELS["url"], placeholder="https://…", elem_id="pq-facts-url", max_lines=1,
                         value=values[5])
        with gr.Row():
            save_button = gr.Button("Save facts", variant="primary", elem_id="pq-facts-save", scale=0,
                                    min_width=140)
            facts_status = gr.Markdown(FACTS_HINT, elem_id="pq-facts-status")
    return FactsForm(chosen, title, issuer, jurisdiction, instrument, date, url, save_button, facts_status)


def wire_documents_tab(documents: DocumentsTab, state: AppState, document_filter: gr.Dropdown) -> None:
    """Upload, rebuild, refresh and saving facts; each also refreshes `document_filter` (the Ask tab's choice of
    documents), since the index (or a title) may have changed."""
    handlers = DocumentHandlers(state)
    form = documents.facts
    build_outputs = [documents.upload, documents.table, documents.status, document_filter, *form.fields,
                     form.status]
    # a handler follows its build to the end, so these wait in their own, larger pool
    documents.upload.upload(handlers.upload, inputs=[documents.upload], outputs=build_outputs,
                            api_visibility="private", concurrency_limit=BUILD_FOLLOWERS, concurrency_id="build")
    documents.rebuild_button.click(handlers.rebuild, outputs=build_outputs, api_visibility="private",
                                   concurrency_limit=BUILD_FOLLOWERS, concurrency_id="build")
    gr.on([documents.refresh_button.click, documents.tab.select], handlers.documents, inputs=[form.document],
          outputs=[documents.table, documents.status, document_filter, form.document],
          api_visibility="private")
    form.document.input(handlers.choose_document, inputs=[form.document], outputs=[*form.fields, form.status],
                        api_visibility="private")
    form.save_button.click(handlers.save_facts, inputs=form.fields,
                           outputs=[form.status, documents.table, document_filter, form.document],
                           api_visibility="private")
