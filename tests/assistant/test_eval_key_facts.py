"""Key-fact recall, wrongly abstained answers and the per-writer summary, over real document text.

The answers are sentences of real corpus documents; the questions and references are read from small CSV and
JSONL sets written here, so the key facts of a CSV set are derived from its reference answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from test_eval_runner import DOCS, small_doc_chunks

from assistant.evaluation.compare import compare_summaries
from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.report import render_html, render_markdown
from assistant.evaluation.runner import evaluate
from assistant.models import Answer, Citation
from index.models import Passage
from ingest.models import Chunk
from tests.conftest import REGISTRY

ABSTAIN_TEXT = "The indexed documents do not answer this question."

# question -> a phrase of the sentence in the documents that answers it
ANSWERING_PHRASE = {
    "When did Japan's Cabinet approve the AI Basic Plan?": "was approved by the Cabinet",
    "Which earlier executive order's actions does EO 14179 tell agencies to review?": "revoked",
    "When was the G7 Digital & Tech Ministers' Statement issued?": "Statement issued on",
}
RIGHT_CSV = (
    "question,answer\n"
    '"When did Japan\'s Cabinet approve the AI Basic Plan?","The Cabinet approved it in December 2025."\n'
    '"Which earlier executive order\'s actions does EO 14179 tell agencies to review?",'
    '"Actions taken under Executive Order 14110 of October 30, 2023, which it revoked."\n'
    '"When was the G7 Digital & Tech Ministers\' Statement issued?","On September 7, 2023."\n')
# The same questions with wrong references: other months, orders and days, in the same words.
WRONG_CSV = (
    "question,answer\n"
    '"When did Japan\'s Cabinet approve the AI Basic Plan?","The Cabinet approved it in March 2026."\n'
    '"Which earlier executive order\'s actions does EO 14179 tell agencies to review?",'
    '"Actions taken under Executive Order 13859 of February 11, 2019, which it revoked."\n'
    '"When was the G7 Digital & Tech Ministers\' Statement issued?","On October 30, 2023."\n')


@pytest.fixture(scope="module")
def doc_chunks() -> list[Chunk]:
    return small_doc_chunks()


def sentence_answer_fn(chunks: list[Chunk], writer: str = "extractive",
                       removed: int = 0) -> Callable[[str], Answer]:
    """Answer with the document sentence that holds the question's answering phrase; abstain on others."""
    def answer(question: str) -> Answer:
        phrase = ANSWERING_PHRASE.get(question)
        chunk = next((c for c in chunks if phrase and phrase in " ".join(c.text.split())), None)
        if chunk is None:
            return Answer(question=question, text=ABSTAIN_TEXT, citations=(), passages=(), abstained=True,
                          writer=writer)
        text = " ".join(chunk.text.split())
        sentence = next(s for s in re.split(r"(?<=[.!?])\s+", text) if phrase in s)
        passage = Passage(chunk=chunk, score=1.0, rank=1)
        return Answer(question=question, text=f"{sentence} [1]", citations=(Citation(1, passage, sentence),),
                      passages=(passage,), abstained=False, writer=writer, removed_sentences=removed)
    return answer


def test_a_csv_set_separates_right_references_from_wrong_ones(doc_chunks: list[Chunk],
                                                              tmp_path: Path) -> None:
    (tmp_path / "right.csv").write_text(RIGHT_CSV, encoding="utf-8")
    (tmp_path / "wrong.csv").write_text(WRONG_CSV, encoding="utf-8")
    right_items, errors = load_eval_set(tmp_path / "right.csv")
    wrong_items, _ = load_eval_set(tmp_path / "wrong.csv")
    assert errors == []
    assert [i.key_facts for i in right_items] == [
        ("December 2025",), ("Executive Order 14110", "October 30, 2023"), ("September 7, 2023",)]

    answer_fn = sentence_answer_fn(doc_chunks)
    right = evaluate(right_items, answer_fn, REGISTRY.declared).summary["overall"]
    wrong = evaluate(wrong_items, answer_fn, REGISTRY.declared).summary["overall"]
    # The same answers: every fact of the right references stated, none of the wrong ones' dates and orders.
    assert right["key_fact_recall"] == 1.0 and wrong["key_fact_recall"] == 0.0
    # Word overlap barely tells them apart.
    assert abs(right["answer_f1"] - wrong["answer_f1"]) < 0.15
    # With key facts derived, a CSV set has every answer metric defined.
    assert right["n_with_key_facts"] == 3 and right["wrongly_abstained_rate"] == 0.0


def jsonl_set(tmp_path: Path) -> Path:
    rows = [
        {"id": "japan-001", "question": "When did Japan's Cabinet approve the AI Basic Plan?",
         "answer": "In December 2025.", "key_facts": ["December 2025"], "tags": ["date", "japan"],
         "evidence": [{"doc": DOCS[1], "page": 1, "quote": "was approved by the Cabinet"}]},
        {"id": "us-001",
         "question": "Which earlier executive order's actions does EO 14179 tell agencies to review?",
         "answer": "Those under EO 14110.", "key_facts": ["EO 14110", "October 30, 2023"],
         "tags": ["name", "us"],
         "evidence": [{"doc": DOCS[2], "page": 1, "quote": "the revoked Executive Order 14110"}]},
        {"id": "us-002", "question": "How many people staff the office EO 14179 creates?",
         "answer": "Twelve.",
         "key_facts": ["twelve"], "tags": ["count", "us"],
         "evidence": [{"doc": DOCS[2], "page": 1, "quote": "Advisor for Science and Technology"}]},
        {"id": "nm-001", "question": "What fine does the G7 statement set?", "answer": None, "evidence": [],
         "tags": ["near-miss", "unanswerable", "amount", "g7"], "key_facts": ["EUR 1 000"],
         "absence": "read the whole statement: no fine"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_key_fact_recall_per_item_abstention_and_wrong_abstention(doc_chunks: list[Chunk],
                                                                  tmp_path: Path) -> None:
    items, errors = load_eval_set(jsonl_set(tmp_path))
    assert errors == []
    report = evaluate(items, sentence_answer_fn(doc_chunks), REGISTRY.declared).to_dict()
    rows = {r["id"]: r for r in report["items"]}
    assert rows["japan-001"]["key_fact_recall"] == 1.0 and rows["japan-001"]["key_facts_missing"] == []
    assert rows["us-001"]["key_fact_recall"] == 1.0  # "Executive Order 14110 of October 30, 2023"
    # An answerable question abstained on scores 0, and its key facts are all missing.
    assert rows["us-002"]["abstained"] and rows["us-002"]["key_fact_recall"] == 0.0
    assert rows["us-002"]["key_facts_missing"] == ["twelve"]
    # An unanswerable item has no key-fact recall, whatever it carries.
    assert rows["nm-001"]["abstained"] and rows["nm-001"]["key_fact_recall"] is None
    overall = report["summary"]["overall"]
    assert overall["key_fact_recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["wrongly_abstained_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert (overall["abstention_precision"], overall["abstention_recall"]) == (0.5, 1.0)
    by_kind = report["summary"]["by_kind"]
    assert list(by_kind) == ["amount", "count", "date", "name"]  # in the order of the answer kinds
    assert by_kind["count"]["wrongly_abstained_rate"] == 1.0 and by_kind["date"]["key_fact_recall"] == 1.0

    md = render_markdown(report)
    assert "| key_fact_recall | 0.667 |" in md and "| wrongly_abstained_rate | 0.333 |" in md
    assert "## By answer kind" in md and "## Missed key facts" in md and "| us-002 | 0.000 | twelve |" in md
    page = render_html(report)
    assert "Missed key facts" in page and "By writer" in page and "By answer kind" in page


def test_summary_per_writer_with_the_sentences_its_guards_removed(doc_chunks: list[Chunk],
                                                                  tmp_path: Path) -> None:
    items, _ = load_eval_set(jsonl_set(tmp_path))
    extractive = sentence_answer_fn(doc_chunks)
    llm = sentence_answer_fn(doc_chunks, writer="llm (test)", removed=2)

    def by_jurisdiction(question: str) -> Answer:
        # the Japan question goes to one writer, the others to the other
        return extractive(question) if "Japan" in question else llm(question)

    report = evaluate(items, by_jurisdiction, REGISTRY.declared, run={"generator": "mixed"}).to_dict()
    writers = report["summary"]["by_writer"]
    assert set(writers) == {"extractive", "llm (test)"}
    assert writers["extractive"]["n_items"] == 1 and writers["extractive"]["key_fact_recall"] == 1.0
    assert writers["extractive"]["n_removed_sentences"] == 0
    # two answered questions removed 2 sentences each; the abstentions removed none
    assert writers["llm (test)"]["n_removed_sentences"] == 2
    assert writers["llm (test)"]["abstention_recall"] == 1.0
    assert report["summary"]["run"]["writers"] == {"extractive": 1, "llm (test)": 3}
    assert report["summary"]["overall"]["n_removed_sentences"] == 2
    rows = {r["id"]: r for r in report["items"]}
    assert rows["us-001"]["writer"] == "llm (test)" and rows["us-001"]["removed_sentences"] == 2
    assert "| llm (test) |" in render_markdown(report)


def test_compare_shows_key_fact_recall_and_wrong_abstention(doc_chunks: list[Chunk], tmp_path: Path) -> None:
    items, _ = load_eval_set(jsonl_set(tmp_path))
    answer_fn = sentence_answer_fn(doc_chunks)

    def abstain_always(question: str) -> Answer:
        return replace(answer_fn(question), text=ABSTAIN_TEXT, abstained=True, citations=())

    old = evaluate(items, abstain_always, REGISTRY.declared).to_dict()["summary"]
    new = evaluate(items, answer_fn, REGISTRY.declared).to_dict()["summary"]
    rows = {(r.group, r.metric): r for r in compare_summaries(old, new)}
    recall = rows[("overall", "key_fact_recall")]
    assert (recall.old, recall.delta, recall.improved) == (0.0, pytest.approx(2 / 3, abs=1e-4), True)
    wrongly = rows[("overall", "wrongly_abstained_rate")]
    assert wrongly.old == 1.0 and wrongly.improved  # lower is better
    assert ("by_kind/date", "key_fact_recall") in rows
    assert ("by_writer/extractive", "key_fact_recall") in rows
