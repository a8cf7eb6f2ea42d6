"""One sentence per compare column, written by the answer model from that column's cited sentences and shown
only when it passes the citation check every written answer goes through.

>>> summarised = summarise(assistant, compare(assistant, "human oversight", ("eu", "us"), facts))  # doctest: +SKIP
>>> summarised.columns[0].shown_summary  # doctest: +SKIP
'The AI Act requires high-risk AI systems to be designed so that natural persons can oversee them. [1]'

The model sees the column's cited sentences only, numbered as the column numbers them, and is asked for one
sentence. Its sentence is checked like an answer's (`assistant.support.check_citations`): it must be supported by
the cited passages it claims (or one of the column's, when it claims none), and every number, date, id and name in
it must stand in those passages. A sentence that fails is dropped, and that column shows no summary.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.chat.base import LLMNotConfiguredError
from assistant.chat.prompt import Excerpt, answer_messages, header
from assistant.chat.reply import finished
from assistant.compare import Column, Comparison, Summary
from assistant.support import check_citations
from assistant.writers.llm import LLMWriter

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

SUMMARY_TOKENS = 64  # one sentence of 25 words with its markers is ~40 tokens; the cap bounds a model that runs on
_SENTENCE_END = re.compile(r"\]\s*[.!?]|[.!?]\s*\[[\d,\s-]+\]|\S\s*\n")


def summary_question(topic: str) -> str:
    return f"Summarise what the passages say about {topic.strip()}."


def one_sentence_written(text: str) -> bool:
    """True once the reply holds a finished sentence with its markers, or a line: nothing after it is read."""
    return finished(text) or _SENTENCE_END.search(text) is not None


def summary_writer(assistant: Assistant) -> LLMWriter:
    """The assistant's answer model; raises LLMNotConfiguredError (naming what to install) when there is none."""
    writer = assistant.writer("llm")
    if not isinstance(writer, LLMWriter):
        raise LLMNotConfiguredError(f"the llm writer is a {type(writer).__name__}, not a chat model")
    return writer


def summarise_column(assistant: Assistant, writer: LLMWriter, topic: str, column: Column) -> Summary | None:
    """The summary of one column; None for a column without cited sentences (not addressed)."""
    if not column.addressed or not column.citations:
        return None
    started = time.perf_counter()
    citations = column.citations
    shown = tuple(Excerpt(number, header(c.passage), (c.quote,)) for number, c in enumerate(citations, start=1))
    draft = writer.draft(answer_messages(summary_question(topic), "summary", shown), len(citations),
                         max_tokens=SUMMARY_TOKENS, done=one_sentence_written)
    first = next((s for s in draft.sentences if not s.bullet), None)
    if draft.declined or first is None:
        return Summary("", (), writer.name, _ms_since(started), "the model wrote no sentence")
    if not first.text.rstrip("\"'”’)").endswith((".", "!", "?")):
        return Summary("", (), writer.name, _ms_since(started), "the model's sentence was cut off at its length cap")
    checked = check_citations([first], [c.passage for c in citations], assistant.sentence_embedder,
                              assistant.support_threshold)
    if not checked.sentences:
        return Summary("", (), writer.name, _ms_since(started),
                       "not supported by the cited passages (dropped by the citation check)")
    # the check numbers the passages it kept 1, 2, …; the column's numbers are shown instead
    own = {c.passage.chunk.chunk_id: c.n for c in citations}
    numbers = tuple(dict.fromkeys(own[c.passage.chunk.chunk_id] for c in checked.citations
                                  if c.passage.chunk.chunk_id in own))
    return Summary(checked.sentences[0].text, numbers, writer.name, _ms_since(started))


def summarise(assistant: Assistant, comparison: Comparison) -> Comparison:
    """The comparison with a summary above each addressed column; without an answer model, the comparison as it
    is, its `summaries` saying why there are none."""
    try:
        writer = summary_writer(assistant)
    except LLMNotConfiguredError as exc:
        return replace(comparison, summaries=f"no summaries: {exc}")
    columns = tuple(replace(c, summary=summarise_column(assistant, writer, comparison.topic, c))
                    for c in comparison.columns)
    return replace(comparison, columns=columns, summaries=f"summaries written by {writer.name}")


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
