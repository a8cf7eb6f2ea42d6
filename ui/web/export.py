"""Copy as Markdown: one answer, or the whole conversation, with what each answer was built from and its
numbered references (official links open a PDF at the cited page). Plain text for pasting elsewhere, not
rendered by the UI.

>>> print(conversation_markdown(ChatSession()))
*No questions asked yet.*
<BLANKLINE>
"""

from __future__ import annotations

from assistant.models import Answer
from ui.web.message import WRITTEN_HEADING, answer_facts
from ui.web.render import CLOSEST_SHOWN, official_url, source_line
from ui.web.session import ChatSession, Turn

SCOPES = ("This answer", "The whole conversation")  # the copy box's choices; the second sets copy_whole


def answer_markdown(answer: Answer | None) -> str:
    """The answer, its unsupported sentences and notices, how it was made, and its references."""
    if answer is None:
        return ""
    lines = [answer.text, ""]
    unsupported = [s.text for s in answer.sentences if not s.supported]
    if unsupported:
        lines += ["Unsupported by the cited passages:", *[f"- {s}" for s in unsupported], ""]
    lines += [f"Note: {notice}" for notice in answer.notices]
    lines += [f"{label}: {value}" for label, value in answer_facts(answer)]
    lines.append("")
    if answer.abstained:
        lines.append("Closest passages:")
        lines += [f"- {source_line(p.chunk)}" for p in answer.passages[:CLOSEST_SHOWN]]
    if answer.citations:
        lines += ["References:", ""]
    for citation in answer.citations:
        chunk = citation.passage.chunk
        url = official_url(chunk)
        lines.append(f"[{citation.n}] {source_line(chunk)}" + (f" <{url}>" if url else ""))
        lines.append(f"  “{citation.quote}”")
    return "\n".join(lines).strip() + "\n"


def turn_markdown(turn: Turn) -> str:
    parts = [f"## {turn.number}. {turn.question.strip()}", ""]
    if turn.answer is not None:
        parts.append(answer_markdown(turn.answer))
    else:
        parts.append((turn.error or "(not answered yet)") + "\n")
    if turn.written is not None:
        parts += [f"### {WRITTEN_HEADING.strip('*')}", "", answer_markdown(turn.written)]
    return "\n".join(parts)


def conversation_markdown(session: ChatSession) -> str:
    """Every turn kept: the question, the question as searched when rewritten, the answer with its
    references, and the written answer when there is one."""
    if not session.turns:
        return "*No questions asked yet.*\n"
    head = [f"*{session.dropped} earlier turns are no longer kept.*\n"] if session.dropped else []
    return "\n".join(head + [turn_markdown(turn) for turn in session.turns])


def copy_text(session: ChatSession) -> str:
    """What the copy box holds: the whole conversation, or the answer the sources panel shows."""
    return conversation_markdown(session) if session.copy_whole else answer_markdown(session.focused)
