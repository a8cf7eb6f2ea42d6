"""Facts found in real corpus sentences and matched across wordings (assistant.facts)."""

from __future__ import annotations

import doctest
import functools
from pathlib import Path

import pytest

import assistant.facts
from assistant.facts import FACT_KINDS, Fact, extract_facts, fact_in, facts_of_kind

CORPUS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# Verbatim from the documents (line breaks as pypdf extracts them).
ARTICLE_99_3 = ("3. Non-compliance with the prohibition of the AI practices referred to in Article 5 shall "
                "be subject to administrative \nfines of up to EUR 35 000 000 or, if the offender is an "
                "undertaking, up to 7 % of its total worldwide annual turnover for the \npreceding "
                "financial year, whichever is higher.")
ARTICLE_99_4 = ("4. Non-compliance with any of the following provisions related to operators or notified "
                "bodies, other than those laid \ndown in Articles 5, shall be subject to administrative "
                "fines of up to EUR 15 000 000 or, if the offender is an undertaking, up \nto 3 % of its "
                "total worldwide annual turnover for the preceding financial year, whichever is "
                "higher:\n(a) obligations of providers pursuant to Article 16;\n(b) obligations of "
                "authorised representatives pursuant to Article 22;")
ARTICLE_51_2 = ("when the cumulative amount of computation used for its training measured in floating point "
                "operations is greater than \n1025.")
EO_14110_4_2 = ("greater than 10 26 integer or floating-point operations, or using primarily \nbiological "
                "sequence data and using a quantity of computing power greater than 1023 integer or "
                "floating-point operations")
RECITAL_179 = ("(179) This Regulation should apply from 2 August 2026. However, taking into account the "
               "unacceptable risk associated")
OMB_CAIO = ("1. Chief AI Officers. Within 60 days of the issuance of this memorandum, the head of each "
            "\nagency must retain or designate a Chief AI Officer (CAIO).")
OMB_GRADE = ("agencies, the CAIO must be at or above Grade 14 of the General Schedule (GS), or the "
             "\nequivalent for agencies that do not use the GS classification system.")
RMF_CORE = ("trated in Figure 5, the Core is composed of four functions: GOVERN, MAP, MEASURE,\nand "
            "MANAGE. Each of these high-level functions is broken down into categories and subcategories.")
RECITAL_161 = ("take place at Union level through the AI Office, which should have the powers of a market "
               "surveillance authority \nwithin the meaning of Regulation (EU) 2019/1020 for this purpose.")
EO_DATE = "Executive Order 14110 of October 30, 2023"


def kinds_and_norms(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.norm) for f in extract_facts(text)]


def test_module_examples_hold() -> None:
    result = doctest.testmod(assistant.facts)
    assert result.attempted >= 20 and result.failed == 0


def test_article_99_fine_amounts_percentages_and_ids() -> None:
    assert kinds_and_norms(ARTICLE_99_3) == [("id", "article 5"), ("amount", "35000000"), ("percent", "7%")]
    facts = kinds_and_norms(ARTICLE_99_4)
    assert ("amount", "15000000") in facts and ("percent", "3%") in facts
    assert [n for k, n in facts if k == "id"] == ["article 5", "article 16", "article 22"]
    assert not [n for k, n in facts if k == "number"], "the list labels 4., (a), (b) are no numbers"


@pytest.mark.parametrize("wording", ["EUR 35 000 000", "35 million", "€35,000,000", "35 000 000 EUR",
                                     "35,000,000 euros", "thirty-five million"])
def test_every_wording_of_the_top_fine_is_found_in_article_99(wording: str) -> None:
    assert fact_in(wording, ARTICLE_99_3)
    assert not fact_in(wording, ARTICLE_99_4)


@pytest.mark.parametrize("wording", ["7 %", "7%", "7 per cent", "seven percent", "7 percent"])
def test_every_wording_of_the_turnover_share_is_found(wording: str) -> None:
    assert fact_in(wording, ARTICLE_99_3)
    assert not fact_in(wording, ARTICLE_99_4)  # 3 % there
    assert not fact_in(wording, "up to 7 days")  # a number is not a percentage


def test_a_lost_exponent_is_read_as_a_power_of_ten_only_beside_operations() -> None:
    assert ("amount", "1e25") in kinds_and_norms(ARTICLE_51_2)
    assert fact_in("10^25", ARTICLE_51_2) and fact_in("10 25", ARTICLE_51_2)
    assert [n for k, n in kinds_and_norms(EO_14110_4_2) if k == "amount"] == ["1e26", "1e23"]
    assert not fact_in("10^25", EO_14110_4_2)
    # the same digits elsewhere are a number, and a regulation number is an id
    assert kinds_and_norms("a total of 1025 submissions") == [("number", "1025")]
    assert kinds_and_norms("Regulation (EU) No 1025/2012") == [("id", "regulation 1025/2012")]


@pytest.mark.parametrize("wording", ["2 August 2026", "August 2, 2026", "2026-08-02", "2nd August 2026"])
def test_the_application_date_in_any_wording(wording: str) -> None:
    assert fact_in(wording, RECITAL_179)
    assert not fact_in(wording, "shall apply from 2 August 2025")


def test_dates_years_and_month_dates() -> None:
    assert kinds_and_norms(EO_DATE) == [("id", "eo 14110"), ("date", "2023-10-30")]
    assert fact_in("2023", EO_DATE) and fact_in("October 2023", EO_DATE)
    assert not fact_in("October 30, 2023", "in October 2023")  # a month does not state its days
    assert not fact_in("2024", EO_DATE)


@pytest.mark.parametrize("key, text", [
    ("Article 5(1)(f)", "Art. 5(1)(f)"), ("Article 5(1)(f)", "Article 5 (1) (f)"),
    ("Article 5(1)(f)", "point (f) of Article 5(1)"), ("Article 5(1)(f)", "Article 5(1), point (f)"),
    ("Annex III", "the areas listed in Annex III"), ("Recital (44)", "see recital 44"),
    ("Sec. 4.2", "Section 4.2(a) requires"), ("GOVERN 1.1", "GOVERN 1.1: Legal and regulatory requirements"),
    ("MAP 2.3", "MAP 2.3: Scientific integrity"), ("M-25-21", "OMB Memorandum M-25-21"),
    ("EO 14110", EO_DATE), ("Executive Order 14110", "EO 14110 directed"),
    ("Regulation (EU) 2019/1020", RECITAL_161),
])
def test_ids_match_across_wordings(key: str, text: str) -> None:
    assert fact_in(key, text)


@pytest.mark.parametrize("key, text", [
    ("Article 5(1)(f)", "Article 5(1)(e)"), ("Article 50", "Article 5"), ("Annex III", "Annex II"),
    ("GOVERN 1.1", "GOVERN 1.2"), ("M-25-21", "M-24-10"), ("EO 14110", "Executive Order 14179"),
    ("Recital (44)", "Article 44"),
])
def test_different_ids_do_not_match(key: str, text: str) -> None:
    assert not fact_in(key, text)


def test_counts_in_figures_and_words_but_not_labels_or_years() -> None:
    assert facts_of_kind(RMF_CORE, "count") == [Fact("number", "four", "4")]
    assert fact_in("4 functions", RMF_CORE) and fact_in("four", RMF_CORE)
    assert [f.norm for f in facts_of_kind(OMB_CAIO, "count")] == ["60"]  # "1." is the item's label
    assert facts_of_kind(RECITAL_179, "count") == []  # "(179)" labels the recital, 2026 is a year


def test_names_of_bodies_and_offices() -> None:
    assert [f.text for f in extract_facts(OMB_CAIO) if f.kind == "name"] == [
        "Chief AI Officers", "Chief AI Officer", "CAIO"]
    assert fact_in("Chief AI Officer", OMB_GRADE)  # through its acronym CAIO
    assert fact_in("General Schedule", OMB_GRADE) and fact_in("Grade 14", OMB_GRADE)
    assert [f.text for f in extract_facts(RECITAL_161) if f.kind == "name"] == ["AI Office"]
    assert fact_in("ai office", RECITAL_161) and not fact_in("AI Board", RECITAL_161)
    names = [f.text for f in extract_facts(RMF_CORE) if f.kind == "name"]
    assert names == ["Core", "GOVERN", "MAP", "MEASURE", "MANAGE"] or "Each" not in " ".join(names)


def test_ordinary_prose_holds_no_false_fact() -> None:
    prose = ("Providers shall ensure that one of the measures is taken. The Commission may adopt guidelines. "
             "Deployers should inform natural persons. Trustworthy AI is the goal.")
    assert [(f.kind, f.text) for f in extract_facts(prose)] == [("name", "Commission")]


def test_answer_kinds_select_their_facts() -> None:
    assert [f.norm for f in facts_of_kind(ARTICLE_99_3, "amount")] == ["35000000", "7%"]
    assert [f.norm for f in facts_of_kind(RECITAL_179, "date")] == ["2026-08-02"]
    assert [f.norm for f in facts_of_kind(OMB_CAIO, "date")] == ["60"]  # within 60 days
    assert [f.norm for f in facts_of_kind(OMB_CAIO, "name")] == ["chief ai officer", "chief ai officer",
                                                                   "chief ai officer"]
    assert facts_of_kind("The agency must act promptly.", "amount") == []
    assert all(f.kind in FACT_KINDS for f in extract_facts(ARTICLE_99_4 + EO_14110_4_2 + OMB_GRADE))


def test_phrases_and_words_beside_facts() -> None:
    text = ("except where the use of the AI system is intended to be put in place or into the market for "
            "medical or safety reasons")
    assert fact_in("medical or safety reasons", text)
    assert not fact_in("medical reasons", text)
    assert not fact_in("4 principles", RMF_CORE)  # the number is there, the word is not


@functools.cache
def _eu_page(page: int) -> str:
    from pypdf import PdfReader

    return PdfReader(str(CORPUS_DIR / "eu-ai-act-2024-1689.pdf")).pages[page - 1].extract_text()


def test_the_penalties_page_of_the_eu_ai_act() -> None:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus folder {CORPUS_DIR} is absent")
    page = _eu_page(115) + "\n" + _eu_page(116)  # Article 99
    amounts = [f.norm for f in facts_of_kind(page, "amount")]
    assert amounts[:4] == ["35000000", "7%", "15000000", "3%"]
    assert fact_in("EUR 7 500 000", page) and fact_in("1 %", page)
    assert not fact_in("EUR 40 000 000", page)
    numbers = [f for f in extract_facts(page) if f.kind == "number"]
    assert all(f.text not in {"1.", "2.", "3.", "4."} for f in numbers)


def test_words_split_at_a_line_end_and_plurals_still_match() -> None:
    eo_14110 = ("secure multiparty com-\nputation, homomorphic encryption, zero-knowledge proofs, "
                "federated learn-\ning, secure enclaves, differential privacy")
    assert fact_in("federated learning", eo_14110) and fact_in("secure multiparty computation", eo_14110)
    assert fact_in("zero-knowledge proofs", eo_14110)
    eu_53 = "This exception shall not apply to general-purpose AI models with systemic risks."
    assert fact_in("systemic risk", eu_53) and not fact_in("systemic riskiness", eu_53)
    genai = "exploit LLM-integrated applications by injecting prompts into data likely to be retrieved"
    assert fact_in("LLM-integrated applications", genai)


def test_dates_written_with_slashes_as_the_oecd_list_of_adherents_writes_them() -> None:
    adherents = "Egypt - 31/03/2021\nMalta - 20/12/2019\nUruguay - 01/10/2024"
    assert [f.norm for f in facts_of_kind(adherents, "date")] == ["2021-03-31", "2019-12-20", "2024-10-01"]
    assert fact_in("31 March 2021", adherents) and fact_in("1 October 2024", adherents)
    assert not fact_in("10 January 2024", adherents)
    assert fact_in("March 31, 2021", "adhered on 03/31/2021")  # month first when the day shows it
    assert kinds_and_norms("On January 23 , 2025, the order") == [("date", "2025-01-23")]


def test_words_of_a_heading_in_capitals_are_not_names() -> None:
    heading = "CHAPTER VI MEASURES IN SUPPORT OF INNOVATION Article 57 AI regulatory sandboxes"
    assert [(f.kind, f.norm) for f in extract_facts(heading)] == [("id", "chapter vi"), ("id", "article 57")]
    assert [f.text for f in extract_facts("ENISA, CENELEC and ETSI; GOVERN and MANAGE")] == [
        "ENISA", "CENELEC", "ETSI", "GOVERN", "MANAGE"]


def test_names_match_in_singular_and_plural() -> None:
    assert fact_in("Chief AI Officer", "agencies' Chief AI Officers shall")
    assert fact_in("Federal Agencies", "each Federal agency")
    assert fact_in("federal agency", "all Federal agencies")
    assert [f.norm for f in extract_facts("the GAO Accountability Framework for Federal Agencies")] == [
        "gao accountability framework for federal agency"]
    assert extract_facts("Member States and the United States") == []  # the jurisdictions themselves


def test_a_number_the_passage_states_inside_a_citation_of_the_code_is_stated() -> None:
    # EO 14110 Sec. 6(b): the sentence splitter may end a sentence at "U.S.C.", leaving "29" a bare number
    passage = ("as defined under the Fair Labor Standards Act of 1938, 29 U.S.C. 201 et seq., and other legal "
               "requirements")
    number = next(f for f in extract_facts("Fair Labor Standards Act of 1938, 29 U.S.C.") if f.text == "29")
    assert fact_in(number, passage)
    assert not fact_in(next(f for f in extract_facts("the Act of 1938, 31 U.S.C.") if f.text == "31"), passage)
