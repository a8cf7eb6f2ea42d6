"""Loading evaluation sets: malformed lines reported with their number, the rest still loaded; CSV accepted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation.dataset import EvalSetError, Evidence, load_eval_set
from tests.conftest import REGISTRY

REPO = Path(__file__).resolve().parents[2]
SHIPPED_SET = REPO / "corpus" / "eval" / "policyqa-eval.jsonl"

GOOD: dict[str, Any] = {"id": "us-001", "question": "What is the policy of EO 14179?",
        "answer": "To sustain and enhance America's global AI dominance.",
        "evidence": [{"doc": "us-eo-14179-2025", "page": 1,
                      "quote": "sustain and enhance America's global AI dominance"}],
        "tags": ["factoid", "US"]}
UNANSWERABLE: dict[str, Any] = {"id": "none-001", "question": "What does the AI Act say about crypto mining?", "answer": None,
                "evidence": [], "tags": ["unanswerable", "eu"]}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_malformed_lines_are_reported_with_their_number_and_good_lines_still_load(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "set.jsonl", [
        json.dumps(GOOD),                                                    # 1
        '{"id": "bad-json", "question": "unterminated',                      # 2
        json.dumps({"id": "no-question", "answer": "x"}),                    # 3
        json.dumps({**GOOD, "id": "ev-dict", "evidence": {"doc": "x", "quote": "y"}}),  # 4
        "",                                                                  # 5: blank, skipped
        json.dumps(UNANSWERABLE),                                            # 6
        json.dumps({**GOOD, "question": "Same id again?"}),                  # 7
        json.dumps(["not", "an", "object"]),                                 # 8
        json.dumps({**GOOD, "id": "ev-no-quote", "evidence": [{"doc": "us-eo-14179-2025"}]}),  # 9
        json.dumps({**GOOD, "id": "bad-page", "evidence": [{**GOOD["evidence"][0], "page": "one"}]}),  # 10
    ])
    items, errors = load_eval_set(path)

    assert [item.id for item in items] == ["us-001", "none-001"]
    assert [error.split(":")[0] for error in errors] == ["line 2", "line 3", "line 4", "line 7", "line 8",
                                                         "line 9", "line 10"]
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1] == "line 3: missing question"
    assert errors[2] == "line 4: evidence must be a list, got dict"
    assert errors[3] == "line 7: duplicate id 'us-001', already used on line 1"
    assert errors[4] == "line 8: expected a JSON object, got list"
    assert "quote" in errors[5]
    assert "page" in errors[6]


def test_items_keep_evidence_tags_and_answerability(tmp_path: Path) -> None:
    items, errors = load_eval_set(write_lines(tmp_path / "set.jsonl", [json.dumps(GOOD), json.dumps(UNANSWERABLE)]))
    assert errors == []
    good, none = items
    assert good.evidence == (Evidence(doc="us-eo-14179-2025", page=1,
                                      quote="sustain and enhance America's global AI dominance"),)
    assert good.tags == ("factoid", "us")  # tags are lower-cased
    assert good.jurisdictions(REGISTRY.codes) == ("us",)
    assert good.answerable and not none.answerable
    assert none.answer is None and none.jurisdictions(REGISTRY.codes) == ("eu",)
    assert good.line == 1 and none.line == 2


def test_answer_null_with_evidence_is_still_answerable(tmp_path: Path) -> None:
    items, _ = load_eval_set(write_lines(tmp_path / "set.jsonl", [json.dumps({**GOOD, "answer": None})]))
    assert items[0].answer is None and items[0].answerable


def test_item_without_id_is_named_by_its_line(tmp_path: Path) -> None:
    items, _ = load_eval_set(write_lines(tmp_path / "set.jsonl", ["", json.dumps({"question": "Why?"})]))
    assert items[0].id == "line-2"


def test_csv_with_question_and_answer_columns_loads(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(
        "question,answer\n"
        '"What does Sec. 3 of EO 14179 define?","AI, as in 15 U.S.C. 9401(3)."\n'
        'Who wrote the plan?,\n'
        '"A question\nover two lines?",Yes\n',
        encoding="utf-8")
    items, errors = load_eval_set(path)
    assert errors == []
    assert [(i.id, i.question, i.answer) for i in items] == [
        ("line-2", "What does Sec. 3 of EO 14179 define?", "AI, as in 15 U.S.C. 9401(3)."),
        ("line-3", "Who wrote the plan?", None),
        ("line-4", "A question\nover two lines?", "Yes"),
    ]
    assert items[0].answerable and not items[1].answerable
    assert items[0].evidence == ()


def test_csv_optional_columns_give_id_tags_and_one_evidence(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(
        "id,question,answer,tags,doc,page,quote\n"
        "us-002,What is the policy?,Dominance.,factoid;us,us-eo-14179-2025,1,global AI dominance\n"
        "us-003,Bad page?,No.,us,us-eo-14179-2025,first,global AI dominance\n",
        encoding="utf-8")
    items, errors = load_eval_set(path)
    assert errors == ["line 3: page must be a whole number, got 'first'"]
    assert items[0].id == "us-002" and items[0].tags == ("factoid", "us")
    assert items[0].evidence == (Evidence(doc="us-eo-14179-2025", quote="global AI dominance", page=1),)


def test_csv_without_answer_column_is_refused_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text("question\nWhy?\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match="question and answer"):
        load_eval_set(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError, match="not found"):
        load_eval_set(tmp_path / "absent.jsonl")


def test_shipped_set_loads_without_errors() -> None:
    if not SHIPPED_SET.is_file():
        pytest.skip(f"{SHIPPED_SET} not present")
    items, errors = load_eval_set(SHIPPED_SET)
    assert errors == []
    unanswerable = [i for i in items if not i.answerable]
    assert unanswerable and all("unanswerable" in i.tags for i in unanswerable)
    assert all(i.jurisdictions(REGISTRY.codes) for i in items if i.answerable)


def test_key_facts_and_absence_are_read_and_malformed_key_facts_reported(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "set.jsonl", [
        json.dumps({**GOOD, "key_facts": ["global AI dominance", " EO 14179 ", "EO 14179"]}),      # 1
        json.dumps({**UNANSWERABLE, "absence": "searched 'crypto', 'mining' in all documents: nothing"}),  # 2
        json.dumps({**GOOD, "id": "kf-str", "key_facts": "7 %"}),                                  # 3
        json.dumps({**GOOD, "id": "kf-empty", "key_facts": ["35 000 000", ""]}),                   # 4
        json.dumps({**UNANSWERABLE, "id": "abs-list", "absence": ["staff"]}),                      # 5
    ])
    items, errors = load_eval_set(path)
    assert [i.id for i in items] == ["us-001", "none-001"]
    assert items[0].key_facts == ("global AI dominance", "EO 14179")  # stripped, each once
    assert items[1].key_facts == () and items[1].absence.startswith("searched 'crypto'")
    assert items[1].to_dict()["absence"] == items[1].absence and "absence" not in items[0].to_dict()
    assert errors == ["line 3: key_facts must be a list of non-empty strings",
                      "line 4: key_facts must be a list of non-empty strings",
                      "line 5: absence must be a string, got list"]


def test_csv_key_facts_come_from_the_reference_answer_unless_a_column_names_them(tmp_path: Path) -> None:
    derived = tmp_path / "derived.csv"
    derived.write_text(
        "question,answer\n"
        '"What is the top fine under the AI Act?","Up to EUR 35 000 000 or 7 % of worldwide annual turnover '
        '(Article 99(3))."\n'
        '"Who must each agency designate?","A Chief AI Officer, within 60 days of the memorandum."\n'
        '"Is it a good idea?","It depends."\n',
        encoding="utf-8")
    items, errors = load_eval_set(derived)
    assert errors == []
    assert [i.key_facts for i in items] == [("EUR 35 000 000", "7 %", "Article 99(3)"),
                                            ("Chief AI Officer", "60"), ()]

    named = tmp_path / "named.csv"
    named.write_text("question,answer,key_facts\n"
                     '"What is the top fine?","Up to EUR 35 000 000 or 7 %.","35 million; 7 %"\n'
                     '"Is it a good idea?","It depends.",\n', encoding="utf-8")
    items, errors = load_eval_set(named)
    assert errors == [] and [i.key_facts for i in items] == [("35 million", "7 %"), ()]
