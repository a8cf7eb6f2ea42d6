"""Structure-aware chunking: a chunk never spans two structural units (article, recital, annex, section);
long units split at paragraph, then sentence boundaries, with a small overlap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from ingest.enumerations import lead_in_before
from ingest.models import Chunk, SourceEntry, make_chunk_id
from ingest.pages import labels_of
from ingest.sentences import sentence_spans
from ingest.structure import Block, sheet_changes

TokenCounter = Callable[[str], int]

# Bumped whenever cleaning, structure or chunking changes what chunks a document yields: indexes rebuild.
CHUNKER_VERSION = 8  # 8: "div." of a statute citation ends no sentence; 7: the lead-in of the list a chunk opens
# inside; 6: printed page labels, OECD and OMB structure

# Units that are cited by their number: never merged with a neighbour, even when tiny.
CITABLE_UNITS = frozenset({"article", "recital", "annex", "subcategory"})
_TOKEN = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """WordPiece-like count: words and punctuation, plus a share for long words split into pieces."""
    tokens = _TOKEN.findall(text)
    return len(tokens) + sum(1 for t in tokens if len(t) > 9)


@dataclass(frozen=True)
class ChunkingParams:
    target_tokens: int = 160
    max_tokens: int = 230
    overlap_tokens: int = 24
    min_tokens: int = 40

    def __post_init__(self) -> None:
        if not 0 < self.min_tokens <= self.target_tokens <= self.max_tokens:
            raise ValueError("chunk sizes must satisfy 0 < min_tokens <= target_tokens <= max_tokens")
        if not 0 <= self.overlap_tokens < self.target_tokens:
            raise ValueError("chunk overlap must be at least 0 and below target_tokens")


@dataclass(frozen=True)
class _Span:
    """A run of cleaned text (a paragraph or one of its sentences) with its token count."""

    start: int
    end: int
    tokens: int
    block: int


def _hard_split(text: str, start: int, end: int, max_tokens: int, count: TokenCounter) -> list[tuple[int, int]]:
    """Split an over-long sentence at word boundaries into pieces that fit."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    last_space = start
    for match in re.finditer(r"\s+", text[start:end]):
        at = start + match.start()
        if count(text[piece_start:at]) > max_tokens and last_space > piece_start:
            pieces.append((piece_start, last_space))
            piece_start = last_space + 1
        last_space = at
    if count(text[piece_start:end]) > max_tokens and last_space > piece_start:
        pieces.append((piece_start, last_space))  # the last word would push the last piece past the maximum
        piece_start = last_space + 1
    pieces.append((piece_start, end))
    return pieces


def _spans_of_unit(blocks: list[tuple[int, Block]], offsets: list[int], text: str, params: ChunkingParams,
                   count: TokenCounter) -> list[_Span]:
    spans: list[_Span] = []
    for index, block in blocks:
        start = offsets[index]
        end = start + len(block.text)
        tokens = count(block.text)
        if tokens <= params.target_tokens:
            spans.append(_Span(start, end, tokens, index))
            continue
        for s, e in sentence_spans(block.text, start):
            n = count(text[s:e])
            # a run-on sentence cut at word boundaries is cut to the target, leaving room for overlap
            pieces = [(s, e)] if n <= params.max_tokens else _hard_split(
                text, s, e, params.target_tokens, count)
            spans.extend(_Span(ps, pe, count(text[ps:pe]), index) for ps, pe in pieces)
    return spans


def _pack(spans: list[_Span], params: ChunkingParams) -> list[list[_Span]]:
    """Greedy packing up to the target; each new chunk opens with the previous chunk's last short sentences."""
    chunks: list[list[_Span]] = []
    current: list[_Span] = []
    fresh = 0  # spans in `current` that are not overlap
    for span in spans:
        size = sum(s.tokens for s in current)
        if current and fresh and size + span.tokens > params.target_tokens:
            chunks.append(current)
            overlap: list[_Span] = []
            for previous in reversed(current):
                if sum(s.tokens for s in overlap) + previous.tokens > params.overlap_tokens:
                    break
                if previous.block != span.block:
                    break  # overlap only repeats sentences of the paragraph being split
                overlap.insert(0, previous)
            while overlap and sum(s.tokens for s in overlap) + span.tokens > params.max_tokens:
                overlap.pop(0)  # the overlap never pushes a chunk past the maximum
            current, fresh = overlap, 0
        current.append(span)
        fresh += 1
    if current and fresh:
        chunks.append(current)
    if len(chunks) > 1:
        last_size = sum(s.tokens for s in chunks[-1])
        merged = _merge_without_overlap(chunks[-2], chunks[-1])
        if last_size < params.min_tokens and sum(s.tokens for s in merged) <= params.max_tokens:
            chunks[-2:] = [merged]
    return chunks


def _merge_without_overlap(first: list[_Span], second: list[_Span]) -> list[_Span]:
    return first + [s for s in second if s.start >= first[-1].end]


def _units(blocks: list[Block]) -> Iterator[list[tuple[int, Block]]]:
    """Consecutive blocks of one unit; a bare heading (chapter, part) joins the unit that follows it."""
    group: list[tuple[int, Block]] = []
    for index, block in enumerate(blocks):
        if group and block.unit != group[-1][1].unit and not all(b.is_heading for _, b in group):
            yield group
            group = []
        group.append((index, block))
    if group:
        yield group


def _merge_tiny_units(units: list[list[tuple[int, Block]]], params: ChunkingParams,
                      count: TokenCounter) -> list[list[tuple[int, Block]]]:
    """Fold a tiny unit into the next one when neither is a citable unit and they share a top section, or the
    tiny one has no section (a cover page before the first heading)."""
    merged: list[list[tuple[int, Block]]] = []
    for unit in units:
        if merged:
            previous = merged[-1]
            p_block, u_block = previous[-1][1], unit[-1][1]
            small = sum(count(b.text) for _, b in previous) < params.min_tokens
            if (small and p_block.unit_kind not in CITABLE_UNITS and u_block.unit_kind not in CITABLE_UNITS
                    and (p_block.path[:1] == u_block.path[:1] or not p_block.path)):
                merged[-1] = previous + unit
                continue
        merged.append(unit)
    return merged


def _section(blocks: list[Block]) -> str:
    path = " > ".join(blocks[-1].path)
    markers = [b.marker for b in blocks if b.marker]
    if not markers:
        return path
    span = markers[0] if markers[0] == markers[-1] else f"{markers[0]}–{markers[-1]}"
    return f"{path} > {span}" if path else span


_ONE_MARKER = r"(?:Sec\. \d{1,2}(?:\.\d{1,2})?)?\d{0,3}(?:\([0-9A-Za-z]{1,5}\))*"
_MARKER = re.compile(rf"{_ONE_MARKER}(?:–{_ONE_MARKER})?")


def section_unit(section: str) -> str:
    """The structural unit of a section path, without the paragraph marker that `_section` appends
    (`… > Article 5 … > 1(f)`, `… > 4.2 Ensuring Safe and Reliable AI > Sec. 4.2(a)(i)–(ii)`); a heading that
    opens with a number (`5.1 Govern`) is part of the unit."""
    parts = section.split(" > ")
    if len(parts) > 1 and parts[-1] and _MARKER.fullmatch(parts[-1]):
        parts = parts[:-1]
    return " > ".join(parts)


def chunk_blocks(entry: SourceEntry, blocks: list[Block], params: ChunkingParams,
                 count: TokenCounter = estimate_tokens, labels: Mapping[int, str] | None = None
                 ) -> tuple[str, list[Chunk]]:
    """The document's cleaned text and its chunks; chunk text is always a slice of that text. `labels`: the
    printed page number of each sheet, where the document prints one."""
    offsets: list[int] = []
    position = 0
    for block in blocks:
        offsets.append(position)
        position += len(block.text) + 1
    text = "\n".join(block.text for block in blocks)
    chunks: list[Chunk] = []
    for unit in _merge_tiny_units(list(_units(blocks)), params, count):
        for packed in _pack(_spans_of_unit(unit, offsets, text, params, count), params):
            start, end = packed[0].start, packed[-1].end
            first, last = blocks[packed[0].block], blocks[packed[-1].block]
            indexes = sorted({s.block for s in packed})
            section = _section([blocks[i] for i in indexes])
            chunk_text = text[start:end]
            page_start = first.page_at(start - offsets[packed[0].block])
            page_end = last.page_at(end - 1 - offsets[packed[-1].block])
            chunks.append(Chunk(
                chunk_id=make_chunk_id(entry.id, section, chunk_text),
                doc_id=entry.id, title=entry.title, jurisdiction=entry.jurisdiction,
                page_start=page_start, page_end=page_end,
                section=section, char_start=start, char_end=end, text=chunk_text,
                url=entry.url, issuer=entry.issuer, page_labels=labels_of(labels or {}, page_start, page_end),
                page_breaks=sheet_changes([(blocks[i], offsets[i]) for i in indexes], start, end),
            ))
    return text, with_lead_ins(text, chunks)


def with_lead_ins(text: str, chunks: list[Chunk]) -> list[Chunk]:
    """The chunks, each that opens inside a list carrying the list's lead-in from the text of its provision before
    it (`section_unit`: EO 14110's "(B)" is a unit of its own, but its lead-in ends the text of Sec. 4.2(a)(i))."""
    result: list[Chunk] = []
    unit, unit_start = None, 0
    for chunk in chunks:
        if section_unit(chunk.section) != unit:
            unit, unit_start = section_unit(chunk.section), chunk.char_start
        lead_in = lead_in_before(text[unit_start:chunk.char_start], chunk.text)
        result.append(replace(chunk, lead_in=lead_in) if lead_in else chunk)
    return result
