"""Bad files: each gets one message naming the file and the problem, and the good files still go through."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ingest.chunk import ChunkingParams
from ingest.corpus_status import infer_entry
from ingest.errors import IngestError
from ingest.loaders import load_document
from ingest.pipeline import IngestResult, ingest_files

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"

GOOD_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
)
SMALL_PDF = "us-eo-14110-2023.pdf"


def make_unknown_type(folder: Path, shared: Path) -> Path:
    path = folder / "briefing.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # the start of a zip archive, as a .docx is
    return path


def make_empty(folder: Path, shared: Path) -> Path:
    path = folder / "empty.md"
    path.write_bytes(b"")
    return path


def make_truncated_pdf(folder: Path, shared: Path) -> Path:
    data = (shared / SMALL_PDF).read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def make_garbage_pdf(folder: Path, shared: Path) -> Path:
    path = folder / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return path


def make_encrypted_pdf(folder: Path, shared: Path) -> Path:
    writer = PdfWriter()
    writer.add_page(PdfReader(shared / SMALL_PDF).pages[0])
    writer.encrypt("secret")
    path = folder / "encrypted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_pdf_without_text(folder: Path, shared: Path) -> Path:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80)  # a drawing, as a scanned page is an image: no text layer
    path = folder / "scanned.pdf"
    pdf.output(str(path))
    return path


def make_binary_txt(folder: Path, shared: Path) -> Path:
    path = folder / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def make_latin1_txt(folder: Path, shared: Path) -> Path:
    path = folder / "latin1.txt"
    path.write_bytes("Résumé of the AI policy: the café of the Ministère.\n".encode("latin-1"))
    return path


# (maker, file name, words the message must contain)
BAD_INPUTS = [
    (make_unknown_type, "briefing.docx", ["unsupported file type '.docx'", ".pdf", ".md"]),
    (make_empty, "empty.md", ["empty"]),
    (make_truncated_pdf, "truncated.pdf", ["corrupt PDF"]),
    (make_garbage_pdf, "garbage.pdf", ["corrupt PDF"]),
    (make_encrypted_pdf, "encrypted.pdf", ["encrypted", "password"]),
    (make_pdf_without_text, "scanned.pdf", ["no text layer", "OCR"]),
    (make_binary_txt, "image.txt", ["binary"]),
    (make_latin1_txt, "latin1.txt", ["not valid UTF-8", "0xe9"]),
]


@pytest.fixture
def corpus_folder(tmp_path: Path, shared_corpus: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in GOOD_FILES:
        shutil.copyfile(shared_corpus / name, folder / name)
    return folder


def ingest_folder(folder: Path) -> IngestResult:
    files = [(path, infer_entry(path)) for path in sorted(folder.iterdir())]
    return ingest_files(files, ChunkingParams())


@pytest.mark.parametrize(("make", "name", "words"), BAD_INPUTS, ids=[name for _, name, _ in BAD_INPUTS])
def test_a_bad_file_gets_one_message_naming_it_and_the_problem(
        make: Callable[[Path, Path], Path], name: str, words: list[str], corpus_folder: Path,
        shared_corpus: Path) -> None:
    make(corpus_folder, shared_corpus)
    result = ingest_folder(corpus_folder)
    assert [f.file for f in result.failures] == [name]
    message = result.failures[0].error
    assert message.startswith(f"{name}: ")
    for word in words:
        assert word in message
    assert "Traceback" not in message and "\n" not in message
    assert sorted(d.report.file for d in result.documents) == sorted(GOOD_FILES)
    assert all(d.chunks for d in result.documents)


def test_all_bad_files_at_once_leave_the_good_ones_ingested(corpus_folder: Path, shared_corpus: Path) -> None:
    for make, _, _ in BAD_INPUTS:
        make(corpus_folder, shared_corpus)
    result = ingest_folder(corpus_folder)
    assert sorted(f.file for f in result.failures) == sorted(name for _, name, _ in BAD_INPUTS)
    assert sorted(d.report.file for d in result.documents) == sorted(GOOD_FILES)
    assert len(result.reports) == len(BAD_INPUTS) + len(GOOD_FILES)


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "gone.md"
    with pytest.raises(IngestError, match=r"^gone\.md: file not found$"):
        load_document(path, infer_entry(path))
