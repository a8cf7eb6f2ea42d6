"""A document over a limit (bytes, PDF pages, chunks) is refused with one message; the others are ingested."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.limits import DocumentLimits
from ingest.pipeline import ingest_files
from ingest.settings import Settings

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"

EU_ACT = "eu-ai-act-2024-1689.pdf"
G7 = "g7-leaders-statement-hiroshima-ai-process-2023.md"


def _corpus(tmp_path: Path, shared_corpus: Path) -> Settings:
    folder = tmp_path / "documents"
    folder.mkdir()
    shutil.copyfile(shared_corpus / EU_ACT, folder / EU_ACT)
    shutil.copyfile(shared_corpus / G7, folder / G7)
    # 3 MB of repeated policy text: tens of thousands of chunks if it were read
    (folder / "huge.txt").write_text("Providers of high-risk AI systems shall keep logs. " * 60_000,
                                     encoding="utf-8")
    return Settings(corpus_dir=folder, manifest_path=tmp_path / "absent.toml")


def _ingest(settings: Settings) -> tuple[set[str], dict[str, str]]:
    result = ingest_files(files_to_ingest(settings), chunking_params(settings), workers=1,
                          limits=DocumentLimits.from_settings(settings))
    return ({doc.report.file for doc in result.documents},
            {failure.file: failure.error or "" for failure in result.failures})


def test_a_file_over_max_document_mb_is_refused_before_it_is_read(tmp_path: Path, shared_corpus: Path) -> None:
    settings = _corpus(tmp_path, shared_corpus).replace(max_document_mb=2.9)
    ingested, failed = _ingest(settings)
    assert ingested == {EU_ACT, G7}
    assert failed == {"huge.txt": "huge.txt: the file is 3.1 MB; the limit is 2.9 MB (setting max_document_mb)"}


def test_a_pdf_over_max_pdf_pages_is_refused(tmp_path: Path, shared_corpus: Path) -> None:
    settings = _corpus(tmp_path, shared_corpus).replace(max_pdf_pages=100, max_document_mb=2.9)
    ingested, failed = _ingest(settings)
    assert ingested == {G7}
    assert failed[EU_ACT].startswith(f"{EU_ACT}: the PDF has ") and "the limit is 100 (setting max_pdf_pages)" \
        in failed[EU_ACT]


def test_a_document_over_max_chunks_per_document_is_refused(tmp_path: Path, shared_corpus: Path) -> None:
    settings = _corpus(tmp_path, shared_corpus).replace(max_chunks_per_document=500, max_document_mb=2.9)
    ingested, failed = _ingest(settings)
    assert ingested == {G7}
    assert "the limit is 500 (setting max_chunks_per_document)" in failed[EU_ACT]
    assert failed[EU_ACT].startswith(f"{EU_ACT}: the document makes ")
