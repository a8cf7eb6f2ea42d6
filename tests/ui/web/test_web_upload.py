"""Uploads: safe names, content checked against the name, never a replaced file, the size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.web.upload import UploadError, check_content, remove_upload_copy, safe_file_name, store_upload

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
MB = 1024 * 1024


@pytest.mark.parametrize("name, expected", [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\ada\\My Notes (v2).MD", "My-Notes-v2.md"),
    (".hidden.html", "hidden.html"),
    ("émission; rm -rf.txt", "mission-rm-rf.txt"),
    ("....pdf", "document.pdf"),
])
def test_safe_file_name_keeps_only_the_base_name_in_a_safe_alphabet(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


@pytest.mark.parametrize("name", ["tool.exe", "archive.pdf.zip", "noextension"])
def test_safe_file_name_refuses_unsupported_types(name: str) -> None:
    with pytest.raises(UploadError, match="unsupported file type"):
        safe_file_name(name)


@pytest.mark.parametrize("data, suffix, problem", [
    (b"plain words, not a PDF", ".pdf", "not a PDF"),
    (PDF, ".txt", "binary data|PDF named"),
    (b"caf\xe9 au lait", ".md", "not valid UTF-8"),
    (b"text\x00with a NUL", ".txt", "binary data"),
    (b"just words, no markup at all", ".html", "does not look like HTML"),
    (b"   \n  ", ".txt", "no text"),
    (b"", ".md", "empty"),
])
def test_content_that_does_not_match_the_name_is_refused(data: bytes, suffix: str, problem: str) -> None:
    with pytest.raises(UploadError, match=problem):
        check_content(data, suffix)


@pytest.mark.parametrize("data, suffix", [
    (PDF, ".pdf"),
    ("# Notes\n\nÜber <b>AI</b>.".encode(), ".md"),
    (b"<!doctype html><html><body><p>Policy</p></body></html>", ".html"),
    (b"Plain text policy.", ".txt"),
])
def test_content_that_matches_the_name_is_accepted(data: bytes, suffix: str) -> None:
    check_content(data, suffix)


def test_upload_is_stored_in_the_corpus_dir_and_never_replaces_a_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("The first notes.", encoding="utf-8")
    upload = tmp_path / "upload" / "notes.txt"
    upload.parent.mkdir()
    upload.write_text("Other notes.", encoding="utf-8")

    stored = store_upload(upload, "../notes.txt", corpus, MB, taken_ids=set())

    assert stored.path == corpus / "notes-2.txt" and stored.doc_id == "notes-2"
    assert "stored as notes-2.txt" in stored.message
    assert (corpus / "notes.txt").read_text(encoding="utf-8") == "The first notes."
    assert sorted(p.name for p in corpus.iterdir()) == ["notes-2.txt", "notes.txt"]  # no temp file left


def test_upload_taking_a_document_id_is_renamed(tmp_path: Path) -> None:
    upload = tmp_path / "eu-ai-act.txt"
    upload.write_text("A different document.", encoding="utf-8")
    stored = store_upload(upload, upload.name, tmp_path / "corpus", MB, taken_ids={"eu-ai-act"})
    assert stored.doc_id == "eu-ai-act-2"


def test_identical_upload_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Same notes.", encoding="utf-8")
    upload = tmp_path / "copy.txt"
    upload.write_text("Same notes.", encoding="utf-8")
    with pytest.raises(UploadError, match="already in the corpus as notes.txt"):
        store_upload(upload, upload.name, corpus, MB, taken_ids=set())


def test_upload_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    upload = tmp_path / "big.txt"
    upload.write_bytes(b"a" * (MB + 1))
    with pytest.raises(UploadError, match="limit is 1 MB"):
        store_upload(upload, upload.name, tmp_path / "corpus", MB, taken_ids=set())
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").iterdir())


def test_a_truncated_pdf_is_refused_by_opening_it_and_nothing_is_kept(tmp_path: Path, shared_corpus: Path) -> None:
    upload = tmp_path / "upload" / "nist.pdf"
    upload.parent.mkdir()
    upload.write_bytes((shared_corpus / "nist-ai-rmf-1.0.pdf").read_bytes()[:4096])  # starts with %PDF
    corpus = tmp_path / "corpus"
    with pytest.raises(UploadError, match="corrupt PDF that cannot be read"):
        store_upload(upload, upload.name, corpus, MB * 10, taken_ids=set())
    assert list(corpus.iterdir()) == []  # neither the document nor its temporary copy


def test_a_whole_pdf_upload_is_opened_and_stored(tmp_path: Path, shared_corpus: Path) -> None:
    upload = tmp_path / "upload" / "nist.pdf"
    upload.parent.mkdir()
    upload.write_bytes((shared_corpus / "nist-ai-rmf-1.0.pdf").read_bytes())
    stored = store_upload(upload, upload.name, tmp_path / "corpus", MB * 10, taken_ids=set())
    assert [p.name for p in (tmp_path / "corpus").iterdir()] == ["nist.pdf"] and stored.doc_id == "nist"


def test_the_servers_temporary_copy_is_removed_with_its_folder(tmp_path: Path) -> None:
    upload = tmp_path / "gradio" / "0123abcd" / "notes.txt"
    upload.parent.mkdir(parents=True)
    upload.write_text("Notes.", encoding="utf-8")
    remove_upload_copy(upload)
    assert list((tmp_path / "gradio").iterdir()) == []
