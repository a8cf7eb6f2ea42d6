"""Property-based fuzz of the loaders through a real index build: whatever files sit beside two good documents
(random bytes, text, HTML, PDFs cut short or with bytes changed, under any of the corpus suffixes), the build
raises nothing, gives each file it cannot index one line naming it, and indexes the good documents."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.build import build_index
from index.embed import Embedder
from index.layout import current_version_dir, read_manifest
from ingest.corpus_files import select_corpus_files
from ingest.settings import Settings

pytestmark = pytest.mark.robustness

GOOD = ("g7-leaders-statement-hiroshima-ai-process-2023.md", "us-eo-14179-2025.md")
SUFFIXES = (".pdf", ".txt", ".md", ".html", ".htm", ".markdown")
FUZZ_EXAMPLES = 25  # each is one index build; README "Tests" quotes this figure


def small_pdf() -> bytes:
    """A two-page PDF with text, made here (fpdf2), to be cut and altered."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for page in range(2):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Article {page + 1}. Providers of general-purpose AI models shall keep technical "
                             "documentation up to date and make it available to the AI Office on request.")
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


PDF = small_pdf()

_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000)


@st.composite
def fuzz_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, content) of a file that may or may not be a document."""
    suffix = draw(st.sampled_from(SUFFIXES))
    kind = draw(st.sampled_from(("bytes", "text", "html", "pdf cut", "pdf altered", "empty")))
    if kind == "bytes":
        data = draw(st.binary(max_size=4000))
    elif kind == "text":
        data = draw(_texts).encode()
    elif kind == "html":
        inner = draw(_texts)
        tag = draw(st.sampled_from(("p", "title", "h1", "script", "div", "table", "")))
        data = f"<html><head><{tag}>{inner[:80]}</{tag}></head><body><{tag}>{inner}</body>".encode()
    elif kind == "pdf cut":
        data = PDF[: draw(st.integers(0, len(PDF)))]
    elif kind == "pdf altered":
        altered = bytearray(PDF)
        for position, value in draw(st.lists(st.tuples(st.integers(0, len(PDF) - 1), st.integers(0, 255)),
                                             min_size=1, max_size=40)):
            altered[position] = value
        data = bytes(altered)
    else:
        data = b""
    return suffix, data


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(files=st.lists(fuzz_file(), min_size=1, max_size=4))
def test_any_files_beside_good_ones_get_one_line_each_and_the_good_ones_are_indexed(
        files: list[tuple[str, bytes]], fuzz_root: Path, shared_corpus: Path, session_embedder: Embedder) -> None:
    corpus = fuzz_root / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir()
    for name in GOOD:
        shutil.copyfile(shared_corpus / name, corpus / name)
    names = [f"fuzz-{number}{suffix}" for number, (suffix, _) in enumerate(files)]
    for name, (_, data) in zip(names, files):
        (corpus / name).write_bytes(data)
    # one data folder for every example: its embedding cache spares embedding the good documents again
    settings_ = Settings(corpus_dir=corpus, manifest_path=fuzz_root / "absent.toml", data_dir=fuzz_root / "data",
                         ingest_workers=1)
    selection = select_corpus_files(settings_)
    assert not selection.refused
    ids = {path.name: entry.id for path, entry in selection.files}

    report = build_index(settings_, selection.files, full=True, embedder=session_embedder)

    indexed = set(read_manifest(current_version_dir(settings_.index_dir)).documents)  # type: ignore[arg-type]
    assert {ids[name] for name in GOOD} <= indexed, report.failures
    for name in names:
        doc_id = ids[name]
        if doc_id in report.failures:
            message = report.failures[doc_id]
            assert message.startswith(f"{name}: ") and "\n" not in message and "Traceback" not in message, message
            assert doc_id not in indexed
        else:
            assert doc_id in indexed, (name, report)
