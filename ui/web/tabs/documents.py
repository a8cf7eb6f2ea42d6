"""The Documents tab: build status, the corpus table, the upload box and the rebuild button. `documents_tab`
lays them out, `wire_documents_tab` connects them to `ui.web.document_handlers`.

>>> with gr.Blocks() as demo:  # doctest: +SKIP
...     wire_documents_tab(documents_tab(state), state, ask.docs)
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ingest.loaders import SUPPORTED_SUFFIXES
from ui.web.corpus_table import COLUMN_TYPES, COLUMN_WIDTHS, COLUMNS, corpus_rows
from ui.web.document_handlers import DocumentHandlers
from ui.web.state import AppState

BUILD_FOLLOWERS = 8  # sessions that can follow an upload or rebuild at once


@dataclass
class DocumentsTab:
    tab: gr.Tab
    status: gr.Markdown
    table: gr.Dataframe
    upload: gr.File
    refresh_button: gr.Button
    rebuild_button: gr.Button


def documents_tab(state: AppState) -> DocumentsTab:
    """Build status, the corpus table, the upload box and the rebuild button."""
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
        with gr.Row():
            refresh_button = gr.Button("Refresh", elem_id="pq-refresh")
            rebuild_button = gr.Button("Rebuild index", variant="secondary", elem_id="pq-rebuild")
        gr.Markdown("An added document is indexed on its own. *Rebuild index* re-reads every document "
                    "(embeddings are cached, so it mostly costs the reading). Chat keeps answering from the "
                    "current index until the new one is ready.")
    return DocumentsTab(tab, status, table, upload, refresh_button, rebuild_button)


def wire_documents_tab(documents: DocumentsTab, state: AppState, document_filter: gr.Dropdown) -> None:
    """Upload, rebuild and refresh; each also refreshes `document_filter` (the Ask tab's choice of documents),
    since the index may have changed."""
    handlers = DocumentHandlers(state)
    build_outputs = [documents.upload, documents.table, documents.status, document_filter]
    # a handler follows its build to the end, so these wait in their own, larger pool
    documents.upload.upload(handlers.upload, inputs=[documents.upload], outputs=build_outputs,
                            api_visibility="private", concurrency_limit=BUILD_FOLLOWERS, concurrency_id="build")
    documents.rebuild_button.click(handlers.rebuild, outputs=build_outputs, api_visibility="private",
                                   concurrency_limit=BUILD_FOLLOWERS, concurrency_id="build")
    gr.on([documents.refresh_button.click, documents.tab.select], handlers.documents,
          outputs=[documents.table, documents.status, document_filter], api_visibility="private")
