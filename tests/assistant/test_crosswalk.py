"""`crosswalk` over the session's index of the whole corpus: each cell cites its own document (or jurisdiction)
only, a principle a short text does not treat is "not addressed" with its closest passage, the cache is read back
whole and made again when the frame or the index version changes; and the crosswalk gold set, whose every quote
stands on its page."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.cited_evidence import terms_coverage
from assistant.compare import indexed_document_facts
from assistant.crosswalk import crosswalk, item_query
from assistant.crosswalk_cache import cache_key, cached_crosswalk
from assistant.evaluation.compare_eval import cell_hit
from assistant.evaluation.crosswalk_eval import load_crosswalk_gold
from assistant.frames import FrameItem, find_frame, frames_dir_of, load_frame
from assistant.pipeline import Assistant
from ingest.loaders import load_document
from ingest.manifest import load_manifest

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "corpus" / "sources.toml"
FRAMES = frames_dir_of(MANIFEST)
GOLD = REPO / "corpus" / "eval" / "crosswalk-gold.jsonl"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SMALL_FRAME = REPO / "tests" / "frames" / "small.toml"  # two OECD principles, to keep crosswalks short


@pytest.fixture(scope="module")
def facts(assistant: Assistant) -> dict:
    return indexed_document_facts(assistant)


@pytest.fixture
def small_frame(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "small.toml"
    shutil.copy(SMALL_FRAME, path)  # the cache test edits it
    return load_frame(path)


def test_each_cell_cites_only_its_own_document(assistant: Assistant, facts: dict, small_frame) -> None:
    walk = crosswalk(assistant, small_frame, facts)
    assert [c.key for c in walk.columns][:1] == ["eu-ai-act-2024-1689"] and len(walk.columns) == 13
    for row in walk.rows:
        for cell in row:
            assert all(p.chunk.doc_id == cell.column for p in cell.evidence.shown_passages()), cell
    eu = walk.cell("1.3", "eu-ai-act-2024-1689")
    assert eu.evidence.addressed and eu.level in ("strong", "partial") and 0 < eu.strength <= 1
    g7 = walk.cell("2.4", "g7-leaders-statement-hiroshima-ai-process-2023")
    assert not g7.evidence.addressed and g7.level == "not addressed" and g7.strength == 0
    assert g7.evidence.closest is not None
    assert g7.evidence.closest.chunk.doc_id == "g7-leaders-statement-hiroshima-ai-process-2023"


def test_by_jurisdiction_has_one_column_per_jurisdiction(assistant: Assistant, facts: dict, small_frame) -> None:
    walk = crosswalk(assistant, small_frame, facts, by="jurisdiction", items=("1.3",))
    assert [c.key for c in walk.columns] == ["eu", "us", "oecd", "japan", "g7"]
    assert len(walk.column("us").documents) == 8 and len(walk.rows) == 1
    for cell in walk.rows[0]:
        assert all(p.chunk.jurisdiction == cell.column for p in cell.evidence.shown_passages())
    with pytest.raises(ValueError, match="valid choices are: document, jurisdiction"):
        crosswalk(assistant, small_frame, facts, by="issuer")


def test_a_term_is_used_when_its_words_stand_together() -> None:
    assert terms_coverage(("risk management",), [("", "A risk management system shall be established.")]) == 0.5
    assert terms_coverage(("risk management",), [("", "Organisations manage risks.")]) == 0.0
    assert terms_coverage(("data protection", "privacy"), [("Article 2", "data centres are protected")]) == 0.0
    assert terms_coverage(("privacy", "explainability", "safety"), [("Privacy", "Explainability matters.")]) == 1.0
    item = FrameItem("p", "Privacy-enhanced", "s", ("privacy",))
    assert item_query(item).terms == ("privacy",) and item_query(item).min_coverage == 0.5


def test_a_long_label_needs_two_of_its_words_a_short_one_half() -> None:
    long = item_query(FrameItem("2.4", "Building human capacity and preparing for labour market transformation", "s"))
    assert long.min_coverage == pytest.approx(2 / 7)
    assert item_query(FrameItem("1.3", "Transparency and explainability", "s")).min_coverage == 0.5
    assert item_query(FrameItem("p", "Privacy-enhanced", "s")).topic == "Privacy enhanced"


def test_the_cache_is_read_back_whole_and_made_again_when_frame_or_index_changes(
        assistant: Assistant, facts: dict, small_frame, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    made = cached_crosswalk(assistant, small_frame, facts, "document", cache)
    read = cached_crosswalk(assistant, small_frame, facts, "document", cache)
    assert not made.from_cache and read.from_cache
    assert [[(c.level, c.strength, c.evidence.citations, c.evidence.closest) for c in row] for row in read.rows] == \
        [[(c.level, c.strength, c.evidence.citations, c.evidence.closest) for c in row] for row in made.rows]

    edited = Path(tmp_path / "small.toml")
    edited.write_text(edited.read_text().replace("make people aware", "tell people"), encoding="utf-8")
    changed = load_frame(edited)
    assert cache_key(assistant, changed) != cache_key(assistant, small_frame)
    assert not cached_crosswalk(assistant, changed, facts, "document", cache).from_cache

    manifest = assistant.searcher.manifest
    rebuilt = replace(assistant, searcher=replace(assistant.searcher,
                                                  manifest=replace(manifest, built_at="2099-01-01T00:00:00+00:00")))
    assert cache_key(rebuilt, changed) != cache_key(assistant, changed)
    assert not cached_crosswalk(rebuilt, changed, facts, "document", cache).from_cache
    stored = json.loads((cache / "small.document.json").read_text())
    assert stored["index_version"].startswith("2099-01-01") and len(stored["cells"]) == 2 * 13

    eu = assistant.registry.get("eu")
    fewer_terms = replace(assistant.registry, jurisdictions=tuple(
        replace(j, terms=tuple(t for t in j.terms if t != "ai office")) if j is eu else j
        for j in assistant.registry.jurisdictions))
    assert "ai office" in eu.terms
    assert cache_key(replace(rebuilt, registry=fewer_terms), changed) != cache_key(rebuilt, changed)
    assert not cached_crosswalk(replace(rebuilt, registry=fewer_terms), changed, facts, "document", cache).from_cache


def test_an_unreadable_cache_file_is_made_again(assistant: Assistant, facts: dict, small_frame,
                                                tmp_path: Path) -> None:
    (tmp_path / "small.document.json").write_text("{not json")
    walk = cached_crosswalk(assistant, small_frame, facts, "document", tmp_path)
    assert not walk.from_cache and cached_crosswalk(assistant, small_frame, facts, "document", tmp_path).from_cache


def test_gold_has_sixty_cells_and_every_quote_is_verbatim_on_its_page() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    cases = load_crosswalk_gold(GOLD, FRAMES)
    assert len(cases) >= 60 and len({c.id for c in cases}) == len(cases)
    assert sum(c.not_addressed for c in cases) >= 15 and sum(bool(c.provisions) for c in cases) >= 30
    assert {c.frame for c in cases} == {"oecd-ai-principles", "nist-ai-rmf-trustworthiness"}
    entries = {e.id: e for e in load_manifest(MANIFEST)}
    pages: dict[str, dict[int, str]] = {}
    for case in cases:
        for provision in case.provisions:
            entry = entries[provision.doc_id]
            if entry.id not in pages:
                loaded = load_document(SHARED_CORPUS / entry.file, entry)
                pages[entry.id] = {p.number: " ".join(p.text.split()) for p in loaded.pages}
            assert provision.quote in pages[entry.id][provision.page], (case.id, provision)


def test_a_cell_hits_when_a_cited_passage_holds_the_gold_quote(assistant: Assistant, facts: dict) -> None:
    frame = find_frame("oecd-ai-principles", FRAMES)
    walk = crosswalk(assistant, frame, facts, items=("1.3",))
    case = next(c for c in load_crosswalk_gold(GOLD, FRAMES)
                if c.id == "oecd-ai-principles/1.3:oecd-ai-recommendation-2024")
    assert cell_hit(walk.cell("1.3", case.doc_id).evidence, case)
    other = next(c for c in load_crosswalk_gold(GOLD, FRAMES) if c.doc_id == "eu-ai-act-2024-1689" and c.provisions)
    assert not cell_hit(walk.cell("1.3", case.doc_id).evidence, other)
