"""Small-to-big passages: the search ranks chunks sized for the embedder; the reader and the writer get each
ranked chunk widened to the window of its provision around it (up to `budget_words`), and a ranked chunk that
falls inside a better-ranked window is merged into it rather than shown twice.

>>> widened = widen(passages, searcher.neighbours, budget_words=250)  # doctest: +SKIP
>>> widened[0].window  # doctest: +SKIP
(Chunk(... '1(e)'), Chunk(... '1(f)'), Chunk(... '1(g)'))

A window's chunk carries the joined text, the pages it spans and the ranked chunk's id and section; `window`
keeps the chunks it was made of, so a citation can name the page of the sentence it quotes (`narrowed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

from assistant.diversity import section_unit
from index.models import Passage
from ingest.models import Chunk
from ingest.pages import labels_of

Neighbours = Callable[[Chunk], tuple[Chunk | None, Chunk | None]]
BACKWARD, FORWARD = 0, 1


def without_overlap(previous: str, following: str) -> str:
    """`following` without its opening words that repeat the end of `previous` (the chunker's overlap repeats
    whole sentences, so the repeated part ends where `following` has a space).

    >>> without_overlap("First one. Second one.", "Second one. Third one.")
    'Third one.'
    """
    tail = previous.rstrip()
    cut = 0
    for end in range(1, min(len(tail), len(following)) + 1):
        if (end == len(following) or following[end].isspace()) and tail.endswith(following[:end]):
            cut = end
    return following[cut:].lstrip()


def joined(members: list[Chunk]) -> str:
    text = members[0].text
    for previous, following in pairwise(members):
        fresh = without_overlap(previous.text, following.text)
        if fresh:
            text = f"{text}\n{fresh}"
    return text


def provision_window(chunk: Chunk, neighbours: Neighbours, budget_words: int,
                     taken: frozenset[str] = frozenset()) -> list[Chunk]:
    """The chunks of `chunk`'s structural unit around it, in document order, as many as fit in `budget_words`:
    one more after, then one more before, until neither side fits. Chunks in `taken` are never added."""
    unit = section_unit(chunk.section)
    members = [chunk]
    words = len(chunk.text.split())
    sides = [FORWARD, BACKWARD]
    while sides:
        for side in list(sides):
            edge = members[-1] if side == FORWARD else members[0]
            beside = neighbours(edge)[side]
            if beside is None or beside.chunk_id in taken or section_unit(beside.section) != unit:
                sides.remove(side)
                continue
            pair = (edge, beside) if side == FORWARD else (beside, edge)
            extra = len(without_overlap(pair[0].text, pair[1].text).split())
            if words + extra > budget_words:
                sides.remove(side)
                continue
            members.insert(len(members) if side == FORWARD else 0, beside)
            words += extra
    return members


def window_passage(passage: Passage, members: list[Chunk]) -> Passage:
    if len(members) == 1:
        return passage
    first, last = min(m.page_start for m in members), max(m.page_end for m in members)
    labels = {sheet: label for m in members for sheet, label in zip(range(m.page_start, m.page_end + 1),
                                                                    m.page_labels)}
    # the joined text drops the chunks' repeated sentences, so their page breaks no longer point into it
    chunk = replace(passage.chunk, text=joined(members), page_start=first, page_end=last,
                    char_start=members[0].char_start, char_end=members[-1].char_end,
                    page_labels=labels_of(labels, first, last), page_breaks=())
    return replace(passage, chunk=chunk, window=tuple(members))


def widen(passages: list[Passage], neighbours: Neighbours, budget_words: int) -> list[Passage]:
    """Each text passage widened to its provision window, in ranking order; a passage whose chunk is already
    inside a better-ranked window is dropped (the two matched neighbours are read as one), and windows never
    share a chunk. Definitions stay as they are. Ranks are renumbered."""
    taken: set[str] = set()
    widened: list[Passage] = []
    for passage in passages:
        chunk = passage.chunk
        if chunk.chunk_id in taken:
            continue
        members = provision_window(chunk, neighbours, budget_words, frozenset(taken)) \
            if chunk.kind == "text" else [chunk]
        taken.update(m.chunk_id for m in members)
        widened.append(window_passage(passage, members))
    return [p.with_rank(rank) for rank, p in enumerate(widened, start=1)]


def narrowed(passage: Passage, quote: str) -> Passage:
    """The passage a citation of `quote` opens: the chunk of the window that holds the quote (its own page and
    section), or the passage itself when it is no window or no single chunk holds the quote."""
    holder = next((m for m in passage.window if quote in m.text), None)
    return passage if holder is None else replace(passage, chunk=holder, window=())
