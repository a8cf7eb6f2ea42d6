"""Answers over the real index: the right passages cited, quotes that stand in their passages, abstention."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.models import Answer
from assistant.pipeline import ABSTENTION_TEXT, Assistant
from index.models import SearchFilters

ANSWERABLE = [
    "May employers use AI to detect how their staff feel?",
    "What are the four functions of the AI RMF?",
    "What does the EU AI Act say about social scoring?",
    "Which AI practices does the EU AI Act prohibit?",
    "What is high-impact AI under OMB memorandum M-25-21?",
]
UNANSWERABLE = [
    "What is the capital of Australia?",
    "What is a good recipe for banana bread?",
    "What did the countries signing the Bletchley Declaration commit to?",
]


def assert_citations_resolve(answer: Answer) -> None:
    """Every [n] in the text is a citation, numbered 1, 2, 3 in order of first use; every citation's passage was
    given and contains its quote."""
    given = {p.chunk.chunk_id for p in answer.passages}
    numbers = {n for sentence in answer.sentences for n in sentence.citations}
    assert numbers == {c.n for c in answer.citations}
    for citation in answer.citations:
        assert citation.passage.chunk.chunk_id in given
        assert citation.quote in citation.passage.chunk.text
        assert f"[{citation.n}]" in answer.text
    first_uses = list(dict.fromkeys(n for sentence in answer.sentences for n in sentence.citations))
    assert first_uses == list(range(1, len(first_uses) + 1))


def test_employer_emotion_question_cites_article_5_on_page_51(assistant: Assistant) -> None:
    answer = assistant.ask("May employers use AI to detect how their staff feel?")
    assert not answer.abstained
    cited = [c.passage.chunk for c in answer.citations]
    assert any(c.doc_id == "eu-ai-act-2024-1689" and "Article 5" in c.section and c.page_start <= 51 <= c.page_end
               for c in cited), [(c.doc_id, c.section, c.page_start) for c in cited]
    assert_citations_resolve(answer)


def test_four_functions_answer_cites_the_ai_rmf_and_names_them(assistant: Assistant) -> None:
    answer = assistant.ask("What are the four functions of the AI RMF?")
    assert not answer.abstained
    assert any(c.passage.chunk.doc_id == "nist-ai-rmf-1.0" for c in answer.citations)
    for function in ("GOVERN", "MAP", "MEASURE", "MANAGE"):
        assert function in answer.text.upper()
    assert_citations_resolve(answer)


@pytest.mark.parametrize("question", ANSWERABLE)
def test_answerable_questions_are_answered_with_resolving_citations(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained, answer.evidence
    # a list answer holds one line per item of the provision; any other answer a few sentences
    assert answer.citations and 1 <= len(answer.sentences) <= (12 if answer.kind == "list" else 5)
    assert all(s.supported for s in answer.sentences)
    assert_citations_resolve(answer)


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_abstain_and_show_closest_passages(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained, answer.evidence
    assert answer.text == ABSTENTION_TEXT
    assert not answer.citations
    assert answer.passages


def test_question_spanning_jurisdictions_draws_from_each(assistant: Assistant) -> None:
    answer = assistant.ask("How do the EU and the US address risks to workers from AI?")
    jurisdictions = {c.passage.chunk.jurisdiction for c in answer.citations}
    assert {"eu", "us"} <= jurisdictions
    assert_citations_resolve(answer)


def test_follow_up_is_rewritten_from_the_previous_turn(assistant: Assistant) -> None:
    conversation = Conversation()
    assistant.ask("What does the EU AI Act say about emotion recognition at work?", conversation=conversation)
    follow_up = assistant.ask("And what about the US?", conversation=conversation)
    assert "emotion" in follow_up.standalone_question.lower()
    assert {p.chunk.jurisdiction for p in follow_up.passages} == {"us"}
    assert len(conversation.turns) == 2


def test_filters_restrict_the_passages(assistant: Assistant) -> None:
    answer = assistant.ask("What is an AI system?", filters=SearchFilters(doc_ids=frozenset({"oecd-ai-recommendation-2024"})))
    assert answer.passages and {p.chunk.doc_id for p in answer.passages} == {"oecd-ai-recommendation-2024"}


def test_passages_are_diverse_and_ranked(assistant: Assistant) -> None:
    answer = assistant.ask("What is the AI RMF Playbook?", k=10)
    assert [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    texts = [p.chunk.text for p in answer.passages]
    assert len(set(texts)) == len(texts)


def test_answer_json_carries_every_field(assistant: Assistant) -> None:
    data = assistant.ask("Which AI practices does the EU AI Act prohibit?").to_dict()
    assert {"question", "text", "citations", "passages", "abstained", "support", "sentences", "timings_ms"} <= set(data)
    citation = data["citations"][0]
    assert {"n", "doc_id", "title", "page_start", "page_end", "section", "quote", "url"} <= set(citation)
    assert {"rank", "chunk_id", "doc_id", "title", "page_start", "page_end", "section", "text", "score"} <= set(
        data["passages"][0])
    assert {"retrieve_ms", "select_ms", "generate_ms", "check_ms", "total_ms"} <= set(data["timings_ms"])


def test_streaming_delivers_the_whole_answer(assistant: Assistant) -> None:
    pieces: list[str] = []
    answer = assistant.ask("Which AI practices does the EU AI Act prohibit?", on_token=pieces.append)
    assert len(pieces) > 3
    assert "".join(pieces).split("[")[0].strip() in answer.text


def test_list_question_gets_every_item_of_the_enumeration_with_its_lead_in(assistant: Assistant) -> None:
    answer = assistant.ask("Which AI practices does the EU AI Act prohibit?")
    bullets = [s for s in answer.sentences if s.bullet]
    assert len(bullets) == 8, answer.text  # Article 5(1)(a)–(h)
    assert answer.sentences[0].text == "The following AI practices shall be prohibited:"
    assert all(not s.text.startswith("(") for s in bullets)  # labels dropped from what is shown
    assert all("Article 5" in c.passage.chunk.section for c in answer.citations)
    assert answer.text.count("\n- ") == 8
    assert_citations_resolve(answer)


def test_list_named_with_qualifying_words_is_gathered_from_its_article(assistant: Assistant) -> None:
    answer = assistant.ask("What additional obligations apply to providers of general-purpose AI models with "
                           "systemic risk?")
    bullets = [s for s in answer.sentences if s.bullet]
    assert len(bullets) == 4, answer.text  # Article 55(1)(a)–(d)
    assert "adversarial testing" in bullets[0].text
    assert all("Article 55" in c.passage.chunk.section for c in answer.citations)
    assert_citations_resolve(answer)


def test_list_question_is_not_answered_by_an_enumeration_about_something_else(assistant: Assistant) -> None:
    # Article 1's "This Regulation lays down:" is an enumeration among the passages, but not of the principles
    answer = assistant.ask("Which seven ethical principles from the 2019 AI HLEG guidelines does the AI Act recall?")
    assert not any(s.bullet for s in answer.sentences), answer.text
    assert "This Regulation lays down" not in answer.text
    # the sentence that names the seven follows the one that announces them, from the same recital
    assert "human agency and oversight" in answer.text
    assert {c.passage.chunk.section for c in answer.citations} == {"Recital (27)"}
    assert_citations_resolve(answer)


def test_permission_question_settled_by_a_prohibition_opens_with_no(assistant: Assistant) -> None:
    answer = assistant.ask("May employers use AI to detect how their staff feel?")
    assert answer.kind == "yesno" and answer.text.startswith("No. ")
    assert "medical or safety reasons" in answer.text
    # the item is shown as a sentence; its citation keeps the item's own ending
    assert answer.text.split(" [1]")[0].endswith("medical or safety reasons.")
    assert answer.citations[0].quote.endswith("medical or safety reasons;")


def test_amount_question_leads_with_the_largest_amount(assistant: Assistant) -> None:
    answer = assistant.ask("What is the largest penalty an organisation can face under the EU AI Act?")
    lead = answer.sentences[0].text
    assert "35 000 000" in lead and "7 %" in lead
    assert "Article 99" in answer.citations[0].passage.chunk.section


def test_fines_for_companies_are_not_answered_from_the_article_on_union_institutions(assistant: Assistant) -> None:
    answer = assistant.ask("What fines can companies face under the EU AI Act?")
    assert not answer.abstained, answer.evidence
    assert all("Union institutions" not in c.passage.chunk.section for c in answer.citations)


@pytest.mark.parametrize("question", ["How many staff does the AI Office employ?",
                                      "What salary grade must an agency Chief AI Officer hold?"])
def test_on_topic_question_whose_fact_is_absent_abstains_saying_so(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained, answer.text
    assert answer.notices and "do not state" in answer.notices[0]


def test_question_about_japan_is_not_answered_from_other_jurisdictions(assistant: Assistant) -> None:
    answer = assistant.ask("What administrative fines does Japan's AI Promotion Act impose?")
    assert answer.abstained
    assert answer.filters is not None and answer.filters.jurisdictions == frozenset({"japan"})


def test_question_in_another_language_gets_a_line_saying_so(assistant: Assistant) -> None:
    answer = assistant.ask("日本のAI基本計画は何を目指していますか？")
    assert answer.abstained and "English" in answer.notices[0]


def test_comparison_gives_one_labelled_sentence_per_jurisdiction(assistant: Assistant) -> None:
    answer = assistant.ask("Compare how the EU and the US approach regulation of AI: binding law or voluntary "
                           "guidance?")
    assert answer.kind == "comparison"
    assert answer.sentences[0].text.startswith("European Union: ")
    assert any(s.text.startswith("United States: ") for s in answer.sentences)
    assert {c.passage.chunk.jurisdiction for c in answer.citations} >= {"eu", "us"}
    # each sentence opens with a capital after its label, and a statute citation's "div." does not cut it short
    assert all(s.text.split(": ", 1)[1][:1].isupper() for s in answer.sentences)
    assert not any(c.quote.endswith(" div.") for c in answer.citations)


def test_follow_up_is_shown_as_a_grammatical_question_with_its_filter(assistant: Assistant) -> None:
    conversation = Conversation()
    assistant.ask("What transparency obligations apply to providers of generative AI systems under the EU AI Act?",
                  conversation=conversation)
    follow_up = assistant.ask("And what about the US?", conversation=conversation)
    assert follow_up.standalone_question == ("What transparency obligations apply to providers of generative AI "
                                             "systems under US federal policy?")
    assert follow_up.filters == SearchFilters(jurisdictions=frozenset({"us"}))


def test_extractive_answers_say_who_wrote_them(assistant: Assistant) -> None:
    answer = assistant.ask("What are the four functions of the AI RMF?")
    assert answer.writer == "extractive" and answer.removed_sentences == 0


def test_a_long_definition_is_quoted_whole_when_the_term_is_asked(assistant: Assistant) -> None:
    """EO 14110's definition of a dual-use foundation model is one sentence of about 150 words."""
    answer = assistant.ask("What is a 'dual-use foundation model' under EO 14110?")
    assert "tens of billions of parameters" in answer.text and "self-supervision" in answer.text
    assert any("Definitions" in c.passage.chunk.section for c in answer.citations)
    assert_citations_resolve(answer)


def test_a_question_asking_for_examples_gets_the_sentence_that_gives_them(assistant: Assistant) -> None:
    answer = assistant.ask("What technologies does EO 14110 give as examples of privacy-enhancing technologies?")
    for example in ("homomorphic encryption", "federated learning", "differential privacy"):
        assert example in answer.text
    assert_citations_resolve(answer)


def test_no_answer_sentence_is_a_question(assistant: Assistant) -> None:
    """The Playbook's suggested questions ("Who is responsible for documenting …?") ask; they do not answer."""
    answer = assistant.ask("What is an AI system inventory according to the AI RMF Playbook, and what might it "
                           "contain?")
    assert answer.sentences and not any(s.text.rstrip().endswith("?") for s in answer.sentences)
    assert "incident response plans" in answer.text
