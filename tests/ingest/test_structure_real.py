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
