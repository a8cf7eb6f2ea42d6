"""Defined terms as chunks of their own, read from the real documents: how many each definitions unit yields,
the term and text of particular ones, and the page each is cited at."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus_files import chunking_params
from ingest.manifest import load_manifest
from ingest.models import Chunk
from ingest.pipeline import ingest_document
from ingest.settings import Settings

MANIFEST = Path(__file__).resolve().parents[2] / "corpus" / "sources.toml"
COUNTS = {
    "eu-ai-act-2024-1689": 68,
    "us-eo-14110-2023": 33,
    "us-omb-m-25-21-2025": 19,
    "oecd-ai-recommendation-2024": 5,
    "oecd-ai-recommendation-2019": 5,
}


pytestmark = pytest.mark.corpus  # ingests five whole corpus documents, the EU AI Act among them


@pytest.fixture(scope="module")
def chunks_of(shared_corpus: Path) -> dict[str, list[Chunk]]:
    entries = {entry.id: entry for entry in load_manifest(MANIFEST)}
    params = chunking_params(Settings())
    return {doc_id: list(ingest_document(shared_corpus / entries[doc_id].file, entries[doc_id], params).chunks)
            for doc_id in [*COUNTS, "nist-ai-rmf-1.0"]}


def definitions(chunks: list[Chunk]) -> dict[str, Chunk]:
    return {c.term: c for c in chunks if c.kind == "definition"}


def test_each_definitions_unit_yields_one_chunk_per_defined_term(chunks_of: dict[str, list[Chunk]]) -> None:
    assert {doc_id: len(definitions(chunks_of[doc_id])) for doc_id in COUNTS} == COUNTS
    assert definitions(chunks_of["nist-ai-rmf-1.0"]) == {}


def test_text_chunks_are_unchanged_and_definitions_are_marked(chunks_of: dict[str, list[Chunk]]) -> None:
    chunks = chunks_of["eu-ai-act-2024-1689"]
    text = [c for c in chunks if c.kind == "text"]
    assert all(c.term == "" for c in text)
    assert all(c.term for c in chunks if c.kind == "definition")
    # every definition is a slice of the same cleaned text as the text chunk of Article 3 that holds it
    article_3 = [c for c in text if "Article 3 Definitions" in c.section]
    for definition in definitions(chunks).values():
        assert any(c.char_start <= definition.char_start < c.char_end for c in article_3), definition.term


def test_eu_ai_act_substantial_modification_is_point_23_on_page_47(chunks_of: dict[str, list[Chunk]]) -> None:
    chunk = definitions(chunks_of["eu-ai-act-2024-1689"])["substantial modification"]
    assert chunk.text.startswith("(23) ‘substantial modification’ means a change to an AI system after its "
                                 "placing on the market")
    assert (chunk.page_start, chunk.page_end) == (47, 47)
    assert chunk.section == ("Chapter I GENERAL PROVISIONS > Article 3 Definitions > substantial modification")


def test_eu_ai_act_definition_with_points_keeps_them(chunks_of: dict[str, list[Chunk]]) -> None:
    chunk = definitions(chunks_of["eu-ai-act-2024-1689"])["serious incident"]
    assert "(d) serious harm to property or the environment;" in chunk.text
    assert chunk.page_start == 49
    last = definitions(chunks_of["eu-ai-act-2024-1689"])["downstream provider"]
    assert last.text.startswith("(68)") and last.text.endswith("contractual relations.")


def test_executive_order_terms_keep_their_alternative_names(chunks_of: dict[str, list[Chunk]]) -> None:
    terms = definitions(chunks_of["us-eo-14110-2023"])
    ai = terms["artificial intelligence or AI"]
    assert ai.text.startswith("(b) The term “artificial intelligence” or “AI” has the meaning set forth in "
                              "15 U.S.C. 9401(3)")
    assert ai.page_start == 3
    dual_use = terms["dual-use foundation model"]
    assert "(iii) permitting the evasion of human control" in dual_use.text and dual_use.page_start == 4
    assert terms["watermarking"].page_start == 6


def test_omb_definitions_run_together_in_a_paragraph_are_split(chunks_of: dict[str, list[Chunk]]) -> None:
    terms = definitions(chunks_of["us-omb-m-25-21-2025"])
    assert terms["Agency"].text == 'Agency: The term "agency" has the meaning provided in 44 U.S.C. § 3502(1).'
    assert terms["Applied Research"].text.startswith('Applied Research: The term "applied research"')
    assert "4. human health and safety;" in terms["High-Impact AI"].text
    assert (terms["AI System"].page_start, terms["AI System"].page_end) == (18, 19)
    assert terms["Significant Modification"].page_start == 20


def test_oecd_terms_end_with_their_paragraph(chunks_of: dict[str, list[Chunk]]) -> None:
    for doc_id in ("oecd-ai-recommendation-2024", "oecd-ai-recommendation-2019"):
        terms = definitions(chunks_of[doc_id])
        assert sorted(terms) == ["AI actors", "AI knowledge", "AI system", "AI system lifecycle", "Stakeholders"]
        assert terms["Stakeholders"].text.endswith("AI actors are a subset of stakeholders.")
    assert "explicit or implicit objectives" in definitions(chunks_of["oecd-ai-recommendation-2024"])["AI system"].text
