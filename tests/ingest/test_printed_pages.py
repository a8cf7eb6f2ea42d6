"""Printed page numbers of the real documents: chunks keep the PDF sheet (what `#page=N` opens) and carry the
page number printed on it, which citations show; a quote that runs onto the next page is cited as "pp."."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models import Citation
from assistant.text import quote_span, sentences
from index.models import Passage
from ingest.chunk import ChunkingParams
from ingest.manifest import load_manifest
from ingest.models import Chunk
from ingest.pages import page_reference, printed_folios
from ingest.pipeline import IngestedDocument, ingest_document
from ui.commands.search import format_passage

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def documents(shared_corpus: Path) -> dict[str, IngestedDocument]:
    wanted = ("nist-ai-rmf-1.0", "nist-ai-rmf-playbook", "us-eo-14110-2023", "eu-ai-act-2024-1689")
    entries = [e for e in load_manifest(REPO / "corpus" / "sources.toml") if e.id in wanted]
    return {e.id: ingest_document(shared_corpus / e.file, e, ChunkingParams()) for e in entries}


def on_sheet(doc: IngestedDocument, sheet: int) -> Chunk:
    found = [c for c in doc.chunks if c.page_start == sheet == c.page_end and c.kind == "text"]
    assert found, f"no chunk of {doc.entry.id} lies on sheet {sheet} alone"
    return found[0]


@pytest.mark.parametrize("doc_id, sheet, printed", [
    ("nist-ai-rmf-1.0", 17, "p. 12"),  # the AI RMF counts its pages from the first page after the front matter
    ("nist-ai-rmf-playbook", 99, "p. 94"),  # its footer reads "94 of 137"
    ("us-eo-14110-2023", 33, "88 FR 75223"),  # the Federal Register page the order was printed on
    ("eu-ai-act-2024-1689", 51, "p. 51"),  # the Official Journal's "51/144"
])
def test_chunks_keep_the_sheet_and_show_the_printed_page(documents: dict[str, IngestedDocument], doc_id: str,
                                                        sheet: int, printed: str) -> None:
    chunk = on_sheet(documents[doc_id], sheet)
    assert chunk.printed_pages() == printed
    passage = Passage(chunk, 0.5, 1)
    assert passage.to_dict()["printed_pages"] == printed and passage.to_dict()["page_start"] == sheet
    assert f", {printed} | " in format_passage(passage)
    assert Chunk.from_dict(chunk.to_dict()) == chunk  # the index stores chunks as JSON


def test_a_sentence_across_two_pages_is_cited_on_both(documents: dict[str, IngestedDocument]) -> None:
    def straddling(chunk: Chunk) -> list[tuple[str, int]]:
        return [(s, sheet) for at, sheet in chunk.page_breaks for s in sentences(chunk.text)
                if quote_span(chunk.text, s)[0] < at < quote_span(chunk.text, s)[1]]

    chunk = next(c for c in documents["nist-ai-rmf-1.0"].chunks if c.kind == "text" and straddling(c))
    sentence, sheet = straddling(chunk)[0]
    citation = Citation(1, Passage(chunk, 0.5, 1), sentence)
    assert citation.sheets == (sheet - 1, sheet)
    labels = chunk.page_labels
    expected = page_reference(labels[sheet - 1 - chunk.page_start], labels[sheet - chunk.page_start])
    assert citation.printed_pages == expected and expected.startswith("pp. ")
    assert citation.to_dict()["printed_pages"] == expected
    first_break = chunk.page_breaks[0][0]
    within = [s for s in sentences(chunk.text) if 0 <= quote_span(chunk.text, s)[1] < first_break]
    if within:
        assert Citation(1, Passage(chunk, 0.5, 1), within[0]).printed_pages.startswith("p. ")


def test_a_page_number_is_a_folio_only_where_its_neighbours_agree() -> None:
    pages = [["Cover"], ["Intro", "text", "1"], ["2", "A list item first"], ["a figure"], ["more", "4"],
             ["5", "end"]]
    assert printed_folios(pages) == ["", "1", "2", "3", "4", "5"]
    assert printed_folios([["2", "x"], ["body"], ["7", "y"]]) == ["", "", ""]
