"""The Ask tab: the chat with streamed, cited answers, its filters and options, and the sources panel beside it
with the opened citation and its page. `ask_tab` lays the components out, `wire_ask_tab` connects their events
to the chat's handlers (`ui.web.ask_handlers`, `ui.web.write`). The sources panel also carries the page script
that turns a click on a `[n]` marker of the chat into its `click` event.

>>> with gr.Blocks() as demo:  # doctest: +SKIP
...     wire_ask_tab(ask_tab(state), state)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import gradio as gr

from ui.web.ask_handlers import ChatHandlers
from ui.web.export import SCOPES
from ui.web.message import CITE_PREFIX
from ui.web.render import sources_html
from ui.web.session import ChatSession
from ui.web.state import AppState
from ui.web.write import WriteHandler

# Answering is CPU-bound: more questions at once than cores only adds memory (measured: bench/load_bench.py).
ASK_CONCURRENCY = max(2, min(8, os.cpu_count() or 2))
WRITE_WAITERS = 16  # requests for a written answer held at once (the model itself writes one at a time)
SESSION_TTL_S = 6 * 3600  # a conversation left idle this long is forgotten
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
.pq-lead-in { font-size: 0.85em; font-style: italic; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.pq-passage mark { background: #ffe066; color: #1a1a1a; padding: 0 2px; border-radius: 2px; }
.pq-link { display: block; margin-top: 8px; font-size: 0.85em; word-break: break-all; }
.pq-empty, .pq-note { color: var(--body-text-color-subdued); font-style: italic; padding: 6px 0; }
.pq-selected { border-color: var(--color-accent); }
"""


def page_image(elem_id: str) -> gr.Image:
    """The rendered PDF page beside an opened passage (Ask, Compare and Crosswalk tabs), hidden until one opens."""
    return gr.Image(label="Page", type="pil", format="png", interactive=False, visible=False,
                    buttons=["fullscreen", "download"], elem_id=elem_id)
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
    session: gr.State


def ask_tab(state: AppState) -> AskTab:
    """Chat, question box and options on the left; sources and the opened citation on the right."""
    settings = state.settings
    with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
        session = gr.State(ChatSession(), time_to_live=SESSION_TTL_S)
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
                    jurisdictions = gr.CheckboxGroup(state.jurisdiction_choices(),
                                                     label="Jurisdictions", info="None ticked: all.",
                                                     elem_id="pq-jurisdictions")
                    docs = gr.Dropdown(state.doc_choices(), multiselect=True, label="Documents",
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
            page = page_image("pq-page")
    return AskTab(chat, question, ask_button, new_button, jurisdictions, docs, k, generator, write_button,
                  write_status, copy_scope, markdown, sources, citation, detail, page, session)


def wire_ask_tab(ask: AskTab, state: AppState) -> None:
    """Ask (streamed), write an answer with the local model, open a citation, choose what the copy box holds,
    start a new conversation."""
    chat, writing, session = ChatHandlers(state), WriteHandler(state), ask.session
    answer_outputs = [ask.question, ask.chat, ask.sources, ask.citation, ask.detail, ask.page,
                      ask.markdown, session]
    write_outputs = [ask.write_status, ask.chat, ask.sources, ask.citation, ask.markdown, session]
    ask_inputs = [ask.question, ask.chat, session, ask.k, ask.jurisdictions, ask.docs, ask.generator]
    asked = gr.on([ask.question.submit, ask.ask_button.click], chat.ask, inputs=ask_inputs,
                  outputs=answer_outputs, api_name="ask", concurrency_limit=ASK_CONCURRENCY,
                  concurrency_id="ask")
    # the written answer follows the quoted one, in its own pool: questions never wait for the model
    # its own status line says where the request is, so gradio's progress overlay is kept small
    asked.then(writing.write_if_chosen, inputs=[session, ask.generator], outputs=write_outputs,
               api_visibility="private", concurrency_limit=WRITE_WAITERS, concurrency_id="write",
               show_progress="minimal")
    ask.write_button.click(writing.write, inputs=[session], outputs=write_outputs,
                           api_visibility="private", concurrency_limit=WRITE_WAITERS,
                           concurrency_id="write", show_progress="minimal")
    citation_outputs = [ask.sources, ask.citation, ask.detail, ask.page, ask.markdown, session]
    ask.sources.click(chat.open_cited, inputs=[session], outputs=citation_outputs,
                      api_visibility="private", concurrency_limit=ASK_CONCURRENCY)
    ask.citation.input(chat.choose_citation, inputs=[ask.citation, session], outputs=citation_outputs,
                       api_visibility="private", concurrency_limit=ASK_CONCURRENCY)
    ask.copy_scope.input(chat.choose_copy, inputs=[ask.copy_scope, session],
                         outputs=[ask.markdown, session], api_visibility="private")
    gr.on([ask.new_button.click, ask.chat.clear], chat.new_conversation, inputs=[session],
          outputs=answer_outputs[1:], api_visibility="private")
