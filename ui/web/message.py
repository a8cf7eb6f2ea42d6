r"""The chat's messages, as Markdown the Chatbot renders: an answer whose `[n]` markers are links that open
their passage, its list items as a list, and what it was built from (notices, the question as searched,
the filters, the writer); the text of an answer still streaming; and the whole chat of a session.

Every piece of text from a document, a question or the pipeline goes through `chat_text`; only the markers,
list dashes and labels written here are Markdown.

>>> cite_link("3w", 2)
'[\\[2\\]](#pq-cite-3w-2)'
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from assistant.models import Answer, AnswerSentence
from index.models import SearchFilters
from ui.web.render import CLOSEST_SHOWN, chat_text, jurisdiction_label, source_line
from ui.web.session import ChatSession, Turn, citation_ref

CITE_PREFIX = "#pq-cite-"  # the href of a marker; the page's script turns a click on it into an event
CURSOR = " ▍"
SEARCHING = "Searching the documents…"
UNSUPPORTED = " *(unsupported by the cited passage)*"
WRITTEN_HEADING = "**Written answer**"


def cite_link(key: str, n: int) -> str:
    """The marker `[n]` of the answer shown under `key`, as a link the page's script opens."""
    return f"[\\[{n}\\]]({CITE_PREFIX}{citation_ref(key, n)})"


def answer_message(answer: Answer, key: str) -> str:
    """The message of a finished answer: its body, its notices, then the facts of how it was made."""
    blocks = [_body(answer, key)]
    blocks += [f"**Note:** {chat_text(notice)}" for notice in answer.notices]
    facts = answer_facts(answer)
    if facts:
        blocks.append("  \n".join(f"*{chat_text(label)}:* {chat_text(value)}" for label, value in facts))
    return "\n\n".join(blocks)


def answer_facts(answer: Answer) -> list[tuple[str, str]]:
    """(label, value) lines: the question as searched when a follow-up was rewritten, the filters, the places the
    question named (searched first), the writer
    and how many sentences the checks removed."""
    facts = []
    searched = (answer.standalone_question or "").strip()
    if searched and searched != answer.question.strip():
        facts.append(("Searched as", searched))
    facts.append(("Filters", filters_text(answer.filters)))
    if answer.searched_in:
        facts.append(("Searched in", "; ".join(answer.searched_in) + " (first; then all documents)"))
    if answer.writer:
        facts.append(("Written by", written_by(answer)))
    return facts


def written_by(answer: Answer) -> str:
    """'llm (qwen2.5-coder-1.5b); 2 sentences removed by the checks': the writer, and what the checks did."""
    removed = answer.removed_sentences
    checks = f"; {removed} sentence{'' if removed == 1 else 's'} removed by the checks" if removed else ""
    return answer.writer + checks


def filters_text(filters: SearchFilters | None) -> str:
    """'jurisdictions EU, US; documents eu-ai-act-2024-1689', or 'none (all documents)'."""
    if filters is None or not filters.active:
        return "none (all documents)"
    parts = []
    if filters.jurisdictions:
        names = (jurisdiction_label(j) for j in sorted(filters.jurisdictions))
        parts.append("jurisdictions " + ", ".join(names))
    if filters.doc_ids:
        parts.append("documents " + ", ".join(sorted(filters.doc_ids)))
    return "; ".join(parts)


def _body(answer: Answer, key: str) -> str:
    if answer.abstained:
        closest = [f"- {chat_text(source_line(p.chunk))}" for p in answer.passages[:CLOSEST_SHOWN]]
        text = chat_text(answer.text or "The indexed documents do not answer this question.")
        return "\n\n".join([text, "**Closest passages:**\n\n" + "\n".join(closest)] if closest else [text])
    if not answer.sentences:
        return chat_text(answer.text)
    return _paragraphs((_sentence(s, key), s.bullet) for s in answer.sentences)


def _sentence(sentence: AnswerSentence, key: str) -> str:
    markers = "".join(f" {cite_link(key, n)}" for n in sentence.citations)
    return chat_text(sentence.text) + markers + ("" if sentence.supported else UNSUPPORTED)


def _paragraphs(lines: Iterable[tuple[str, bool]]) -> str:
    """(Markdown, is a list item) lines: consecutive items as one list, other lines joined as a paragraph."""
    blocks = []
    for is_item, group in groupby(lines, key=lambda line: line[1]):
        texts = [text for text, _ in group]
        blocks.append("\n".join(f"- {text}" for text in texts) if is_item else " ".join(texts))
    return "\n\n".join(blocks)


def partial_message(text: str) -> str:
    """Text still streaming, escaped, with its "- item" lines as a list and a cursor at the end."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # "-" alone is a list item whose words have not come yet
    items = ((line, line == "-" or line.startswith("- ")) for line in lines)
    return _paragraphs((chat_text(line[2:] if item else line), item) for line, item in items) + CURSOR


def turn_messages(turn: Turn) -> list[dict[str, Any]]:
    """The user's question, the answer (or its text so far), and the written answer when one was asked."""
    messages = [{"role": "user", "content": chat_text(turn.question)}]
    if turn.error:
        reply = chat_text(turn.error)
    elif turn.answer is not None:
        reply = answer_message(turn.answer, turn.key)
    else:
        reply = partial_message(turn.partial) if turn.partial else chat_text(SEARCHING)
    messages.append({"role": "assistant", "content": reply})
    if turn.written is not None:
        written = WRITTEN_HEADING + "\n\n" + answer_message(turn.written, turn.written_key)
    elif turn.writing:
        shown = partial_message(turn.writing) if turn.writing_partial else f"*{chat_text(turn.writing)}*"
        written = WRITTEN_HEADING + "\n\n" + shown
    else:
        return messages
    messages.append({"role": "assistant", "content": written})
    return messages


def chat_history(session: ChatSession) -> list[dict[str, Any]]:
    """Every turn of the session as Chatbot messages."""
    return [message for turn in session.turns for message in turn_messages(turn)]
