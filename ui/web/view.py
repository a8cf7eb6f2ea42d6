"""What the chat's components show for a session: the sources panel and citation choices of the answer in
focus, the copy box, and an opened citation with its page (the Compare and Crosswalk tabs open pages so too).
Every handler of the chat builds its outputs from these, so the panel always belongs to the answer it says it
does.

>>> focus_heading(ChatSession())
''
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.models import Citation
from ingest.models import Chunk
from ui.web.render import citation_choices, sources_html
from ui.web.session import ChatSession
from ui.web.state import AppState

HIDDEN_PAGE = {"value": None, "visible": False}


def focus_heading(session: ChatSession) -> str:
    """Which answer the sources panel shows: 'Cited by answer 2' or 'Cited by the written answer 2'."""
    for turn in session.turns:
        if session.focus == turn.key:
            return f"Cited by answer {turn.number}: {turn.question}"
        if session.focus == turn.written_key:
            return f"Cited by the written answer {turn.number}: {turn.question}"
    return ""


def sources_view(state: AppState, session: ChatSession, selected: int | None = None) -> str:
    return sources_html(session.focused, selected, focus_heading(session), state.kinds())


def choices_view(session: ChatSession, selected: int | None = None) -> Any:
    choices = citation_choices(session.focused)
    return gr.update(choices=choices, value=str(selected) if selected else None, visible=bool(choices))


def find_citation(session: ChatSession, key: str, n: int) -> Citation | None:
    """Citation `n` of the answer shown under `key` (numbers run in the order the answer cites)."""
    answer = session.answer_of(key)
    return next((c for c in answer.citations if c.n == n), None) if answer is not None else None


def page_view(state: AppState, chunk: Chunk, sheet: int | None = None) -> Any:
    """The image of a PDF page of a passage (`sheet`, else its first), or the image hidden (not a PDF, or no
    such page)."""
    file_name = state.file_of(chunk.doc_id)
    sheet = chunk.page_start if sheet is None else sheet
    image = state.renderer.render(file_name, sheet) if file_name else None
    if image is None:
        return gr.update(**HIDDEN_PAGE)
    return gr.update(value=image, visible=True, label=f"Page {sheet} of {file_name}")
