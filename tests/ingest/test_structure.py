"""Heading classification and paragraph assembly on small inputs shaped like the real documents."""

from __future__ import annotations

import pytest

from ingest.structure import Block, Line, assemble_paragraphs, build_blocks, classify_heading


def lines(text: str, page: int = 1) -> list[Line]:
    return [Line(page, line) for line in text.strip("\n").splitlines()]


def paths(blocks: list[Block]) -> list[tuple[str, ...]]:
    return [block.path for block in blocks]


@pytest.mark.parametrize(("line", "kind", "label"), [
    ("Article 5", "article", "Article 5"),
    ("CHAPTER II", "chapter", "Chapter II"),
    ("SECTION 2", "section", "Section 2"),
    ("ANNEX III", "annex", "Annex III"),
    ("GOVERN 1.1: Legal and regulatory requirements involving AI are understood, managed, and documented.",
     "subcategory", "GOVERN 1.1"),
    ("MEASURE 2.11 Fairness and bias are evaluated.", "subcategory", "MEASURE 2.11"),
    ("GOVERN 1: Policies, processes, procedures, and practices are in place.", "category",
     "GOVERN 1: Policies, processes, procedures, and practices are in place"),
    ("Sec. 4. Ensuring the Safety and Security of AI Technology.", "sec",
     "Sec. 4. Ensuring the Safety and Security of AI Technology"),
    ("4.2 Managing Risks in Critical Infrastructure", "numbered",
     "4.2 Managing Risks in Critical Infrastructure"),
    ("2. Definitions", "numbered", "2. Definitions"),
])
def test_headings_are_classified_by_their_form(line: str, kind: str, label: str) -> None:
    heading = classify_heading(line, markdown=False)
    assert heading is not None
    assert (heading.kind, heading.label) == (kind, label)


@pytest.mark.parametrize("line", [
    "Article 5 of this Regulation applies from 2 February 2025.",  # a reference, not the heading
    "Sec. 4. the agency shall report within 90 days",  # a running sentence
    "4.2 million people were affected by the incident, according to the agency report of that year.",
    "1. The following AI practices shall be prohibited:",  # a numbered paragraph, not a title
    "(12) The notion of ‘AI system’ should be clearly defined.",
    "## Scope",  # only a heading in Markdown
])
def test_running_text_is_not_a_heading(line: str) -> None:
    assert classify_heading(line, markdown=False) is None


def test_markdown_headings_carry_their_level() -> None:
    heading = classify_heading("### 1.2 Scope of **this** Recommendation ###", markdown=True)
    assert heading is not None
    assert (heading.kind, heading.level) == ("markdown", 3)
    assert heading.label == "1.2 Scope of **this** Recommendation"


def test_eu_article_takes_its_title_from_the_next_line_and_nests_under_its_chapter() -> None:
    blocks = build_blocks(lines("""
CHAPTER II
PROHIBITED AI PRACTICES
Article 5
Prohibited AI practices
1. The following AI practices shall be prohibited:
(a) the placing on the market of an AI system that deploys subliminal techniques;
(b) the placing on the market of an AI system that exploits any of the vulnerabilities;
2. The use of ‘real-time’ remote biometric identification systems shall be notified.
"""))
    article = ("Chapter II PROHIBITED AI PRACTICES", "Article 5 Prohibited AI practices")
    assert blocks[0].is_heading and blocks[0].path == ("Chapter II PROHIBITED AI PRACTICES",)
    assert blocks[1].is_heading and blocks[1].path == article
    body = blocks[2:]
    assert paths(body) == [article] * 4
    assert [b.marker for b in body] == ["1", "1(a)", "1(b)", "2"]
    assert len({b.unit for b in body}) == 1 and body[0].unit_kind == "article"


def test_recitals_are_numbered_in_sequence_and_only_before_the_first_article() -> None:
    blocks = build_blocks(lines("""
(1) The purpose of this Regulation is to improve the functioning of the internal market.
(2) This Regulation should be applied in accordance with the values of the Union.
(4) Out of sequence, so this is a point inside recital 2.
(3) The third recital follows the second.
Article 1
Subject matter
1. This Regulation lays down:
(1) rules that read like a recital number but sit inside an article.
"""))
    by_text = {b.text[:6]: b for b in blocks}
    assert by_text["(1) Th"].path == ("Recital (1)",)
    assert by_text["(2) Th"].path == ("Recital (2)",)
    assert by_text["(4) Ou"].path == ("Recital (2)",) and by_text["(4) Ou"].unit == by_text["(2) Th"].unit
    assert by_text["(3) Th"].path == ("Recital (3)",)
    assert by_text["(1) ru"].path == ("Article 1 Subject matter",)
    assert blocks[-1].unit_kind == "article" and blocks[-1].marker == "1(1)"


def test_annex_resets_the_chapter_path() -> None:
    blocks = build_blocks(lines("""
CHAPTER XIII
FINAL PROVISIONS
Article 113
Entry into force and application
This Regulation shall enter into force on the twentieth day following its publication.
ANNEX III
High-risk AI systems referred to in Article 6(2)
1. Biometrics, in so far as their use is permitted under relevant Union or national law.
"""))
    assert blocks[-1].path == ("Annex III High-risk AI systems referred to in Article 6(2)",)
    assert blocks[-1].marker == "1"  # inside an annex, "1. Biometrics" is a point, not a new section


def test_nist_subcategories_nest_under_their_category() -> None:
    blocks = build_blocks(lines("""
GOVERN 1: Policies, processes, procedures, and practices across the organization are in place.
GOVERN 1.1: Legal and regulatory requirements involving AI are understood, managed, and documented.
GOVERN 1.2: The characteristics of trustworthy AI are integrated into organizational policies.
"""))
    category = "GOVERN 1: Policies, processes, procedures, and practices across the organization are in place"
    assert paths(blocks) == [(category,), (category, "GOVERN 1.1"), (category, "GOVERN 1.2")]
    assert blocks[1].unit != blocks[2].unit and blocks[1].unit_kind == "subcategory"


def test_executive_order_sections_and_numbered_subsections() -> None:
    blocks = build_blocks(lines("""
Sec. 4. Ensuring the Safety and Security of AI Technology.
4.1. Developing Guidelines, Standards, and Best Practices for AI Safety and Security.
(a) Within 270 days of the date of this order, the Secretary of Commerce shall establish guidelines.
4.2. Ensuring Safe and Reliable AI.
(a) Within 90 days of the date of this order, the Secretary of Commerce shall require companies to report.
"""))
    sec = "Sec. 4. Ensuring the Safety and Security of AI Technology"
    assert blocks[2].path == (
        sec, "4.1 Developing Guidelines, Standards, and Best Practices for AI Safety and Security")
    assert blocks[4].path == (sec, "4.2 Ensuring Safe and Reliable AI")
    assert blocks[2].unit != blocks[4].unit


def test_markdown_headings_build_the_path_and_blank_lines_separate_paragraphs() -> None:
    blocks = build_blocks(lines("""
# Recommendation of the Council on Artificial Intelligence

## Section 1: Principles

The Recommendation identifies five complementary values-based principles
for the responsible stewardship of trustworthy AI.

A second paragraph
wrapped over two lines.

### 1.1 Inclusive growth

Stakeholders should proactively engage.
"""), markdown=True, blank_separates=True)
    texts = [b.text for b in blocks]
    assert ("The Recommendation identifies five complementary values-based principles for the responsible "
            "stewardship of trustworthy AI.") in texts
    assert "A second paragraph wrapped over two lines." in texts
    top = "Recommendation of the Council on Artificial Intelligence"
    assert blocks[-1].path == (top, "Section 1: Principles", "1.1 Inclusive growth")
    assert blocks[2].path == (top, "Section 1: Principles")


def test_wrapped_pdf_lines_join_into_paragraphs_and_split_words_are_mended() -> None:
    paragraphs = assemble_paragraphs(lines("""
This Regulation lays down harmonised rules on the placing on the market of Arti-
ficial Intelligence systems, following a risk-based approach that is applied to
every system placed on the market, whatever its risk-
based category, and to providers established in a third country.
Short closing line.
(a) a point of its own that begins a new paragraph;
"""), markdown=False, blank_separates=False)
    texts = [p.text for p in paragraphs]
    assert texts[0].startswith("This Regulation lays down harmonised rules on the placing on the market of "
                               "Artificial Intelligence systems, following a risk-based approach")
    assert "its risk-based category" in texts[0]
    assert texts[-1] == "(a) a point of its own that begins a new paragraph;"


def test_a_paragraph_across_a_page_break_knows_the_page_of_each_offset() -> None:
    first = lines("The provider shall draw up technical documentation for the system and keep it up", page=50)
    second = lines("to date for ten years after the system has been placed on the market.", page=51)
    (block,) = build_blocks(first + second)
    assert (block.page_start, block.page_end) == (50, 51)
    assert block.page_at(0) == 50
    assert block.page_at(block.text.index("to date")) == 51
