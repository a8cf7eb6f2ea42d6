"""The Crosswalk tab: a frame and a grouping (by document or by jurisdiction), the heatmap of its items against
the indexed documents, and a click on a cell shows its cited passages (quotes marked, links to their pages) and
the page of the first one. Crosswalks come from the cache of `assistant.crosswalk_cache` when the index and the
frame are unchanged.

>>> with gr.Blocks() as demo:  # doctest: +SKIP
...     wire_crosswalk_tab(crosswalk_tab(state), state)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.compare import indexed_document_facts
from assistant.crosswalk import BY, Crosswalk
from assistant.crosswalk_cache import cached_crosswalk
from assistant.frames import FrameError, find_frame, frame_paths, frames_dir_of
from ingest.errors import ManifestError
from ui.crosswalk_report import HEATMAP_CSS, cell_html, heatmap_table
from ui.web.clicks import ref_click_js
from ui.web.render import chat_text
from ui.web.state import AppState
from ui.web.tabs.ask import PANEL_CSS, page_image
from ui.web.view import HIDDEN_PAGE, page_view

LOG = logging.getLogger("policyqa.ui")
DEFAULT_FRAME = "oecd-ai-principles"
EMPTY = ("<div class='pq-empty'>Choose a frame and press Show: one row per item of the frame, one column per "
         "document. A stored crosswalk shows at once; a new one takes about half a minute.</div>")
OPEN_JS = ref_click_js("pq-heatmap")  # a click on a reference link becomes the click event
CELL_CSS = PANEL_CSS + """
.pq-passage-box { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
                  margin-bottom: 8px; background: var(--background-fill-secondary); }
.pq-passage { white-space: pre-wrap; font-size: 0.9em; }
.pq-ref { font-size: 0.85em; color: var(--body-text-color-subdued); }
.pq-none-note { color: #9a3412; font-style: italic; }
"""


@dataclass
class CrosswalkTab:
    frame: gr.Dropdown
    by: gr.Radio
    button: gr.Button
    status: gr.Markdown
    heatmap: gr.HTML
    cell: gr.HTML
    page: gr.Image
    shown: gr.State  # the Crosswalk on screen


def frame_choices(state: AppState) -> list[tuple[str, str]]:
    """(label, name) of each frame file; a malformed one is listed by name, and says what is wrong when shown."""
    choices = []
    for name, path in frame_paths(frames_dir_of(state.settings.manifest_path)).items():
        try:
            choices.append((find_frame(str(path), path.parent).label, name))
        except FrameError:
            choices.append((name, name))
    return choices


def crosswalk_tab(state: AppState) -> CrosswalkTab:
    """Frame, grouping and the Show button; the heatmap; the opened cell and its page."""
    choices = frame_choices(state)
    names = [name for _, name in choices]
    with gr.Tab("Crosswalk", id="crosswalk"):
        shown = gr.State(None)
        with gr.Row():
            frame = gr.Dropdown(choices, value=DEFAULT_FRAME if DEFAULT_FRAME in names else (names or [None])[0],
                                label="Frame", scale=3, elem_id="pq-frame")
            by = gr.Radio([("By document", BY[0]), ("By jurisdiction", BY[1])], value=BY[0], label="Columns",
                          scale=2, elem_id="pq-by")
            button = gr.Button("Show", variant="primary", scale=1, min_width=100, elem_id="pq-crosswalk")
        status = gr.Markdown("", elem_id="pq-crosswalk-status")
        heatmap = gr.HTML(EMPTY, css_template=HEATMAP_CSS + PANEL_CSS, js_on_load=OPEN_JS, elem_id="pq-heatmap")
        with gr.Row(equal_height=False):
            cell = gr.HTML("", label="Cell", css_template=CELL_CSS, elem_id="pq-cell")
            page = page_image("pq-crosswalk-page")
    return CrosswalkTab(frame, by, button, status, heatmap, cell, page, shown)


def wire_crosswalk_tab(tab: CrosswalkTab, state: AppState) -> None:
    handlers = CrosswalkHandlers(state)
    # one crosswalk made at a time: a second request for the same one then reads it from the cache
    tab.button.click(handlers.show, inputs=[tab.frame, tab.by],
                     outputs=[tab.status, tab.heatmap, tab.cell, tab.page, tab.shown], api_visibility="private",
                     concurrency_limit=1, concurrency_id="crosswalk")
    tab.heatmap.click(handlers.open_cell, inputs=[tab.shown], outputs=[tab.cell, tab.page],
                      api_visibility="private")


class CrosswalkHandlers:
    def __init__(self, state: AppState) -> None:
        self.state = state

    def show(self, frame_name: str | None, by: str | None) -> tuple[Any, ...]:
        """Outputs: status, heatmap, cell, page, the crosswalk shown."""
        hidden = gr.update(**HIDDEN_PAGE)
        settings = self.state.settings
        try:
            frame = find_frame(frame_name or DEFAULT_FRAME, frames_dir_of(settings.manifest_path))
            assistant = self.state.assistant
            facts = indexed_document_facts(assistant)
            walk = cached_crosswalk(assistant, frame, facts, by if by in BY else BY[0],
                                    settings.data_dir / "crosswalk")
        except (FrameError, ManifestError, ValueError) as exc:
            return f"Not shown: {chat_text(str(exc))}", EMPTY, "", hidden, None
        except Exception as exc:
            LOG.exception("crosswalk %r failed", frame_name)
            return f"Sorry, the crosswalk failed: {chat_text(str(exc))}", EMPTY, "", hidden, None
        return status_text(walk), heatmap_table(walk), "", hidden, walk

    def open_cell(self, walk: Crosswalk | None, event: gr.EventData) -> tuple[Any, ...]:
        """A click on a heatmap cell. Outputs: cell, page."""
        data = getattr(event, "_data", None)
        ref = str(data.get("ref", "")) if isinstance(data, dict) else ""
        row_text, _, column_text = ref.partition("-")
        if walk is None or not (row_text.isdigit() and column_text.isdigit()):
            return gr.skip(), gr.skip()
        row, column = int(row_text), int(column_text)
        if row >= len(walk.rows) or column >= len(walk.columns):
            return gr.skip(), gr.skip()
        cell = walk.rows[row][column]
        shown = cell.evidence.shown_passages()
        page = page_view(self.state, shown[0].chunk) if shown else gr.update(**HIDDEN_PAGE)
        return cell_html(walk, walk.frame.items[row], cell), page


def status_text(walk: Crosswalk) -> str:
    counts = {level: sum(c.level == level for row in walk.rows for c in row) for level in ("strong", "partial")}
    made = "from the cache" if walk.from_cache else f"made in {walk.elapsed_ms / 1000:.1f} s"
    items = f"{len(walk.rows)} item{'' if len(walk.rows) == 1 else 's'}"
    return (f"**{chat_text(walk.frame.label)}**: {items} × {len(walk.columns)} {walk.by}s, "
            f"{counts['strong']} strong and {counts['partial']} partial cells; {made} (index version "
            f"{chat_text(walk.index_version)}). Click a cell to see its passages.")
