"""Routing over the real index: a question naming a document, a provision or a NIST id is searched there first,
and the answer says where it searched."""

from __future__ import annotations

import pytest

from assistant.pipeline import Assistant
from assistant.routing import Router, part_unit

EU_ACT = "eu-ai-act-2024-1689"
NIST = {"nist-ai-rmf-1.0", "nist-ai-rmf-playbook", "nist-ai-600-1-genai-profile"}


@pytest.fixture(scope="module")
def router(assistant: Assistant) -> Router:
    return Router.from_chunks(assistant.searcher.chunks)


@pytest.mark.parametrize(("question", "docs"), [
    ("What does the AI Act say about deep fakes?", {EU_ACT}),
    ("Why does the Playbook caution against wiping out retired models?", {"nist-ai-rmf-playbook"}),
    ("What does EO 14110 ask of the Secretary of Commerce?", {"us-eo-14110-2023"}),
    ("Within how many days must agencies publish an AI strategy under M-25-21?", {"us-omb-m-25-21-2025"}),
    ("What does the Action Plan say about open-weight models?", {"us-americas-ai-action-plan-2025"}),
    ("Who has adhered to the OECD Recommendation?", {"oecd-ai-recommendation-2019",
                                                          "oecd-ai-recommendation-2024"}),
    ("What are the four functions of the AI RMF?", NIST),
    ("Which risks does NIST's Generative AI Profile identify?", {"nist-ai-600-1-genai-profile"}),
])
def test_a_named_document_is_read_from_the_titles(router: Router, question: str, docs: set[str]) -> None:
    route = router.route(question)
    assert route is not None and route.doc_ids == docs and not route.sections


def test_a_named_article_routes_to_its_sections_only(router: Router) -> None:
    route = router.route("What does Article 10 of the AI Act require of training data?")
    assert route is not None and route.doc_ids == {EU_ACT}
    assert route.sections and all("Article 10 " in s for s in route.sections)
    assert route.places == (("EU Artificial Intelligence Act (AI Act), Regulation (EU) 2024/1689 > "
                             "Article 10 Data and data governance"),)
    assert route.named == ("AI Act", "Article 10")


def test_a_nist_id_routes_to_every_document_that_has_it(router: Router) -> None:
    route = router.route("What does MEASURE 2.9 ask organisations to do?")
    assert route is not None and route.doc_ids == NIST
    assert all(any(part.startswith("MEASURE 2.9") for part in s.split(" > ")) for s in route.sections)


def test_annex_and_listed_articles_are_read(router: Router) -> None:
    route = router.route("How often must the Commission assess the Annex III list and Articles 5 and 50?")
    assert route is not None and route.named == ("Annex III", "Articles 5", "Articles 50")


def test_a_question_naming_nothing_is_not_routed(router: Router) -> None:
    assert router.route("May employers use AI to detect how their staff feel?") is None
    assert router.route("What must providers of high-risk systems keep records of?") is None
    # "Council" is in the OECD titles, but the EU AI Act uses the word far more
    assert router.route("What did the Council decide about recipes in section headings?") is None


def test_section_parts_name_their_units() -> None:
    assert part_unit("Sec. 4. Ensuring the Safety and Security") == ("section", "4")
    assert part_unit("Annex III High-risk AI systems referred to in Article 6(2)") == ("annex", "iii")
    assert part_unit("GOVERN 1.1") == ("govern", "1.1")
    assert part_unit("I. AGREES") is None


def test_answer_searches_the_named_article_first_and_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("What does Article 10 of the AI Act require of training data?")
    assert answer.searched_in and "Article 10" in answer.searched_in[0]
    assert "Article 10 " in answer.passages[0].chunk.section
    assert answer.to_dict()["searched_in"] == list(answer.searched_in)


def test_user_chosen_documents_are_not_rerouted(assistant: Assistant) -> None:
    from index.models import SearchFilters

    answer = assistant.ask("What does Article 10 of the AI Act require?",
                           filters=SearchFilters(doc_ids=frozenset({"nist-ai-rmf-1.0"})))
    assert answer.searched_in == ()
    assert {p.chunk.doc_id for p in answer.passages} == {"nist-ai-rmf-1.0"}
