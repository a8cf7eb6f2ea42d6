"""Definitions in the index of the whole default corpus: a question that asks what a term means gets the
definition first, cited at its page; a paraphrase finds it through dense and BM25 search; a definition and the
text chunk that holds it do not both take a place; provisions are gathered from text chunks only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from index.embed import Embedder
from index.search import Searcher
from index.term_match import asked_terms, term_keys
from ingest.settings import Settings
from ui.commands.search import search

EU_AI_ACT = "eu-ai-act-2024-1689"


@pytest.fixture(scope="module")
def searcher(built_settings: Settings, session_embedder: Embedder) -> Searcher:
    return Searcher.load(built_settings, session_embedder)


@pytest.mark.parametrize(("question", "term", "page"), [
    ("What counts as a substantial modification?", "substantial modification", 47),
    ("define deployer", "deployer", 46),
    ("What is a 'provider'?", "provider", 46),
    ("meaning of general-purpose AI model", "general-purpose AI model", 50),
])
def test_a_term_question_gets_the_definition_first_at_its_page(searcher: Searcher, question: str, term: str,
                                                                page: int) -> None:
    top = searcher.search(question, k=5)
    assert (top[0].chunk.kind, top[0].chunk.term, top[0].chunk.doc_id) == ("definition", term, EU_AI_ACT)
    assert top[0].chunk.page_start == page
    assert [p.score for p in top] == sorted((p.score for p in top), reverse=True)


def test_a_paraphrased_definition_question_finds_the_definition(searcher: Searcher) -> None:
    question = ("What is the name for a change to an AI system after it is placed on the market that was not "
                "foreseen in the initial conformity assessment?")
    assert asked_terms(question, [c.term for c in searcher.chunks if c.kind == "definition"]) == set()
    top = searcher.search(question, k=3)
    assert any(p.chunk.term == "substantial modification" and p.chunk.page_start == 47 for p in top)


def test_a_term_defined_in_several_documents_gets_each_definition(searcher: Searcher) -> None:
    top = searcher.search("What is an AI system?", k=10)
    leading = [p.chunk for p in top if p.chunk.kind == "definition" and p.chunk.term.lower() == "ai system"]
    assert {c.doc_id for c in leading} >= {EU_AI_ACT, "us-eo-14110-2023", "us-omb-m-25-21-2025",
                                            "oecd-ai-recommendation-2024"}
    # the definitions of the term asked lead; other passages, other definitions among them, follow
    assert [p.chunk for p in top[:len(leading)]] == leading


def test_a_question_about_something_else_promotes_no_definition(searcher: Searcher) -> None:
    assert asked_terms("What is the role of the AI Office?", ["AI Office"]) == set()
    assert asked_terms("How long is the term of office of members of the AI Act's advisory forum?",
                       ["artificial intelligence or AI", "AI Office"]) == set()
    assert term_keys("artificial intelligence or AI") == ["artificial intelligence", "ai"]
    hybrid = searcher.search("What does the generative AI profile mean by the 'Human-AI Configuration' risk?", k=3)
    assert hybrid[0].chunk.kind == "text" and hybrid[0].chunk.text.startswith("2.7. Human-AI Configuration")
    hybrid = searcher.search("emotion recognition in the workplace", k=3)
    assert hybrid[0].chunk.kind == "text" and hybrid[0].chunk.section.endswith("Recital (18)")


@pytest.mark.parametrize(("question", "asked"), [
    ("What does the generative AI profile mean by the 'Human-AI Configuration' risk?", set()),
    ("Where does the NIST AI RMF's definition of 'AI actors' come from?", set()),
    ("What does 'AI' mean in the OMB memo?", {"ai"}),
    ("Which older definition of AI do EO 14110 and the NIST AI RMF share?", {"ai"}),
    ("What is meant by AI system?", {"ai system"}),
])
def test_an_abbreviation_names_its_term_only_as_the_phrase_asked(question: str, asked: set[str]) -> None:
    assert asked_terms(question, ["Artificial Intelligence (AI)", "AI system", "AI Office"]) == asked


def test_a_definition_and_the_text_chunk_holding_it_do_not_both_rank(searcher: Searcher) -> None:
    for question in ("What counts as a substantial modification?", "deployer personal non-professional activity"):
        top = [p.chunk for p in searcher.search(question, k=10)]
        for definition in (c for c in top if c.kind == "definition"):
            assert not any(c.kind == "text" and c.doc_id == definition.doc_id
                           and c.char_start < definition.char_end and definition.char_start < c.char_end
                           for c in top), question


def test_definitions_are_not_units_of_their_article(searcher: Searcher) -> None:
    article_3 = next(rows for (doc, label), rows in searcher.units("Article").items()
                     if doc == EU_AI_ACT and label.startswith("Article 3 "))
    assert all(searcher.chunks[row].kind == "text" for row in article_3)
    definition = next(c for c in searcher.chunks if c.term == "downstream provider")
    assert searcher.neighbours(definition) == (None, None)


def test_search_json_gives_kind_and_term(built_settings: Settings) -> None:
    result = CliRunner().invoke(search, ["define deployer", "-k", "2", "--json"],
                                obj=built_settings, catch_exceptions=False)
    rows = json.loads(result.output)
    assert (rows[0]["kind"], rows[0]["term"], rows[0]["page_start"]) == ("definition", "deployer", 46)
    assert rows[1]["kind"] in ("text", "definition")
