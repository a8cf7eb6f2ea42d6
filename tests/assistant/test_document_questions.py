"""Questions about a document itself (when it was signed or published, who wrote it) answered by the document's
own dating and signing lines, on the real index of the default corpus."""

from __future__ import annotations

import pytest

from assistant.document_questions import author_names, document_fact_asked, stating_lines, written_dates
from assistant.pipeline import Assistant
from index.models import SearchFilters


@pytest.mark.parametrize(("question", "fact", "subject"), [
    ("On what date was Executive Order 14179 signed?", "date", "Executive Order 14179"),
    ("Where and on what date was the AI Act signed?", "date", "the AI Act"),
    ("When was NIST's AI Risk Management Framework 1.0 published?", "date",
     "NIST's AI Risk Management Framework 1.0"),
    ("Who wrote the report on Japan's Artificial Intelligence Basic Plan?", "author",
     "the report on Japan's Artificial Intelligence Basic Plan"),
])
def test_questions_about_a_document_itself_are_recognised(question: str, fact: str, subject: str) -> None:
    asked = document_fact_asked(question)
    assert asked is not None and (asked.fact, asked.subject) == (fact, subject)


@pytest.mark.parametrize("question", [
    # another event than the document's own publication, or a part of the document
    "On what date did NIST publish the first update of its Generative AI Profile?",
    "When was the update of the Generative AI Profile published?",
    "When was Article 5 of the AI Act adopted?",
    # someone else than the author, and rules rather than the document's date
    "Which minister signed Japan's Artificial Intelligence Basic Plan?",
    "When do the obligations for high-risk AI systems start to apply?",
    "By when did Member States have to publish how their AI competent authorities can be contacted?",
])
def test_other_questions_are_not_about_the_document_itself(question: str) -> None:
    assert document_fact_asked(question) is None


def test_a_manifest_date_is_looked_for_as_documents_write_it() -> None:
    days, months = written_dates("2025-01-23")
    assert "January 23, 2025" in days and "23 January 2025" in days and months == ("January 2025",)
    assert written_dates("2025") == ((), ()) and written_dates("2025-13-01") == ((), ())
    assert author_names("Economic Research Dept., Miho Tanabe") == ("Economic Research Dept.", "Miho Tanabe")


def _document_chunks(assistant: Assistant, doc_id: str) -> list:
    record = assistant.searcher.manifest.documents[doc_id]
    return [assistant.searcher.chunk(chunk_id) for chunk_id in record.chunk_ids]


def test_the_signing_line_wins_over_the_title_that_repeats_the_date(assistant: Assistant) -> None:
    # the AI Act's title ("… of 13 June 2024 laying down …") is quoted in each amending article: not its date line
    lines = stating_lines(_document_chunks(assistant, "eu-ai-act-2024-1689"), "date", "2024-06-13", "")
    assert [line.shown for line in lines] == ["Done at Brussels, 13 June 2024."]
    assert "Article 113" in lines[0].chunk.section


def test_a_title_page_with_the_month_only_dates_the_document(assistant: Assistant) -> None:
    lines = stating_lines(_document_chunks(assistant, "nist-ai-rmf-1.0"), "date", "2023-01-26", "")
    assert len(lines) == 1 and lines[0].shown.endswith("January 2023")
    assert lines[0].quote in lines[0].chunk.text


def test_a_date_the_document_never_states_gives_no_line(assistant: Assistant) -> None:
    assert stating_lines(_document_chunks(assistant, "us-eo-14179-2025"), "date", "2019-02-11", "") == []


@pytest.mark.parametrize(("question", "doc_id", "stated"), [
    ("On what date was Executive Order 14179 signed?", "us-eo-14179-2025", "January 23, 2025"),
    ("Where and on what date was the AI Act signed?", "eu-ai-act-2024-1689", "13 June 2024"),
    ("When was NIST's AI Risk Management Framework 1.0 published?", "nist-ai-rmf-1.0", "January 2023"),
    ("Who wrote the report on Japan's Artificial Intelligence Basic Plan?",
     "japan-ai-basic-plan-trustworthy-ai-2026", "Miho Tanabe"),
])
def test_the_answer_quotes_and_cites_the_documents_own_line(assistant: Assistant, question: str, doc_id: str,
                                                             stated: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained and stated in answer.text
    citation = answer.citations[0]
    assert citation.passage.chunk.doc_id == doc_id
    assert stated in " ".join(citation.quote.replace("*", "").split())
    assert citation.quote in citation.passage.chunk.text


def test_filters_that_exclude_the_document_are_kept(assistant: Assistant) -> None:
    answer = assistant.ask("On what date was Executive Order 14179 signed?",
                           filters=SearchFilters(jurisdictions=frozenset({"eu"})))
    assert all(p.chunk.doc_id != "us-eo-14179-2025" for p in answer.passages)


@pytest.mark.parametrize("question", [
    "Which minister signed Japan's Artificial Intelligence Basic Plan?",
    "On what date did NIST publish the first update of its Generative AI Profile?",
])
def test_near_miss_questions_about_documents_still_abstain(assistant: Assistant, question: str) -> None:
    assert assistant.ask(question).abstained
