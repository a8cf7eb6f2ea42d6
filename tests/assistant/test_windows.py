"""Small-to-big passages on the real index: ranked chunks read in their provision's window, matched neighbours
merged, citations narrowed to the chunk (and page) that holds the quote."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.diversity import section_unit
from assistant.pipeline import Assistant
from assistant.windows import joined, narrowed, provision_window, widen, without_overlap
from ingest.settings import Settings

BUDGET = 250


def test_overlap_repeated_by_the_next_chunk_is_dropped_once() -> None:
    assert without_overlap("Alpha one. Beta two.", "Beta two. Gamma three.") == "Gamma three."
    assert without_overlap("Alpha one.", "Gamma three.") == "Gamma three."
    # a shared word inside a sentence is no overlap: the repeated part must end at a word boundary
    assert without_overlap("It applies to providers", "providersip rules apply.") == "providersip rules apply."


def test_window_stays_in_its_provision_within_the_budget(assistant: Assistant) -> None:
    passages = assistant.searcher.search("emotion recognition in the workplace prohibited", 10, "hybrid")
    article = next(p for p in passages if "Article 5 " in p.chunk.section)
    members = provision_window(article.chunk, assistant.searcher.neighbours, BUDGET)
    assert len(members) > 1
    assert {section_unit(m.section) for m in members} == {section_unit(article.chunk.section)}
    assert article.chunk in members
    assert len(joined(members).split()) <= BUDGET
    rows = [assistant.searcher.row_of_chunk[m.chunk_id] for m in members]
    assert rows == list(range(rows[0], rows[0] + len(rows)))  # consecutive, in document order


def test_neighbours_that_both_match_are_read_as_one_window(assistant: Assistant) -> None:
    passages = assistant.searcher.search("Article 99 penalties administrative fines", 20, "hybrid")
    widened = widen(passages, assistant.searcher.neighbours, BUDGET)
    shown = [m.chunk_id for p in widened for m in (p.window or (p.chunk,))]
    assert len(shown) == len(set(shown))  # no chunk in two windows
    assert len(widened) < len(passages)  # a chunk inside a better-ranked window is merged into it
    assert [p.rank for p in widened] == list(range(1, len(widened) + 1))
    first = widened[0]
    assert first.window and first.chunk.text == joined(list(first.window))
    assert all(m.text.split()[-1] in first.chunk.text for m in first.window)
    assert first.chunk.page_start == min(m.page_start for m in first.window)


def test_citation_opens_the_chunk_and_page_holding_its_quote(assistant: Assistant) -> None:
    passages = assistant.searcher.search("Article 99 penalties administrative fines", 10, "hybrid")
    window = next(p for p in widen(passages, assistant.searcher.neighbours, 400) if len(p.window) > 2)
    last = window.window[-1]
    quote = next(s for s in last.text.split("\n") if len(s) > 40 and s not in window.window[0].text)
    cited = narrowed(window, quote)
    assert cited.chunk == last and cited.window == ()
    assert narrowed(window, "words that no chunk holds") is window


@pytest.fixture(scope="module")
def windowed(assistant: Assistant, built_settings: Settings) -> Assistant:
    return replace(assistant, settings=built_settings.replace(passage_window_words=BUDGET), writers={})


def test_answers_from_windows_cite_the_page_of_the_quoted_sentence(windowed: Assistant) -> None:
    answer = windowed.ask("May employers use AI to detect how their staff feel?")
    assert not answer.abstained
    members = {m.chunk_id: m for p in answer.passages for m in p.window}
    assert members  # the passages were read in windows
    for citation in answer.citations:
        chunk = citation.passage.chunk
        assert citation.quote in chunk.text
        assert not citation.passage.window  # the chunk of the window, not the whole window
        if chunk.chunk_id in members:
            assert chunk == members[chunk.chunk_id]  # its own pages and section
