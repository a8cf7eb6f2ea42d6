"""Structure recognised in the real documents: EO 14110's nested section paths and run-in headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunk import ChunkingParams
from ingest.manifest import load_manifest
from ingest.models import Chunk
from ingest.pipeline import IngestedDocument, ingest_document

REPO = Path(__file__).resolve().parents[2]


def ingest(shared_corpus: Path, doc_id: str) -> IngestedDocument:
    (entry,) = [e for e in load_manifest(REPO / "corpus" / "sources.toml") if e.id == doc_id]
    return ingest_document(shared_corpus / entry.file, entry, ChunkingParams())


def chunk_with(doc: IngestedDocument, words: str) -> Chunk:
    found = [chunk for chunk in doc.chunks if words in chunk.text]
    assert found, f"no chunk of {doc.entry.id} holds {words!r}"
    return found[0]


@pytest.fixture(scope="module")
def eo_14110(shared_corpus: Path) -> IngestedDocument:
    return ingest(shared_corpus, "us-eo-14110-2023")


def test_eo_14110_model_weight_reporting_is_filed_under_4_2_a_i_b(eo_14110: IngestedDocument) -> None:
    chunk = chunk_with(eo_14110, "the ownership and possession of the model weights")
    assert "4.2 Ensuring Safe and Reliable AI" in chunk.section
    assert "4.1 " not in chunk.section
    assert "Sec. 4.2(a)(i)(B)" in chunk.section or "Sec. 4.2(a)(i)–" in chunk.section, chunk.section


def test_eo_14110_definition_points_nest_under_their_letter(eo_14110: IngestedDocument) -> None:
    chunk = chunk_with(eo_14110, "enabling powerful offensive cyber operations")
    assert "Sec. 3(k)" in chunk.section, chunk.section
    sections = {c.section for c in eo_14110.chunks if c.section.startswith("Sec. 3.")}
    assert not any(" > (ii)" in s or "–(l)" in s for s in sections), sections
    # `(i)` after `(h)` is the letter i, not a roman point
    assert "Sec. 3(i)" in chunk_with(eo_14110, "“critical infrastructure” has the meaning").section


def test_eo_14110_run_in_subsection_headings_do_not_swallow_the_body(eo_14110: IngestedDocument) -> None:
    labels = {part for c in eo_14110.chunks for part in c.section.split(" > ")}
    assert "4.2 Ensuring Safe and Reliable AI" in labels
    assert "4.1 Developing Guidelines, Standards, and Best Practices for AI Safety and Security" in labels
    assert "4.3 Managing AI in Critical Infrastructure and in Cybersecurity" in labels
    assert not any("(a)" in label and not label.startswith("Sec. ") for label in labels), labels


def test_eo_14110_numbered_items_are_points_not_recitals(eo_14110: IngestedDocument) -> None:
    assert not any("Recital" in c.section for c in eo_14110.chunks)
    section = chunk_with(eo_14110, "the identity of such foreign person").section
    assert "Sec. 4.2(d)(i)(B)(2)" in section or "Sec. 4.2(d)(i)(B)(1)" in section, section


@pytest.mark.corpus  # ingests the whole EU AI Act
def test_eu_ai_act_compute_threshold_reads_10_to_the_25(shared_corpus: Path) -> None:
    eu = ingest(shared_corpus, "eu-ai-act-2024-1689")
    chunk = chunk_with(eu, "measured in floating point operations is greater than")
    assert "greater than 10^25." in chunk.text
    assert "Article 51" in chunk.section


def test_an_evidence_quote_with_the_lost_exponent_still_matches_the_restored_text() -> None:
    from assistant.evaluation.matching import quote_coverage

    assert quote_coverage("floating point operations is greater than 1025.",
                          "measured in floating point operations is greater than 10^25. 3. The Commission") == 1.0


@pytest.fixture(scope="module")
def ai_rmf(shared_corpus: Path) -> IngestedDocument:
    return ingest(shared_corpus, "nist-ai-rmf-1.0")


def test_ai_rmf_table_of_contents_lines_are_not_sections(ai_rmf: IngestedDocument) -> None:
    labels = {part for c in ai_rmf.chunks for part in c.section.split(" > ")}
    assert "Appendix D: Attributes of the AI RMF" in labels
    for contents_line in ("Appendix D: Attributes of the AI RMF 42", "Part 1: Foundational Information 4",
                          "3.2 Safe 14", "5.1 Govern 21"):
        assert contents_line not in labels


def test_ai_rmf_wrapped_category_titles_are_kept_whole(ai_rmf: IngestedDocument) -> None:
    labels = {part for c in ai_rmf.chunks for part in c.section.split(" > ")}
    assert "MAP 1: Context is established and understood" in labels
    assert "GOVERN 5: Processes are in place for robust engagement with relevant AI actors" in labels
    assert "MAP 1: Context is" not in labels


@pytest.mark.corpus  # ingests the whole EU AI Act
def test_eu_ai_act_points_after_a_colon_ending_h_are_roman(shared_corpus: Path) -> None:
    eu = ingest(shared_corpus, "eu-ai-act-2024-1689")
    sections = {c.section for c in eu.chunks if "Article 5 Prohibited" in c.section}
    assert any("1(h)(i" in s for s in sections), sorted(sections)
    assert not any(s.endswith("> 1(i)") for s in sections)


def test_action_plan_sections_come_from_its_contents_and_contents_lines_are_no_text(shared_corpus: Path) -> None:
    plan = ingest(shared_corpus, "us-americas-ai-action-plan-2025")
    labels = {part for c in plan.chunks for part in c.section.split(" > ")}
    for title in ("Remove Red Tape and Onerous Regulation", "Invest in Biosecurity",
                  "Pillar III: Lead in International AI Diplomacy and Security",  # wrapped in the body
                  ("Create Streamlined Permitting for Data Centers, Semiconductor Manufacturing Facilities, and "
                   "Energy Infrastructure while Guaranteeing Security")):
        assert title in labels, sorted(labels)
    assert "Pillar I: Accelerate AI Innovation > Enable AI Adoption" in chunk_with(
        plan, "the bottleneck to harnessing AI’s full potential").section
    assert not any("Table of Contents" in c.text for c in plan.chunks)
    wrapped_entry = "Create Streamlined Permitting for Data Centers, Semiconductor Manufacturing"
    assert all(c.section.endswith("while Guaranteeing Security") for c in plan.chunks if wrapped_entry in c.text)


def test_omb_lettered_subsections_nest_in_numbered_sections(shared_corpus: Path) -> None:
    omb = ingest(shared_corpus, "us-omb-m-25-21-2025")
    assert chunk_with(omb, "Except as specifically noted, this memorandum applies").section == \
        "1. SCOPE > a. Covered Agencies"
    assert chunk_with(omb, "Within 180 days of").section.startswith(
        "2. DRIVING AI INNOVATION > a. Developing Agency AI Strategies")
    labels = {part for c in omb.chunks for part in c.section.split(" > ")}
    assert {"OVERVIEW", "4. FOSTERING PUBLIC TRUST IN FEDERAL USE OF AI", "5. DEFINITIONS",
            "b. Implementing Minimum Risk Management Practices for High-Impact AI"} <= labels
    # roman points the scan reads as "1.", "m." or "v." break the sequence and are no headings
    assert not any(label.startswith(("1. Implementing", "m. ", "v. ")) for label in labels), sorted(labels)


@pytest.mark.parametrize("doc_id", ["oecd-ai-recommendation-2019", "oecd-ai-recommendation-2024"])
def test_oecd_principles_each_have_their_own_section(shared_corpus: Path, doc_id: str) -> None:
    oecd = ingest(shared_corpus, doc_id)
    section_1 = "Section 1: Principles for responsible stewardship of trustworthy AI"
    principles = [c.section for c in oecd.chunks if c.kind == "text" and c.section.startswith(f"{section_1} > 1.")]
    assert {s.split(" > ")[1][:3] for s in principles} == {"1.1", "1.2", "1.3", "1.4", "1.5"}, principles
    transparency = chunk_with(oecd, "to make stakeholders aware of their interactions with AI systems")
    assert transparency.section == f"{section_1} > 1.3 Transparency and explainability"
    assert chunk_with(oecd, "disseminate this Recommendation").section == "VI. INVITES"
    assert not any(c.section.startswith("VIII.") and "principles" in c.text and "Committee" not in c.text
                   for c in oecd.chunks), [c.section for c in oecd.chunks]


def test_oecd_2024_page_text_after_the_recommendation_is_not_filed_under_its_last_clause(
        shared_corpus: Path) -> None:
    oecd = ingest(shared_corpus, "oecd-ai-recommendation-2024")
    summary = chunk_with(oecd, "the first section sets out five complementary principles")
    assert summary.section == "Scope of the Recommendation"
    assert chunk_with(oecd, "Respect for the rule of law, human rights").section.endswith(
        "> 1.2 Respect for the rule of law, human rights and democratic values, including fairness and privacy")
