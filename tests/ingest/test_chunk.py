"""Structure-aware chunking: slices of the cleaned text, sized by the parameters, never across two units."""

from __future__ import annotations

import itertools

import pytest

from ingest.chunk import ChunkingParams, chunk_blocks, estimate_tokens, sentence_spans
from ingest.models import Chunk, SourceEntry
from ingest.structure import Block, Line, build_blocks

ENTRY = SourceEntry(id="doc", file="doc.pdf", title="A Test Regulation", jurisdiction="eu")
# all shorter than ten letters: one estimated token each
_WORDS = ["provider", "deployer", "system", "market", "authority", "risk", "record", "notice", "duty", "body",
          "data", "user", "agency", "model", "output"]


def sentence(words: int, start: int = 0) -> str:
    """A sentence of `words` words and a full stop: `words` + 1 estimated tokens."""
    body = " ".join(_WORDS[(start + i) % len(_WORDS)] for i in range(words - 1))
    return f"The {body}."


def paragraph(sentences: int, words: int = 14) -> str:
    return " ".join(sentence(words, start=n) for n in range(sentences))


def regulation(articles: int = 3) -> list[Line]:
    """Articles of different lengths: a short one, a long one of several paragraphs, one run-on sentence."""
    text: list[str] = []
    for number in range(1, articles + 1):
        text += [f"Article {number}", f"Title of article {number}"]
        if number % 3 == 1:
            text.append(f"1. {sentence(12)}")
        elif number % 3 == 2:
            text += [f"{p}. {paragraph(8)}" for p in range(1, 5)]
        else:
            text.append("19. Regulation " + ", ".join(f"(EU) No {n}/2010" for n in range(120)) + ".")
    return [Line(1 + i // 40, line) for i, line in enumerate(text)]


def chunked(lines: list[Line], params: ChunkingParams) -> tuple[list[Block], str, list[Chunk]]:
    blocks = build_blocks(lines)
    text, chunks = chunk_blocks(ENTRY, blocks, params)
    return blocks, text, chunks


PARAMS = [
    ChunkingParams(),
    ChunkingParams(target_tokens=60, max_tokens=90, overlap_tokens=12, min_tokens=15),
    ChunkingParams(target_tokens=40, max_tokens=40, overlap_tokens=0, min_tokens=40),
]


@pytest.mark.parametrize("params", PARAMS)
def test_chunk_text_is_always_the_slice_of_the_cleaned_text(params: ChunkingParams) -> None:
    blocks, text, chunks = chunked(regulation(6), params)
    assert text == "\n".join(b.text for b in blocks)
    for chunk in chunks:
        assert chunk.text == text[chunk.char_start:chunk.char_end]
        assert chunk.text == chunk.text.strip() and chunk.text


@pytest.mark.parametrize("params", PARAMS)
def test_every_chunk_stays_within_the_maximum_size(params: ChunkingParams) -> None:
    _, _, chunks = chunked(regulation(6), params)
    assert max(estimate_tokens(c.text) for c in chunks) <= params.max_tokens


def test_overlap_never_pushes_a_chunk_past_the_maximum() -> None:
    # a short first sentence, then pieces of run-on sentences near the maximum: overlap must give way
    params = ChunkingParams(target_tokens=30, max_tokens=40, overlap_tokens=10, min_tokens=5)
    lines = [Line(1, "Article 1"), Line(1, "Title"),
             Line(1, "19. First short sentence. " + " ".join(sentence(36) for _ in range(4)))]
    _, _, chunks = chunked(lines, params)
    assert max(estimate_tokens(c.text) for c in chunks) <= params.max_tokens


def test_a_leading_paragraph_number_is_not_a_sentence_of_its_own() -> None:
    text = "5. The provider shall inform the authority. It shall do so without delay."
    assert [text[s:e] for s, e in sentence_spans(text, 0)] == [
        "5. The provider shall inform the authority.", "It shall do so without delay."]


def test_long_units_split_into_overlapping_chunks() -> None:
    params = ChunkingParams(target_tokens=60, max_tokens=90, overlap_tokens=20, min_tokens=15)
    lines = [Line(1, "Article 1"), Line(1, "Title"), Line(1, paragraph(12, words=12))]
    _, text, chunks = chunked(lines, params)
    assert len(chunks) >= 3
    for previous, following in itertools.pairwise(chunks):
        assert following.char_start < previous.char_end  # the next chunk repeats the previous one's tail
        repeated = text[following.char_start:previous.char_end]
        assert 0 < estimate_tokens(repeated) <= params.overlap_tokens
        assert following.char_end > previous.char_end


def test_chunks_of_different_paragraphs_do_not_overlap() -> None:
    params = ChunkingParams(target_tokens=60, max_tokens=90, overlap_tokens=20, min_tokens=15)
    lines = [Line(1, "Article 1"), Line(1, "Title")] + [Line(1, f"{n}. {sentence(40)}") for n in range(1, 5)]
    _, _, chunks = chunked(lines, params)
    assert all(b.char_start >= a.char_end for a, b in itertools.pairwise(chunks))


def test_a_tiny_trailing_piece_is_merged_into_the_previous_chunk() -> None:
    params = ChunkingParams(target_tokens=50, max_tokens=80, overlap_tokens=0, min_tokens=20)
    body = f"{sentence(44)} {sentence(9)}"  # 45 + 10 tokens: the 10-token tail alone is below the minimum
    _, _, chunks = chunked([Line(1, "Article 1"), Line(1, "Title"), Line(1, body)], params)
    assert [c.text for c in chunks] == ["Article 1\nTitle\n" + body]


def test_a_trailing_piece_is_kept_apart_when_merging_would_pass_the_maximum() -> None:
    params = ChunkingParams(target_tokens=50, max_tokens=55, overlap_tokens=0, min_tokens=20)
    body = f"{sentence(44)} {sentence(9)}"
    _, _, chunks = chunked([Line(1, "Article 1"), Line(1, "Title"), Line(1, body)], params)
    assert len(chunks) == 2


def test_no_chunk_spans_two_articles_even_when_they_are_tiny() -> None:
    params = ChunkingParams()
    lines = [Line(1, text) for n in range(1, 6) for text in (f"Article {n}", f"Title {n}", sentence(5))]
    _, _, chunks = chunked(lines, params)
    assert len(chunks) == 5
    assert [c.section for c in chunks] == [f"Article {n} Title {n}" for n in range(1, 6)]


@pytest.mark.parametrize("params", PARAMS)
def test_every_chunk_lies_within_one_structural_unit(params: ChunkingParams) -> None:
    blocks, _, chunks = chunked(regulation(9), params)
    starts = []
    position = 0
    for block in blocks:
        starts.append((position, position + len(block.text), block))
        position += len(block.text) + 1
    for chunk in chunks:
        units = {b.unit for s, e, b in starts if s < chunk.char_end and e > chunk.char_start}
        assert len(units) == 1, chunk.section
        article = {b.path[-1] for s, e, b in starts if s < chunk.char_end and e > chunk.char_start}
        assert chunk.section.startswith(article.pop())


def test_chunk_pages_follow_the_blocks_they_cover() -> None:
    params = ChunkingParams(target_tokens=60, max_tokens=90, overlap_tokens=0, min_tokens=15)
    lines = [Line(7, "Article 1"), Line(7, "Title")] + [Line(7 + n // 2, f"{n + 1}. {sentence(30)}")
                                                       for n in range(6)]
    _, _, chunks = chunked(lines, params)
    assert chunks[0].page_start == 7
    assert chunks[-1].page_end == 9
    assert all(c.page_start <= c.page_end for c in chunks)


def test_chunk_ids_are_stable_and_distinct() -> None:
    _, _, first = chunked(regulation(6), ChunkingParams())
    _, _, second = chunked(regulation(6), ChunkingParams())
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)
    assert all(c.chunk_id.startswith("doc:") for c in first)


def test_inconsistent_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="min_tokens <= target_tokens <= max_tokens"):
        ChunkingParams(target_tokens=300, max_tokens=200)
    with pytest.raises(ValueError, match="overlap"):
        ChunkingParams(overlap_tokens=160)
