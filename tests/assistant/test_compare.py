"""`compare` over the session's index of the whole corpus: each column drawn from its own jurisdiction only, a
topic a jurisdiction's documents do not treat marked "not addressed" with its closest passage, instrument types
from the manifest; and the compare gold set, whose every quote stands on its page."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cited_evidence import topic_coverage
from assistant.compare import NOT_ADDRESSED, compare, indexed_document_facts
from assistant.evaluation.compare_eval import cell_hit, load_compare_gold
from assistant.pipeline import Assistant
from ingest.loaders import load_document
from ingest.manifest import load_manifest
from tests.conftest import REGISTRY

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "corpus" / "sources.toml"
GOLD = REPO / "corpus" / "eval" / "compare-gold.jsonl"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
FIVE = ("japan", "eu", "us", "oecd", "g7")


@pytest.fixture(scope="module")
def facts(assistant: Assistant) -> dict:
    return indexed_document_facts(assistant)


def test_every_column_cites_only_its_own_jurisdiction(assistant: Assistant, facts: dict) -> None:
    comparison = compare(assistant, "human oversight", FIVE, facts)
    assert [c.jurisdiction for c in comparison.columns] == list(FIVE)
    for column in comparison.columns:
        shown = column.cited_passages() or (column.closest,)
        assert shown and all(p.chunk.jurisdiction == column.jurisdiction for p in shown), column.jurisdiction
        assert all(facts[d.doc_id].instrument == d.instrument for d in column.documents)
    eu = comparison.columns[1]
    assert eu.addressed and 1 <= len(eu.sentences) <= 3
    assert all(c.quote in c.passage.chunk.text for c in eu.citations)


def test_a_topic_a_jurisdiction_does_not_treat_is_not_addressed_with_its_closest_passage(
        assistant: Assistant, facts: dict) -> None:
    comparison = compare(assistant, "Chief AI Officers", ("us", "japan", "g7"), facts)
    us, japan, g7 = comparison.columns
    assert us.addressed and any("Chief" in s.text for s in us.sentences)
    for column in (japan, g7):
        assert not column.addressed and column.text == NOT_ADDRESSED and not column.citations
        assert column.closest is not None and column.closest.chunk.jurisdiction == column.jurisdiction
    assert japan.documents[0].instrument == "report"
    assert g7.documents[0].instrument == "leaders' statement"


def test_eu_column_lists_the_regulation_and_us_column_its_kinds_of_instrument(assistant: Assistant,
                                                                            facts: dict) -> None:
    eu, us = compare(assistant, "transparency", ("eu", "us"), facts).columns
    assert [d.instrument for d in eu.documents] == ["binding law (regulation)"]
    assert {"executive order", "agency memorandum", "voluntary framework"} <= {d.instrument for d in us.documents}
    citation = eu.to_dict()["citations"][0]
    assert citation["instrument"] == "binding law (regulation)" and citation["doc_id"] == "eu-ai-act-2024-1689"


def test_coverage_counts_the_topic_words_found_in_the_cited_passages() -> None:
    assert topic_coverage("human oversight", [("Article 14 Human oversight", "Measures shall ...")]) == 1.0
    assert topic_coverage("watermarking of content", [("Recital (1)", "The purpose of this Regulation")]) == 0.0


def test_an_empty_topic_fails(assistant: Assistant, facts: dict) -> None:
    with pytest.raises(ValueError, match="topic"):
        compare(assistant, "  ", FIVE, facts)


@pytest.mark.corpus  # reads the pages of every corpus document the gold cites
def test_gold_has_thirty_cases_and_every_quote_is_verbatim_on_its_page() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    cases = load_compare_gold(GOLD, REGISTRY.codes)
    assert len(cases) >= 30 and any(c.not_addressed for c in cases) and any(c.provisions for c in cases)
    entries = {e.id: e for e in load_manifest(MANIFEST)}
    pages: dict[str, dict[int, str]] = {}
    for case in cases:
        for provision in case.provisions:
            entry = entries[provision.doc_id]
            assert entry.jurisdiction == case.jurisdiction, case.id
            if entry.id not in pages:
                loaded = load_document(SHARED_CORPUS / entry.file, entry)
                pages[entry.id] = {p.number: " ".join(p.text.split()) for p in loaded.pages}
            assert provision.quote in pages[entry.id][provision.page], (case.id, provision)


def test_a_cell_hits_when_a_cited_passage_holds_the_gold_quote(assistant: Assistant, facts: dict) -> None:
    case = next(c for c in load_compare_gold(GOLD, assistant.registry.codes) if c.id == "chief-ai-officers:us")
    column = compare(assistant, case.topic, (case.jurisdiction,), facts).columns[0]
    assert cell_hit(column, case)
    other = next(c for c in load_compare_gold(GOLD, assistant.registry.codes) if c.id == "human-oversight:eu")
    assert not cell_hit(column, other)
