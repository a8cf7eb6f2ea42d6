"""The components of the web UI's two tabs, laid out; `ui.web` wires their events to the handlers. The sources
panel also carries the page script that turns a click on a `[n]` marker of the chat into its `click` event."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.models import JURISDICTIONS
from ui.web_documents import COLUMN_TYPES, COLUMN_WIDTHS, COLUMNS, corpus_rows
from ui.web_export import SCOPES
from ui.web_message import CITE_PREFIX
from ui.web_render import sources_html
from ui.web_state import AppState

EXAMPLES = [
    "May employers use AI to detect how their staff feel?",
    "What is the largest penalty an organisation can face in the EU for using a forbidden AI technique?",
    "What are the four functions of the AI RMF?",
    "Which characteristics of trustworthy AI does the NIST AI Risk Management Framework identify?",
]
PANEL_CSS = """
.pq-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
             margin-bottom: 10px; background: var(--background-fill-secondary); }
.pq-head { font-weight: 600; margin-bottom: 4px; }
.pq-n { color: var(--color-accent); margin-right: 4px; }
.pq-facts { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.pq-fact { display: inline-block; margin-right: 12px; }
.pq-passage { white-space: pre-wrap; font-size: 0.9em; line-height: 1.45; max-height: 18em;
               overflow-y: auto; }
.pq-selected .pq-passage { max-height: none; }
.pq-passage mark { background: #ffe066; color: #1a1a1a; padding: 0 2px; border-radius: 2px; }
.pq-link { display: block; margin-top: 8px; font-size: 0.85em; word-break: break-all; }
.pq-empty, .pq-note { color: var(--body-text-color-subdued); font-style: italic; padding: 6px 0; }
.pq-selected { border-color: var(--color-accent); }
"""
# A click on a marker `[n]` of the chat (a link to #pq-cite-<answer>-<n>) becomes the sources panel's click
# event with the reference; the panel then keeps the opened card in view. Registered once per page.
CITATION_JS = f"""
window.pqOpenCitation = (ref) => trigger('click', {{ref: ref}});
if (!window.pqCitationClicks) {{
  window.pqCitationClicks = true;
  document.addEventListener('click', (event) => {{
    const link = event.target instanceof Element ? event.target.closest('a[href^="{CITE_PREFIX}"]') : null;
    if (!link || !link.closest('#pq-chat')) return;
    event.preventDefault();
    event.stopPropagation();
    window.pqOpenCitation(link.getAttribute('href').slice({len(CITE_PREFIX)}));
  }}, true);
}}
watch('value', () => {{
  const opened = element.querySelector('.pq-selected');
  if (opened) opened.scrollIntoView({{block: 'nearest'}});
}});
"""
SHOW_JS = "watch('value', () => { if (props.value) element.scrollIntoView({block: 'nearest'}); });"
WRITE_HINT = ("A local model writes the last question's answer from the same passages, checked like the "
              "quoted one.")
WRITERS = [("Quote the documents (extractive)", "extractive"),
           ("Quote, then also write an answer with the local model (llm)", "llm")]


@dataclass
class AskTab:
    chat: gr.Chatbot
    question: gr.Textbox
    ask_button: gr.Button
    new_button: gr.Button
    jurisdictions: gr.CheckboxGroup
    docs: gr.Dropdown
    k: gr.Slider
    generator: gr.Radio
    write_button: gr.Button
    write_status: gr.Markdown
    copy_scope: gr.Radio
    markdown: gr.Textbox
    sources: gr.HTML
    citation: gr.Radio
    detail: gr.HTML
    page: gr.Image


@dataclass
class DocumentsTab:
    tab: gr.Tab
    status: gr.Markdown
    table: gr.Dataframe
    upload: gr.File
    refresh_button: gr.Button
    rebuild_button: gr.Button


def ask_tab(state: AppState) -> AskTab:
    """Chat, question box and options on the left; sources and the opened citation on the right."""
    settings = state.settings
    with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=360):
            chat = gr.Chatbot(label="Conversation", height=520, elem_id="pq-chat", render_markdown=True,
                              sanitize_html=True, allow_tags=False, latex_delimiters=[], buttons=[],
                              feedback_options=None,
                              placeholder="Ask about the indexed AI-policy documents. Follow-up questions "
                                          "keep the context.")
            with gr.Row():
                question = gr.Textbox(label="Question", show_label=False, scale=6, max_lines=4,
                                      elem_id="pq-question",
                                      placeholder="e.g. May employers use AI to detect how their staff feel?")
                ask_button = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="pq-ask")
                new_button = gr.Button("New conversation", scale=1, min_width=120, elem_id="pq-new")
            with gr.Row(equal_height=False):
                write_button = gr.Button("Write an answer", scale=1, min_width=140, elem_id="pq-write")
                write_status = gr.Markdown(WRITE_HINT, elem_id="pq-write-status")
            gr.Examples(EXAMPLES, inputs=[question], label="Example questions")
            with gr.Accordion("Filters and options", open=False):
                with gr.Row():
                    jurisdictions = gr.CheckboxGroup([j for j in JURISDICTIONS if j != "unknown"],
                                                     label="Jurisdictions", info="None ticked: all.",
                                                     elem_id="pq-jurisdictions")
                    docs = gr.Dropdown(state.doc_ids(), multiselect=True, label="Documents",
                                       info="None chosen: all.", elem_id="pq-docs")
                with gr.Row():
                    k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages", elem_id="pq-k")
                    generator = gr.Radio(WRITERS, label="Answer writer", elem_id="pq-generator",
                                         value="llm" if settings.generator == "llm" else "extractive")
            copy_scope = gr.Radio(list(SCOPES), value=SCOPES[0], label="Copy as Markdown",
                                  elem_id="pq-copy-scope")
            # the copy button shows only with the label
            markdown = gr.Textbox(label="Markdown", lines=5, max_lines=14, interactive=False,
                                  buttons=["copy"], elem_id="pq-markdown")
        with gr.Column(scale=2, min_width=320):
            sources = gr.HTML(sources_html(None), label="Sources", show_label=True, container=True,
                              css_template=PANEL_CSS, js_on_load=CITATION_JS, max_height=560,
                              elem_id="pq-sources")
            citation = gr.Radio([], label="Open a citation", visible=False, elem_id="pq-citation")
            detail = gr.HTML("", label="Citation", css_template=PANEL_CSS, js_on_load=SHOW_JS,
                             elem_id="pq-detail")
            page = gr.Image(label="Page", type="pil", format="png", interactive=False, visible=False,
                            buttons=["fullscreen", "download"], elem_id="pq-page")
    return AskTab(chat, question, ask_button, new_button, jurisdictions, docs, k, generator, write_button,
                  write_status, copy_scope, markdown, sources, citation, detail, page)


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
