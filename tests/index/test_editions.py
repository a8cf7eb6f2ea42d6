"""Every file is its own document, and the same text in two formats is indexed once: the manifest's edition,
else the one with pages; the other is reported by name with the reason. Real files: EO 14179 as the corpus's
Markdown and as the White House's print PDF, the EU AI Act as its PDF and its EUR-Lex HTML."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from index.build import build_index
from index.embed import Embedder
from index.layout import current_version_dir, read_chunks, read_manifest
from ingest.corpus_files import files_to_ingest, select_corpus_files
from ingest.corpus_status import infer_entry
from ingest.settings import Settings
from ui.cli import main
from ui.commands.index import index_status, status_lines, summary_lines

EO_MD = "us-eo-14179-2025.md"
EO_PRINT = "us-eo-14179-2025-whitehouse-print.pdf"
EU_PDF = "eu-ai-act-2024-1689.pdf"
EU_HTML = "eu-ai-act-2024-1689.html"


def indexed(settings: Settings) -> dict[str, int]:
    """Document id → number of chunks in the current index."""
    version = current_version_dir(settings.index_dir)
    assert version is not None
    return {d: len(r.chunk_ids) for d, r in read_manifest(version).documents.items()}


def test_the_manifests_edition_is_indexed_and_the_other_reported(small_settings: Settings, alt_corpus: Path,
                                                                  session_embedder: Embedder) -> None:
    build_index(small_settings, files_to_ingest(small_settings), embedder=session_embedder)
    before = indexed(small_settings)
    shutil.copyfile(alt_corpus / EO_PRINT, small_settings.corpus_dir / EO_PRINT)
    files = files_to_ingest(small_settings)

    report = build_index(small_settings, files, embedder=session_embedder)

    other = "us-eo-14179-2025-whitehouse-print"
    assert report.other_editions == [other] and report.embedded == 0
    assert report.failures[other].startswith(f"{EO_PRINT}: not indexed: the same text as {EO_MD}")
    assert "the manifest names it" in report.failures[other]
    assert indexed(small_settings) == before
    lines = summary_lines(report, files)
    assert "  documents: 0 added, 0 changed, 0 removed, 0 failed, 1 other editions skipped" in lines
    assert any(line.startswith(f"  SKIPPED {EO_PRINT}: not indexed") for line in lines), lines
    status = index_status(small_settings, files)
    assert status.new == [] and status.other_editions == [other]
    assert any(line.startswith(f"Skipped:      {EO_PRINT}") for line in status_lines(status))
    assert build_index(small_settings, files, embedder=session_embedder).status == "up to date"

    # without the manifest's edition, the other one is read again and indexed
    (small_settings.corpus_dir / EO_MD).unlink()
    again = build_index(small_settings, files_to_ingest(small_settings), embedder=session_embedder)
    assert again.removed == ["us-eo-14179-2025"] and again.added == [other] and not again.failures
    assert other in indexed(small_settings)


def test_between_two_extra_editions_the_one_with_pages_is_indexed(tmp_path: Path, shared_corpus: Path,
                                                                  alt_corpus: Path,
                                                                  session_embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(shared_corpus / EO_MD, corpus / EO_MD)
    shutil.copyfile(alt_corpus / EO_PRINT, corpus / EO_PRINT)
    settings = Settings(corpus_dir=corpus, manifest_path=tmp_path / "none.toml", data_dir=tmp_path / "data")

    report = build_index(settings, files_to_ingest(settings), embedder=session_embedder)

    assert report.other_editions == ["us-eo-14179-2025"]
    assert "its citations carry page numbers" in report.failures["us-eo-14179-2025"]
    chunks = read_chunks(current_version_dir(settings.index_dir))  # type: ignore[arg-type]
    assert {c.doc_id for c in chunks} == {"us-eo-14179-2025-whitehouse-print"}
    assert max(c.page_end for c in chunks) > 1


def test_files_sharing_a_stem_are_two_documents_and_the_copy_is_not_indexed(
        small_settings: Settings, session_embedder: Embedder) -> None:
    build_index(small_settings, files_to_ingest(small_settings), embedder=session_embedder)
    before = indexed(small_settings)
    text = (small_settings.corpus_dir / EO_MD).read_text(encoding="utf-8")
    (small_settings.corpus_dir / "us-eo-14179-2025.txt").write_text(text, encoding="utf-8")

    files = files_to_ingest(small_settings)
    ids = [entry.id for _, entry in files]
    assert len(ids) == len(set(ids)) and "us-eo-14179-2025.txt" in ids and "us-eo-14179-2025" in ids
    report = build_index(small_settings, files, embedder=session_embedder)
    assert report.changed == [] and report.other_editions == ["us-eo-14179-2025.txt"]
    assert indexed(small_settings) == before  # the manifest document's chunks were not replaced


def test_titles_come_from_the_document_never_from_an_internal_file_name(alt_corpus: Path) -> None:
    html = infer_entry(alt_corpus / EU_HTML)
    assert html.title.startswith("REGULATION (EU) 2024/1689 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL")
    assert "fmx" not in html.title and html.id == "eu-ai-act-2024-1689"
    assert infer_entry(alt_corpus / EO_PRINT).title.startswith("Removing Barriers to American Leadership")


def test_the_eu_ai_acts_html_beside_its_pdf_keeps_the_pdfs_pages_and_title(
        built_settings: Settings, alt_corpus: Path, tmp_path: Path, session_embedder: Embedder) -> None:
    shutil.copytree(built_settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(built_settings.data_dir, tmp_path / "data")
    settings = built_settings.replace(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    shutil.copyfile(alt_corpus / EU_HTML, settings.corpus_dir / EU_HTML)
    before = indexed(settings)
    selection = select_corpus_files(settings)
    html_id = next(entry.id for path, entry in selection.files if path.name == EU_HTML)
    assert html_id == "eu-ai-act-2024-1689.html"

    report = build_index(settings, selection.files, embedder=session_embedder)

    assert report.other_editions == [html_id] and report.changed == [] and report.embedded == 0
    assert f"the same text as {EU_PDF}" in report.failures[html_id], report.failures
    assert indexed(settings) == before
    chunks = [c for c in read_chunks(current_version_dir(settings.index_dir)) if c.doc_id == "eu-ai-act-2024-1689"]
    assert max(c.page_end for c in chunks) > 100 and all("fmx" not in c.title for c in chunks)

    listing = CliRunner().invoke(main, ["--corpus-dir", str(settings.corpus_dir), "--data-dir",
                                        str(settings.data_dir), "corpus", "list"],
                                 env={"POLICYQA_MANIFEST_PATH": str(settings.manifest_path)})
    assert listing.exit_code == 0, listing.output
    assert "L_202401689EN" not in listing.output, listing.output
