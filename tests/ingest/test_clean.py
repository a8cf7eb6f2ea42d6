"""The pure cleaning functions: Unicode folding, line-break hyphens, page furniture, whitespace."""

from __future__ import annotations

import pytest

from ingest.clean import (
    fix_spacing,
    is_furniture,
    join_line_break_hyphen,
    known_hyphenated_words,
    normalize_unicode,
    normalize_whitespace,
    recurring_edge_lines,
    restore_lost_exponents,
    strip_page_furniture,
)


def test_nfkc_folds_ligatures() -> None:
    assert normalize_unicode("speci\ufb01c") == "specific"
    assert normalize_unicode("\ufb02ow of e\ufb00ort") == "flow of effort"


def test_unicode_normalisation_drops_soft_hyphens_and_replacement_characters() -> None:
    assert normalize_unicode("trans\u00adparency\ufffd") == "transparency"


def test_line_break_hyphen_joins_a_split_word() -> None:
    assert join_line_break_hyphen("systems of Arti-", "ficial Intelligence", set()) == (
        "systems of Artificial", " Intelligence")


def test_line_break_hyphen_leaves_lines_that_do_not_end_in_a_split_word() -> None:
    assert join_line_break_hyphen("high-risk AI systems", "that are placed", set()) is None
    assert join_line_break_hyphen("Member States-", "Union level", set()) is None  # capital: not a split word


def test_hyphen_followed_by_a_space_within_a_line_stays() -> None:
    assert fix_spacing("dual- use items") == "dual- use items"
    assert join_line_break_hyphen("dual- use items", "and software", set()) is None


def test_compound_written_hyphenated_elsewhere_keeps_its_hyphen() -> None:
    keep = known_hyphenated_words(["a risk-based approach", "other text"])
    assert "risk-based" in keep
    assert join_line_break_hyphen("follows a risk-", "based approach", keep) == (
        "follows a risk-based", " approach")
    assert join_line_break_hyphen("follows a risk-", "based approach", set()) == (
        "follows a riskbased", " approach")


def test_spacing_mends_stray_spaces_before_punctuation_and_inside_hyphenated_words() -> None:
    assert fix_spacing("  AI  systems , as  defined ;") == "AI systems, as defined;"
    assert fix_spacing("human -centric") == "human-centric"


@pytest.mark.parametrize("line", [
    "OJ L, 12.7.2024",
    "EN OJ L, 12.7.2024",
    "OJ L, 12.7.2024 EN",
    "4/144 ELI: http://data.europa.eu/eli/reg/2024/1689/oj",
    "ELI: http://data.europa.eu/eli/reg/2024/1689/oj 5/144",
    "NIST AI 100-1 AI RMF 1.0",
    "9 of 137",
    "Page 6",
    "12",
    "iv",
    ("VerDate Sep<11>2014 23:02 Oct 31, 2023 Jkt 262001 PO 00000 Frm 00005 Fmt 4705 Sfmt 4790 "
     "E:\\FR\\FM\\01NOE0.SGM 01NOE0ddrumheller on DSK120RN23PROD with PRESDOC-E0"),
    "75194 Federal Register / Vol. 88, No. 210 / Wednesday, November 1, 2023 / Presidential Documents",
    "Federal Register / Vol. 88, No. 210 / Wednesday, November 1, 2023 / Presidential Documents 75195",
    "Introduction .......................... 3",
])
def test_page_furniture_is_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Article 5",
    "(12) The notion of ‘AI system’ in this Regulation should be clearly defined.",
    "GOVERN 1.1: Legal and regulatory requirements involving AI are understood.",
    "Sec. 4. Ensuring the Safety and Security of AI Technology.",
    "The Official Journal (OJ L, 12.7.2024) publishes the act.",
    "2024 was the year the act entered into force.",
])
def test_text_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def _pages(count: int) -> list[list[str]]:
    """Pages whose body lines differ from page to page and whose head and foot repeat with the page number."""
    return [
        [f"Running Head of the Report {n}"]
        + [f"The {_WORDS[n % 8]} body line {word} of this page." for word in _WORDS]
        + [f"Footer line {n} of {count}"]
        for n in range(1, count + 1)
    ]


def test_recurring_edge_lines_finds_running_heads_with_varying_numbers() -> None:
    recurring = recurring_edge_lines(_pages(6))
    assert "running head of the report #" in recurring
    assert "footer line # of #" in recurring
    assert not any("body" in shape for shape in recurring)


def test_recurring_edge_lines_needs_several_pages() -> None:
    assert recurring_edge_lines(_pages(3)) == set()


def test_strip_page_furniture_removes_recurring_and_furniture_lines_and_keeps_the_body() -> None:
    pages = _pages(6)
    recurring = recurring_edge_lines(pages)
    kept = strip_page_furniture(pages[2] + ["Page 3"], recurring)
    assert kept == pages[2][1:-1]


def test_footnotes_below_a_dropped_footer_go_with_it() -> None:
    lines = ["Body line one.", "Body line two.", "Body line three.",
             "4/144 ELI: http://data.europa.eu/eli/reg/2024/1689/oj",
             "(15) Regulation (EU) 2022/2065 of the European Parliament (OJ L 277, 27.10.2022, p. 1)."]
    assert strip_page_furniture(lines, set()) == lines[:3]


def test_normalize_whitespace_keeps_paragraphs_and_collapses_the_rest() -> None:
    text = "  First   paragraph\tline.  \nsecond line\n\n\n\n   Second paragraph.  \n\n"
    assert normalize_whitespace(text) == "First paragraph line.\nsecond line\n\nSecond paragraph."


def test_an_exponent_lost_in_a_compute_threshold_is_restored_across_a_line_break() -> None:
    lines = ["training measured in floating point operations is greater than", "1025.", "3. The Commission"]
    assert restore_lost_exponents(lines) == [lines[0], "10^25.", lines[2]]
    assert restore_lost_exponents(["a capacity of 1020 FLOPs per second"]) == ["a capacity of 10^20 FLOPs per second"]


def test_numbers_outside_a_compute_threshold_are_left_alone() -> None:
    lines = ["Regulation (EU) No 1025/2012 of the European Parliament", "a fine greater than 1025 euro",
             "greater than", "1025 persons"]
    assert restore_lost_exponents(lines) == lines
