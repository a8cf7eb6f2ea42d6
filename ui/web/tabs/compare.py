"""The Compare tab: a topic, the jurisdictions to compare, and one column per jurisdiction side by side, each its
cited sentences (a click on a citation opens its passage and page, as in the chat) or "not addressed in the indexed
documents" with its closest passage. Each column names the kinds of instrument its documents are. "Write
summaries" puts a one-sentence summary by the answer model above each column, when it passes the citation check.

>>> with gr.Blocks() as demo:  # doctest: +SKIP
...     wire_compare_tab(compare_tab(state), state)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from assistant.compare import (
    NOT_ADDRESSED,
    Column,
    Comparison,
    compare,
    indexed_document_facts,
    instruments_of,
)
from assistant.compare_summary import summarise
from assistant.models import Citation
from ingest.errors import ManifestError
from ui.commands.compare import reference
from ui.limits import QuestionTooLongError, check_question
from ui.web.clicks import ref_click_js
from ui.web.render import citation_html
from ui.web.state import AppState
from ui.web.tabs.ask import ASK_CONCURRENCY, PANEL_CSS, page_image
from ui.web.view import HIDDEN_PAGE, page_view

LOG = logging.getLogger("policyqa.ui")
EMPTY = "<div class='pq-empty'>Give a topic and press Compare: each jurisdiction's own documents answer side by side.</div>"
COLUMNS_CSS = PANEL_CSS + """
.pq-columns { display: flex; gap: 12px; align-items: flex-start; overflow-x: auto; }
.pq-column { flex: 1 1 0; min-width: 220px; border: 1px solid var(--border-color-primary); border-radius: 8px;
             padding: 10px 12px; background: var(--background-fill-secondary); }
.pq-column h3 { margin: 0 0 2px 0; font-size: 1.05em; }
.pq-kind { font-style: italic; font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 8px; }
.pq-column p { margin: 6px 0; line-height: 1.4; }
.pq-column .pq-ref { font-size: 0.8em; color: var(--body-text-color-subdued); }
.pq-none { color: #9a3412; font-style: italic; }
.pq-column .pq-summary { font-weight: 600; }
.pq-column .pq-nosum { font-size: 0.85em; color: var(--body-text-color-subdued); }
"""
CLOSEST_LABEL = "Closest passage (not cited)"
OPEN_JS = ref_click_js("pq-compare-columns")  # a click on a reference link becomes the click event


@dataclass
class CompareTab:
    topic: gr.Textbox
    jurisdictions: gr.CheckboxGroup
    button: gr.Button
    summarise: gr.Button
    columns: gr.HTML
    detail: gr.HTML
    page: gr.Image
    shown: gr.State  # the Comparison on screen


def compare_tab(state: AppState) -> CompareTab:
    """Topic and jurisdictions above; the columns below, the opened passage and its page under them."""
    with gr.Tab("Compare", id="compare"):
        shown = gr.State(None)
        with gr.Row():
            topic = gr.Textbox(label="Topic", scale=5, max_lines=2, elem_id="pq-compare-topic",
                               placeholder="e.g. human oversight, transparency, Chief AI Officers")
            button = gr.Button("Compare", variant="primary", scale=1, min_width=100, elem_id="pq-compare")
            # the answer model takes seconds a column: summaries are written when asked for, as answers are
            summarise = gr.Button("Write summaries", scale=1, min_width=120, elem_id="pq-compare-summarise")
        # "Other documents" (unknown): documents outside the registry, such as an upload the manifest does not list
        jurisdictions = gr.CheckboxGroup(state.jurisdiction_choices(), value=list(state.assistant.registry.declared),
                                         label="Jurisdictions", elem_id="pq-compare-jurisdictions")
        columns = gr.HTML(EMPTY, css_template=COLUMNS_CSS, js_on_load=OPEN_JS, elem_id="pq-compare-columns")
        with gr.Row(equal_height=False):
            detail = gr.HTML("", label="Passage", css_template=PANEL_CSS, elem_id="pq-compare-detail")
            page = page_image("pq-compare-page")
    return CompareTab(topic, jurisdictions, button, summarise, columns, detail, page, shown)


def wire_compare_tab(tab: CompareTab, state: AppState) -> None:
    handlers = CompareHandlers(state)
    gr.on([tab.topic.submit, tab.button.click], handlers.compare, inputs=[tab.topic, tab.jurisdictions],
          outputs=[tab.columns, tab.detail, tab.page, tab.shown], api_visibility="private",
          concurrency_limit=ASK_CONCURRENCY, concurrency_id="ask")
    tab.summarise.click(handlers.summarise, inputs=[tab.shown], outputs=[tab.columns, tab.shown],
                        api_visibility="private")
    tab.columns.click(handlers.open_cited, inputs=[tab.shown], outputs=[tab.detail, tab.page],
                      api_visibility="private", concurrency_limit=ASK_CONCURRENCY)


class CompareHandlers:
    def __init__(self, state: AppState) -> None:
        self.state = state

    def compare(self, topic: str, jurisdictions: list[str] | None) -> tuple[Any, ...]:
        """Outputs: columns, passage, page, the comparison shown."""
        topic = (topic or "").strip()
        hidden = gr.update(**HIDDEN_PAGE)
        if not topic:
            return EMPTY, "", hidden, None
        if not jurisdictions:
            return _note("Tick at least one jurisdiction."), "", hidden, None
        try:
            check_question(topic, self.state.settings.max_question_chars)
            assistant = self.state.assistant
            facts = indexed_document_facts(assistant)
            order = [j for j in assistant.registry.codes if j in jurisdictions]
            comparison = compare(assistant, topic, tuple(order), facts)
        except (QuestionTooLongError, ManifestError, ValueError) as exc:
            return _note(f"Not compared: {exc}."), "", hidden, None
        except Exception as exc:
            LOG.exception("comparing %r failed", topic)
            return _note(f"Sorry, comparing failed: {exc}"), "", hidden, None
        return comparison_html(comparison), "", hidden, comparison

    def summarise(self, comparison: Comparison | None) -> tuple[Any, ...]:
        """A summary above each column of the comparison shown; the model writes for one request at a time (the
        writer queue of the Ask tab's answers). Outputs: columns, the comparison shown."""
        if comparison is None:
            return _note("Compare first, then write the summaries."), None
        queue = self.state.writer_queue
        ticket = queue.join()
        try:
            while queue.ahead(ticket):
                queue.wait(ticket, 1.0)
            summarised = summarise(self.state.assistant, comparison)
        except Exception as exc:
            LOG.exception("summarising %r failed", comparison.topic)
            return _note(f"Sorry, writing the summaries failed: {exc}") + comparison_html(comparison), comparison
        finally:
            queue.leave(ticket)
        return comparison_html(summarised), summarised

    def open_cited(self, comparison: Comparison | None, event: gr.EventData) -> tuple[Any, ...]:
        """A click on a column's citation (or closest passage). Outputs: passage, page."""
        data = getattr(event, "_data", None)
        ref = str(data.get("ref", "")) if isinstance(data, dict) else ""
        citation = cited(comparison, ref) if comparison is not None else None
        if citation is None:
            return gr.skip(), gr.skip()
        chunk = citation.passage.chunk
        # the closest passage of a column not addressed is shown, not cited: it has no citation number
        label = CLOSEST_LABEL if citation.n == 0 else ""
        return (citation_html(citation, self.state.kind_of(chunk.doc_id), label),
                page_view(self.state, chunk, citation.sheets[0]))


def cited(comparison: Comparison, ref: str) -> Citation | None:
    """The citation a reference "<column>-<n>" names; n 0 is the closest passage of a column not addressed."""
    column_text, _, n_text = ref.partition("-")
    if not (column_text.isdigit() and n_text.isdigit()) or int(column_text) >= len(comparison.columns):
        return None
    column = comparison.columns[int(column_text)]
    if int(n_text) == 0:
        return Citation(0, column.closest, "") if column.closest is not None else None
    return next((c for c in column.citations if c.n == int(n_text)), None)


def _note(text: str) -> str:
    return f"<div class='pq-note'>{escape(text)}</div>"


def comparison_html(comparison: Comparison) -> str:
    """The columns side by side; every piece of document text escaped. When the summaries could not be written
    (no answer model), a note above the columns says why."""
    note = _note(comparison.summaries) if comparison.summaries.startswith("no summaries") else ""
    return note + "<div class='pq-columns'>" + \
        "".join(_column_html(i, c) for i, c in enumerate(comparison.columns)) + "</div>"


def _column_html(index: int, column: Column) -> str:
    kinds = instruments_of(column.documents)
    head = (f"<h3>{escape(column.name)}</h3>"
            f"<div class='pq-kind'>{escape(kinds or 'no indexed documents')}</div>")
    if not column.addressed:
        body = f"<p class='pq-none'>{escape(NOT_ADDRESSED)}.</p>"
        if column.closest is not None:
            c = column.closest.chunk
            body += (f"<p class='pq-ref'><a href='#' data-ref='{index}-0'>Closest passage</a>: "
                     f"{escape(reference(column, c, c.printed_pages()))}</p>")
        return f"<div class='pq-column'>{head}{body}</div>"
    sentences = _summary_html(index, column) + "".join(
        f"<p>{escape(s.text)} " + "".join(f"<a href='#' data-ref='{index}-{n}'>[{n}]</a>" for n in s.citations)
        + "</p>" for s in column.sentences)
    sources = "".join(
        f"<p class='pq-ref'><a href='#' data-ref='{index}-{c.n}'>[{c.n}]</a> "
        f"{escape(_cited_reference(column, c))}</p>" for c in column.citations)
    return f"<div class='pq-column'>{head}{sentences}{sources}</div>"


def _summary_html(index: int, column: Column) -> str:
    summary = column.summary
    if summary is None:
        return ""
    if not summary.text:
        return f"<p class='pq-nosum'>No summary: {escape(summary.dropped)}.</p>"
    links = "".join(f"<a href='#' data-ref='{index}-{n}'>[{n}]</a>" for n in summary.citations)
    return f"<p class='pq-summary'>{escape(summary.text)} {links}</p>"


def _cited_reference(column: Column, citation: Citation) -> str:
    return reference(column, citation.passage.chunk, citation.printed_pages)
