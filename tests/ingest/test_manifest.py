"""The manifest loader: the real `sources.toml` with its registry, and a clear error for each kind of bad entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.corpus_status import sha256_file
from ingest.errors import ManifestError
from ingest.manifest import load_manifest, load_registry, read_manifest
from ingest.models import INSTRUMENTS

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"

EU = """
[[jurisdiction]]
code = "eu"
name = "European Union"
short = "the EU"
phrase = "the EU AI Act"
terms = ["eu", "european union"]
"""
GOOD = """
[[document]]
id = "alpha"
file = "alpha.md"
title = "Alpha"
jurisdiction = "eu"
sha256 = "{sha}"
"""
SHA = "a" * 64


def write(tmp_path: Path, text: str, registry: str = EU) -> Path:
    """A manifest of `text`'s documents, after the jurisdiction tables `registry`."""
    path = tmp_path / "sources.toml"
    path.write_text(registry + text, encoding="utf-8")
    return path


def test_real_manifest_has_13_documents_whose_files_match_the_shared_corpus() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    entries = load_manifest(REPO / "corpus" / "sources.toml")
    assert len(entries) == 13
    for entry in entries:
        path = SHARED_CORPUS / entry.file
        assert path.is_file(), f"{entry.id}: {path} missing"
        assert sha256_file(path) == entry.sha256, f"{entry.id}: sha256 differs"


def test_entry_fields_are_read_and_optional_ones_default_to_empty(tmp_path: Path) -> None:
    entries = load_manifest(write(tmp_path, GOOD.format(sha=SHA) + 'url = "https://example.org/a"\n'))
    assert [(e.id, e.file, e.title, e.jurisdiction, e.url, e.issuer) for e in entries] == [
        ("alpha", "alpha.md", "Alpha", "eu", "https://example.org/a", "")
    ]


def test_missing_key_names_the_file_the_entry_and_the_key(tmp_path: Path) -> None:
    second = GOOD.format(sha=SHA).replace('"alpha"', '"beta"').replace('title = "Alpha"\n', "")
    text = GOOD.format(sha=SHA) + second
    path = write(tmp_path, text)
    with pytest.raises(ManifestError) as err:
        load_manifest(path)
    message = str(err.value)
    assert str(path) in message and "document #2 (id 'beta')" in message and "missing key 'title'" in message


def test_duplicate_id_is_rejected(tmp_path: Path) -> None:
    second = GOOD.format(sha=SHA).replace('file = "alpha.md"', 'file = "other.md"')
    expected = "document #2 (id 'alpha'): duplicate id, already used by document #1"
    with pytest.raises(ManifestError, match=re.escape(expected)):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA) + second))


def test_duplicate_file_is_rejected(tmp_path: Path) -> None:
    second = GOOD.format(sha=SHA).replace('id = "alpha"', 'id = "beta"')
    with pytest.raises(ManifestError, match=re.escape("file 'alpha.md' is already used by document #1")):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA) + second))


def test_unknown_jurisdiction_lists_the_valid_choices(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as err:
        load_manifest(write(tmp_path, GOOD.format(sha=SHA).replace('"eu"', '"mars"')))
    message = str(err.value)
    assert "unknown jurisdiction 'mars'" in message and "id 'alpha'" in message
    assert "valid choices are: eu, unknown" in message


def test_the_registry_is_read_from_the_shipped_manifest() -> None:
    manifest = read_manifest(REPO / "corpus" / "sources.toml")
    registry = manifest.registry
    assert registry.codes == ("eu", "us", "oecd", "japan", "g7", "unknown")
    assert (registry.name("eu"), registry.get("eu").short, registry.get("eu").phrase) == (
        "European Union", "the EU", "the EU AI Act")
    assert "US" in registry.get("us").terms and registry.name("unknown") == "Other documents"
    assert dict(registry.restates) == {"nist-ai-rmf-playbook": "nist-ai-rmf-1.0"}
    assert {e.jurisdiction for e in manifest.entries} == set(registry.declared)


def test_no_manifest_is_an_empty_registry_where_every_document_is_unknown(tmp_path: Path) -> None:
    registry = load_registry(tmp_path / "absent.toml")
    assert registry.codes == ("unknown",) and registry.name("eu") == "eu" and registry.secondary == frozenset()


def test_a_document_of_an_undeclared_jurisdiction_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"unknown jurisdiction 'eu'; valid choices are: unknown \(declare"):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA), registry=""))
    unknown = load_manifest(write(tmp_path, GOOD.format(sha=SHA).replace('"eu"', '"unknown"'), registry=""))
    assert unknown[0].jurisdiction == "unknown"


@pytest.mark.parametrize(("table", "error"), [
    (EU.replace('phrase = "the EU AI Act"\n', ""), "jurisdiction #1 ('eu'): 'phrase' must be a non-empty string"),
    (EU.replace('terms = ["eu", "european union"]', 'terms = "eu"'), "'terms' must be a list of non-empty strings"),
    (EU + 'colour = "blue"\n', "unknown key(s) colour; valid keys are: code, name, short, phrase, terms"),
    (EU + EU, "jurisdiction #2 ('eu'): code 'eu' is declared twice"),
    (EU.replace('"eu"', '"unknown"', 1), "the code 'unknown' is kept for documents outside the registry"),
])
def test_a_bad_jurisdiction_table_names_the_table_and_the_problem(tmp_path: Path, table: str, error: str) -> None:
    with pytest.raises(ManifestError, match=re.escape(error)):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA), registry=table))


def test_a_secondary_document_names_another_document_it_restates(tmp_path: Path) -> None:
    beta = GOOD.format(sha=SHA).replace('"alpha"', '"beta"').replace('"alpha.md"', '"beta.md"')
    good = GOOD.format(sha=SHA) + beta + 'role = "secondary"\nrestates = "alpha"\n'
    assert dict(read_manifest(write(tmp_path, good)).registry.restates) == {"beta": "alpha"}
    with pytest.raises(ManifestError, match="restates 'gamma', which is not another document"):
        load_manifest(write(tmp_path, good.replace('restates = "alpha"', 'restates = "gamma"')))
    with pytest.raises(ManifestError, match="a secondary document names the document it restates"):
        load_manifest(write(tmp_path, good.replace('restates = "alpha"\n', "")))
    with pytest.raises(ManifestError, match="unknown role 'copy'; valid choices are: primary, secondary"):
        load_manifest(write(tmp_path, good.replace('"secondary"', '"copy"')))


def test_unknown_key_lists_the_valid_keys(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"unknown key\(s\) sha265; valid keys are: id, file, title"):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA) + 'sha265 = "x"\n'))


@pytest.mark.parametrize("bad", ["../escape.md", "sub/alpha.md", ".hidden.md"])
def test_file_must_be_a_plain_name_inside_the_corpus_directory(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ManifestError, match="must be a plain file name"):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA).replace('"alpha.md"', f'"{bad}"')))


def test_malformed_sha256_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="sha256 'abc' is not 64 lowercase hex digits"):
        load_manifest(write(tmp_path, GOOD.format(sha="abc")))


def test_unquoted_date_is_reported_as_not_a_string(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="'date' must be a string"):
        load_manifest(write(tmp_path, GOOD.format(sha=SHA) + "date = 2024-06-13\n"))


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[[document]\nid = ")
    with pytest.raises(ManifestError, match=re.escape(f"{path}: not valid TOML")):
        load_manifest(path)


def test_missing_manifest_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=re.escape("nowhere.toml: manifest not found")):
        load_manifest(tmp_path / "nowhere.toml")


def test_every_shipped_document_states_a_valid_instrument_and_a_date() -> None:
    entries = load_manifest(REPO / "corpus" / "sources.toml")
    assert all(e.instrument in INSTRUMENTS and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.date) for e in entries)
    by_id = {e.id: e.instrument for e in entries}
    assert by_id["japan-ai-basic-plan-trustworthy-ai-2026"] == "report"
    assert by_id["eu-ai-act-2024-1689"] == "binding law (regulation)"


def test_unknown_instrument_fails_listing_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.format(sha=SHA) + 'instrument = "treaty"\n')
    with pytest.raises(ManifestError, match=r"unknown instrument 'treaty'; valid choices are: binding law"):
        load_manifest(path)


def test_malformed_date_fails_naming_the_document(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.format(sha=SHA) + 'date = "May 2024"\n')
    with pytest.raises(ManifestError, match=r"id 'alpha'.*date 'May 2024' is not a date"):
        load_manifest(path)
