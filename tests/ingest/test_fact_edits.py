"""The facts a user gives an uploaded document: checked field by field, saved in the data dir, read back over the
facts inferred from the file, refused for the default corpus's documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.corpus_status import corpus_status
from ingest.fact_edits import (
    FACTS_FILE,
    FactEdit,
    FactsError,
    check_facts,
    editable_documents,
    fact_edits_stamp,
    read_fact_edits,
    save_fact_edit,
    with_fact_edits,
)
from ingest.manifest import load_manifest
from ingest.settings import Settings
from tests.conftest import MANIFEST
from tests.conftest import ORDER_FACTS as FACTS

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"
UPLOADED = "removing-barriers.md"


@pytest.fixture
def settings(tmp_path: Path, shared_corpus: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(shared_corpus / "us-eo-14179-2025.md", corpus / UPLOADED)
    shutil.copyfile(shared_corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md",
                    corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md")  # a manifest document
    return Settings(corpus_dir=corpus, manifest_path=MANIFEST, data_dir=tmp_path / "data")


def test_saved_facts_replace_the_inferred_ones_and_persist_in_the_data_dir(settings: Settings) -> None:
    before = {s.entry.id: s.entry for s in editable_documents(settings)}["removing-barriers"]
    assert before.jurisdiction == "unknown" and not before.url and not before.issuer

    save_fact_edit(settings, "removing-barriers", FACTS)

    assert read_fact_edits(settings.data_dir) == {"removing-barriers": FactEdit(**FACTS)}
    stored = json.loads((settings.data_dir / FACTS_FILE).read_text(encoding="utf-8"))
    assert stored["format"] == 1 and stored["documents"]["removing-barriers"]["file"] == UPLOADED
    after = {s.entry.id: s.entry for s in editable_documents(settings)}["removing-barriers"]
    assert (after.title, after.jurisdiction, after.instrument, after.date) == (
        FACTS["title"], "us", "executive order", "2025-01-23")
    assert after.file == UPLOADED and after.sha256 == ""  # the file's own facts are kept
    # the manifest document beside it keeps the manifest's facts
    statuses = with_fact_edits(corpus_status(load_manifest(MANIFEST), settings.corpus_dir),
                               read_fact_edits(settings.data_dir))
    g7 = next(s for s in statuses if s.entry.id.startswith("g7-"))
    assert g7.status == "present" and g7.entry.jurisdiction == "g7"


def test_a_second_save_replaces_the_first_and_changes_the_stamp(settings: Settings, tmp_path: Path,
                                                                shared_corpus: Path) -> None:
    shutil.copyfile(shared_corpus / "oecd-ai-recommendation-2019.txt", settings.corpus_dir / "principles.txt")
    save_fact_edit(settings, "removing-barriers", FACTS)
    first = fact_edits_stamp(settings.data_dir)
    save_fact_edit(settings, "principles", {"title": "OECD principles (my copy)", "jurisdiction": "oecd"})
    save_fact_edit(settings, "removing-barriers", {**FACTS, "issuer": "", "url": ""})

    edits = read_fact_edits(settings.data_dir)
    assert edits["removing-barriers"].issuer == "" and edits["removing-barriers"].url == ""
    assert edits["principles"] == FactEdit("OECD principles (my copy)", jurisdiction="oecd")
    assert fact_edits_stamp(settings.data_dir) not in ("", first)
    assert sorted(p.name for p in settings.data_dir.iterdir()) == [FACTS_FILE, "document-facts.lock"]


@pytest.mark.parametrize("values, fields, words", [
    ({**FACTS, "jurisdiction": "mars"}, ("jurisdiction",), "Jurisdiction: 'mars' is not a known jurisdiction"),
    ({**FACTS, "date": "23/01/2025"}, ("date",), "Date: '23/01/2025' is not a date of the form yyyy-mm-dd"),
    ({**FACTS, "date": "2025-02-30"}, ("date",), "Date: '2025-02-30' is not a date"),
    ({**FACTS, "url": "javascript:alert(1)"}, ("url",), "Official URL: 'javascript:alert(1)' is not an http"),
    ({**FACTS, "url": "www.whitehouse.gov"}, ("url",), "Official URL"),
    ({**FACTS, "instrument": "decree"}, ("instrument",), "Instrument type: 'decree' is not a known"),
    ({**FACTS, "title": "  "}, ("title",), "Title: must not be empty"),
    ({**FACTS, "issuer": "a\nb"}, ("issuer",), "Issuer: must be one line"),
    ({"title": "", "jurisdiction": "xx", "date": "soon", "url": "ftp://x"}, ("title", "jurisdiction", "date", "url"),
     "Title: must not be empty. Jurisdiction"),
    ({**FACTS, "licence": "CC0"}, ("licence",), "licence: not a document fact"),
])
def test_invalid_facts_are_refused_naming_each_field_and_nothing_is_saved(
        settings: Settings, values: dict[str, str], fields: tuple[str, ...], words: str) -> None:
    with pytest.raises(FactsError) as raised:
        save_fact_edit(settings, "removing-barriers", values)
    assert raised.value.fields == fields and words in str(raised.value)
    assert not (settings.data_dir / FACTS_FILE).exists()


def test_empty_optional_facts_are_accepted_and_spaces_trimmed() -> None:
    edit = check_facts({"title": "  My order ", "jurisdiction": "", "date": "", "url": "", "instrument": ""},
                       ("us", "unknown"))
    assert edit == FactEdit("My order", jurisdiction="unknown")


def test_a_default_corpus_document_is_not_editable(settings: Settings) -> None:
    with pytest.raises(FactsError, match="is a document of the default corpus: its facts come from"):
        save_fact_edit(settings, "g7-leaders-statement-hiroshima-ai-process-2023", FACTS)
    assert "g7-leaders-statement-hiroshima-ai-process-2023" not in {
        s.entry.id for s in editable_documents(settings)}


def test_an_unknown_document_is_refused_with_the_uploaded_ones_listed(settings: Settings) -> None:
    with pytest.raises(FactsError, match="no uploaded document has the id 'nope'.*uploaded documents: "
                                         "removing-barriers"):
        save_fact_edit(settings, "nope", FACTS)


@pytest.mark.parametrize("content, words", [
    ("{not json", "cannot be read"),
    ('{"format": 2, "documents": {}}', "has format 2, this policyqa reads format 1"),
    ('{"format": 1, "documents": {"x": {"title": "T", "url": "javascript:alert(1)"}}}', "the facts of 'x' are invalid"),
])
def test_a_facts_file_it_cannot_read_is_refused_and_never_overwritten(settings: Settings, content: str,
                                                                       words: str) -> None:
    settings.data_dir.mkdir()
    (settings.data_dir / FACTS_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(FactsError, match=words):
        read_fact_edits(settings.data_dir)
    with pytest.raises(FactsError, match=words):
        save_fact_edit(settings, "removing-barriers", FACTS)
    assert (settings.data_dir / FACTS_FILE).read_text(encoding="utf-8") == content
