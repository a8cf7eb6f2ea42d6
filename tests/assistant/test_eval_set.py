"""Checks on the shipped evaluation set corpus/eval/policyqa-eval.jsonl: format, coverage, verbatim quotes."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.evaluation.matching import normalize_for_matching
from assistant.facts import fact_in

REPO_ROOT = Path(__file__).parents[2]
EVAL_SET = REPO_ROOT / "corpus" / "eval" / "policyqa-eval.jsonl"
CORPUS_DIR = Path(__file__).parents[2].parent / "shared" / "corpus"

CORPUS_DOCS = {
    "japan-ai-basic-plan-trustworthy-ai-2026",
    "eu-ai-act-2024-1689",
    "oecd-ai-recommendation-2024",
    "oecd-ai-recommendation-2019",
    "nist-ai-rmf-1.0",
    "nist-ai-rmf-playbook",
    "nist-ai-600-1-genai-profile",
    "us-eo-14110-2023",
    "us-eo-14179-2025",
    "us-eo-2025-12-11-national-ai-policy-framework",
    "us-omb-m-25-21-2025",
    "us-americas-ai-action-plan-2025",
    "g7-leaders-statement-hiroshima-ai-process-2023",
}
JURISDICTION_TAGS = {"eu", "us", "oecd", "japan", "g7"}
REQUIRED_FIELDS = {"id", "question", "answer", "evidence", "tags"}
MIN_ITEMS = 120
MIN_UNANSWERABLE = 10
MIN_PARAPHRASE_SHARE = 0.30
MIN_QUOTE_WORDS, MAX_QUOTE_WORDS = 6, 25
MIN_WITH_KEY_FACTS = 120


def jurisdiction_of(doc: str) -> str:
    if doc.startswith("eu-"):
        return "eu"
    if doc.startswith(("us-", "nist-")):
        return "us"
    if doc.startswith("oecd-"):
        return "oecd"
    if doc.startswith("japan-"):
        return "japan"
    return "g7"


@functools.cache
def _lines() -> tuple[str, ...]:
    return tuple(line for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip())


@functools.cache
def _items() -> tuple[dict, ...]:
    return tuple(json.loads(line) for line in _lines())


def _answerable() -> list[dict]:
    return [item for item in _items() if "unanswerable" not in item["tags"]]


@functools.cache
def _source(doc: str):
    """A PdfReader for a PDF document, or the whole text of a text/markdown document (its single page)."""
    candidates = [p for p in CORPUS_DIR.glob(f"{doc}.*") if p.suffix in {".pdf", ".txt", ".md"}]
    assert len(candidates) == 1, f"expected one corpus file for {doc}, found {candidates}"
    path = candidates[0]
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return PdfReader(str(path))
    return path.read_text(encoding="utf-8")


def _page_count(doc: str) -> int:
    source = _source(doc)
    return 1 if isinstance(source, str) else len(source.pages)


@functools.cache
def _page_text(doc: str, page: int) -> str:
    """Text of one 1-based page as extracted, once per (document, page)."""
    source = _source(doc)
    return source if isinstance(source, str) else source.pages[page - 1].extract_text()


@functools.cache
def _normalized_page(doc: str, page: int) -> str:
    """Normalised text of one 1-based page."""
    return normalize_for_matching(_page_text(doc, page))


def key_fact_failures(items: Sequence[dict]) -> list[str]:
    """Key facts not stated (`fact_in`) by the item's reference answer or by any page its evidence cites."""
    failures = []
    for item in items:
        pages = "\n".join(_page_text(ev["doc"], ev["page"]) for ev in item["evidence"])
        for key in item.get("key_facts", []):
            if not fact_in(key, item["answer"]):
                failures.append(f"{item['id']}: key fact {key!r} not in the reference answer")
            if not fact_in(key, pages):
                failures.append(f"{item['id']}: key fact {key!r} not on the evidence pages")
    return failures


def test_every_line_parses_with_expected_fields():
    assert EVAL_SET.is_file(), f"missing {EVAL_SET}"
    for number, line in enumerate(_lines(), start=1):
        item = json.loads(line)
        assert REQUIRED_FIELDS <= set(item) <= REQUIRED_FIELDS | {"key_facts"}, f"line {number}: {sorted(item)}"
        question = item["question"]
        assert isinstance(question, str) and question.strip(), f"line {number}: empty question"
        assert isinstance(item["tags"], list) and item["tags"], f"line {number}: no tags"
        assert isinstance(item["evidence"], list), f"line {number}: evidence is not a list"
        for ev in item["evidence"]:
            assert set(ev) == {"doc", "page", "quote"}, f"{item['id']}: evidence fields {sorted(ev)}"
            assert isinstance(ev["page"], int) and ev["page"] >= 1, f"{item['id']}: bad page {ev['page']!r}"


def test_size_and_unique_ids():
    ids = [item["id"] for item in _items()]
    assert len(ids) >= MIN_ITEMS, f"only {len(ids)} items"
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"


def test_unanswerable_items():
    unanswerable = [item for item in _items() if "unanswerable" in item["tags"]]
    assert len(unanswerable) >= MIN_UNANSWERABLE, f"only {len(unanswerable)} unanswerable items"
    for item in unanswerable:
        assert item["answer"] is None, f"{item['id']}: unanswerable item has an answer"
        assert item["evidence"] == [], f"{item['id']}: unanswerable item has evidence"
        assert {"offtopic", "ontopic"} & set(item["tags"]), f"{item['id']}: needs offtopic or ontopic"
    kinds = Counter(t for item in unanswerable for t in item["tags"] if t in {"offtopic", "ontopic"})
    assert kinds["offtopic"] and kinds["ontopic"], f"both kinds of unanswerable item expected: {dict(kinds)}"


def test_answerable_items_have_answer_and_evidence():
    for item in _answerable():
        assert isinstance(item["answer"], str) and item["answer"].strip(), f"{item['id']}: empty answer"
        assert item["evidence"], f"{item['id']}: no evidence"


def test_jurisdiction_tags_match_evidence():
    for item in _answerable():
        expected = {jurisdiction_of(ev["doc"]) for ev in item["evidence"]}
        tagged = set(item["tags"]) & JURISDICTION_TAGS
        assert tagged == expected, f"{item['id']}: tags {sorted(tagged)}, evidence from {sorted(expected)}"
        if "comparison" in item["tags"]:
            docs = {ev["doc"] for ev in item["evidence"]}
            assert len(docs) >= 2, f"{item['id']}: comparison with evidence from one document"


def test_paraphrase_share():
    items = _items()
    share = sum("paraphrase" in item["tags"] for item in items) / len(items)
    assert share >= MIN_PARAPHRASE_SHARE, f"paraphrase share {share:.2f} < {MIN_PARAPHRASE_SHARE}"


def test_every_corpus_document_is_covered():
    cited = {ev["doc"] for item in _items() for ev in item["evidence"]}
    unknown = cited - CORPUS_DOCS
    assert not unknown, f"evidence cites unknown documents: {sorted(unknown)}"
    missing = CORPUS_DOCS - cited
    assert not missing, f"documents without any item: {sorted(missing)}"


def test_quote_lengths():
    bad = [
        (item["id"], len(ev["quote"].split()), ev["quote"])
        for item in _items()
        for ev in item["evidence"]
        if not MIN_QUOTE_WORDS <= len(ev["quote"].split()) <= MAX_QUOTE_WORDS
    ]
    assert not bad, f"quotes outside {MIN_QUOTE_WORDS}-{MAX_QUOTE_WORDS} words: {bad}"


def quote_failures(items: Sequence[dict]) -> list[str]:
    """Evidence quotes that do not stand (normalised) on the page they cite."""
    failures = []
    for item in items:
        for ev in item["evidence"]:
            n_pages = _page_count(ev["doc"])
            if ev["page"] > n_pages:
                failures.append(f"{item['id']}: {ev['doc']} has {n_pages} pages, cited page {ev['page']}")
                continue
            quote = normalize_for_matching(ev["quote"])
            if quote not in _normalized_page(ev["doc"], ev["page"]):
                failures.append(f"{item['id']}: not on {ev['doc']} p.{ev['page']}: {ev['quote']!r}")
    return failures


@pytest.mark.corpus  # reads the pages of every corpus document the set cites
def test_quotes_occur_verbatim_on_their_page():
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus folder {CORPUS_DIR} is absent; cannot check quotes against the documents")
    failures = quote_failures(_items())
    assert not failures, "\n".join(failures)


@pytest.mark.corpus  # reads the pages of every corpus document the set cites
def test_key_facts_are_stated_by_the_answer_and_on_the_evidence_pages():
    with_facts = [item for item in _answerable() if item.get("key_facts")]
    assert len(with_facts) >= MIN_WITH_KEY_FACTS, f"only {len(with_facts)} items carry key facts"
    assert all(not item.get("key_facts") for item in _items() if "unanswerable" in item["tags"])
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus folder {CORPUS_DIR} is absent; cannot check key facts against the documents")
    failures = key_fact_failures(with_facts)
    assert not failures, "\n".join(failures)
