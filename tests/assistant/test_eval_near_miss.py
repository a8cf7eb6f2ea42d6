"""Checks on corpus/eval/near-miss.jsonl: questions on the documents' topics whose specific fact the documents
lack (the assistant should abstain), beside answerable questions of the same kinds whose quotes and key facts
are verified on the real pages."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

import pytest
from test_eval_set import (
    CORPUS_DIR,
    CORPUS_DOCS,
    MAX_QUOTE_WORDS,
    MIN_QUOTE_WORDS,
    jurisdiction_of,
    key_fact_failures,
    quote_failures,
)

from assistant.evaluation.dataset import load_eval_set
from assistant.facts import extract_facts, facts_of_kind
from assistant.question import ANSWER_KINDS
from tests.conftest import REGISTRY

NEAR_MISS = Path(__file__).resolve().parents[2] / "corpus" / "eval" / "near-miss.jsonl"
MIN_EACH = 60
KINDS = tuple(kind for kind in ANSWER_KINDS if kind != "open")  # yesno, amount, count, date, name, list, …


@functools.cache
def _items() -> tuple[dict, ...]:
    lines = NEAR_MISS.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def _unanswerable() -> list[dict]:
    return [item for item in _items() if "unanswerable" in item["tags"]]


def _answerable() -> list[dict]:
    return [item for item in _items() if "unanswerable" not in item["tags"]]


def _one(tags: list[str], allowed: tuple[str, ...]) -> str:
    found = [t for t in tags if t in allowed]
    assert len(found) == 1, f"expected one of {allowed} in {tags}"
    return found[0]


def test_the_set_loads_with_at_least_sixty_of_each_half() -> None:
    items, errors = load_eval_set(NEAR_MISS)
    assert errors == []
    assert len(items) == len(_items()) and len({i.id for i in items}) == len(items)
    assert sum(not i.answerable for i in items) >= MIN_EACH
    assert sum(i.answerable for i in items) >= MIN_EACH
    assert all(i.absence for i in items if not i.answerable)  # the loader keeps how absence was checked


def test_unanswerable_items_are_tagged_and_say_how_absence_was_checked() -> None:
    for item in _unanswerable():
        assert item["answer"] is None and item["evidence"] == [], item["id"]
        assert "near-miss" in item["tags"] and not item.get("key_facts"), item["id"]
        _one(item["tags"], KINDS)
        _one(item["tags"], REGISTRY.declared)
        assert item["absence"].startswith("searched '") and ": " in item["absence"], item["id"]


def test_answerable_items_are_tagged_with_kind_and_the_jurisdiction_of_their_evidence() -> None:
    for item in _answerable():
        assert isinstance(item["answer"], str) and item["answer"].strip() and item["evidence"], item["id"]
        assert item.get("key_facts") and "absence" not in item, item["id"]
        _one(item["tags"], KINDS)
        cited = {jurisdiction_of(ev["doc"]) for ev in item["evidence"]}
        assert {_one(item["tags"], REGISTRY.declared)} == cited, item["id"]
        for ev in item["evidence"]:
            assert ev["doc"] in CORPUS_DOCS, f"{item['id']}: unknown document {ev['doc']}"
            words = len(ev["quote"].split())
            assert MIN_QUOTE_WORDS <= words <= MAX_QUOTE_WORDS, f"{item['id']}: {ev['quote']!r}"


def test_both_halves_cover_every_answer_kind_and_jurisdiction() -> None:
    for half in (_unanswerable(), _answerable()):
        kinds = Counter(_one(item["tags"], KINDS) for item in half)
        assert set(kinds) == set(KINDS), kinds
        assert {_one(item["tags"], REGISTRY.declared) for item in half} == set(REGISTRY.declared)


@pytest.mark.corpus  # reads the pages of every corpus document the set cites
def test_answerable_quotes_and_key_facts_stand_on_their_pages() -> None:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus folder {CORPUS_DIR} is absent; cannot check quotes against the documents")
    failures = quote_failures(_answerable()) + key_fact_failures(_answerable())
    assert not failures, "\n".join(failures)


def test_answers_of_a_fact_kind_state_a_fact_of_that_kind() -> None:
    """An answerable amount, count, date or name question's reference answer holds such a fact, so abstaining
    for lack of one would be wrong (a frequency, "how often", may be a word: "at least annually")."""
    for item in _answerable():
        kind = _one(item["tags"], KINDS)
        if item["question"].startswith("How often"):
            continue
        if kind in ("amount", "date", "name"):
            assert facts_of_kind(item["answer"], kind), f"{item['id']}: no {kind} in {item['answer']!r}"
        if kind == "count":
            assert [f for f in extract_facts(item["answer"]) if f.kind == "number"], item["id"]
