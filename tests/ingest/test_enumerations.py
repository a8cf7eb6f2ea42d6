"""A chunk that opens inside a list carries the list's lead-in: in BM25's text, and shown to the reader."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.bm25 import bm25_text
from index.build import embedding_text
from ingest.enumerations import ITEM_LABEL, LEAD_IN_WORDS, lead_in_before
from ingest.pipeline import IngestedDocument, IngestResult
from tests.ingest.test_structure_real import chunk_with, ingest


def test_the_lead_in_is_the_line_before_the_items_and_ends_with_a_colon() -> None:
    before = "Article 2\n1. This Regulation applies to:\n(a) providers;\n(b) deployers;"
    assert lead_in_before(before, "(c) importers;") == "1. This Regulation applies to:"
    assert lead_in_before(before, "2. For AI systems classified as high-risk …") == ""  # not an item
    assert lead_in_before("It applies widely.\n(a) providers;", "(b) deployers;") == ""  # no colon: no list
    assert lead_in_before("", "(a) providers;") == ""


def test_a_long_lead_in_keeps_its_last_sentence_and_its_last_words() -> None:
    long = "First sentence. " + " ".join(["word"] * 50) + " regarding the following:"
    lead_in = lead_in_before(long, "(A) any ongoing activities;")
    assert lead_in.startswith("… ") and lead_in.endswith("regarding the following:")
    assert len(lead_in.split()) == LEAD_IN_WORDS + 1 and "First sentence" not in lead_in


@pytest.fixture(scope="module")
def eo_14110(shared_corpus: Path) -> IngestedDocument:
    return ingest(shared_corpus, "us-eo-14110-2023")


def test_a_nested_item_of_eo_14110_carries_who_must_report_what(eo_14110: IngestedDocument) -> None:
    # 4.2(a)(i)(B) was a chunk without the sentence saying companies must report to the Federal Government
    chunk = chunk_with(eo_14110, "the ownership and possession of the model weights")
    assert chunk.lead_in.startswith("(i) Companies developing or demonstrating an intent to develop")
    assert chunk.lead_in.endswith("regarding the following:")
    assert chunk.lead_in in eo_14110.text[:chunk.char_start]


def test_eu_ai_act_items_carry_their_paragraph_lead_in(shared_corpus: Path) -> None:
    act = ingest(shared_corpus, "eu-ai-act-2024-1689")
    emotions = chunk_with(act, "to infer emotions of a natural person in the areas of workplace")
    assert emotions.lead_in == "1. The following AI practices shall be prohibited:"
    representatives = chunk_with(act, "(f) authorised representatives of providers")
    assert representatives.lead_in == "1. This Regulation applies to:"


def test_only_chunks_opening_with_an_item_carry_a_lead_in_and_it_is_the_documents_text(
        ingested_corpus: IngestResult) -> None:
    carrying = 0
    for doc in ingested_corpus.documents:
        for chunk in doc.chunks:
            if not chunk.lead_in:
                continue
            carrying += 1
            assert ITEM_LABEL.match(chunk.text), chunk.chunk_id
            assert chunk.lead_in.removeprefix("… ") in doc.text[:chunk.char_start], chunk.chunk_id
    assert carrying >= 300  # 355 in the default corpus


def test_bm25_reads_the_lead_in_and_the_embedder_only_when_asked(eo_14110: IngestedDocument) -> None:
    chunk = chunk_with(eo_14110, "the ownership and possession of the model weights")
    assert chunk.lead_in in bm25_text(chunk)
    assert chunk.lead_in not in embedding_text(chunk, "title+section")
    assert chunk.lead_in in embedding_text(chunk, "title+section+lead-in")
    assert embedding_text(replace(chunk, lead_in=""), "title+section+lead-in") == embedding_text(
        chunk, "title+section")
