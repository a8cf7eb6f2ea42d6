"""Property-based fuzz of the evaluation-set reader: good items mixed with malformed lines, and files of any
bytes. The reader raises nothing but `EvalSetError` (one line naming the file), gives one `line N:` message per
bad line, and still reads every good item."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.evaluation.dataset import EvalSetError, load_eval_set

pytestmark = pytest.mark.robustness

EXAMPLES = 300  # per property; README "Tests" quotes these figures
_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
_words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                 max_size=200).filter(lambda t: t.strip() and len(t.splitlines()) == 1)
_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _words,
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_words, inner, max_size=3),
                            max_leaves=8)


@st.composite
def good_item(draw: st.DrawFn, number: int) -> dict[str, object]:
    item: dict[str, object] = {"id": f"q{number}", "question": draw(_words)}
    if draw(st.booleans()):
        item["answer"] = draw(_words | st.none())
    if draw(st.booleans()):
        item["evidence"] = [{"doc": "eu-ai-act-2024-1689", "page": draw(st.integers(1, 200) | st.none()),
                             "quote": draw(_words)}]
    if draw(st.booleans()):
        item["tags"] = draw(st.lists(_words.filter(lambda t: "," not in t), max_size=3))
    return item


@st.composite
def bad_line(draw: st.DrawFn) -> str:
    """A line that is not a valid item: not JSON, not an object, or an object with a field of the wrong kind."""
    kind = draw(st.sampled_from(("text", "value", "no question", "question type", "evidence", "tags")))
    if kind == "text":
        text = draw(_words)
        try:
            json.loads(text)
        except ValueError:
            return text
        return "{" + text
    if kind == "value":
        return json.dumps(draw(_json_values.filter(lambda v: not isinstance(v, dict))))
    if kind == "no question":
        data = draw(st.dictionaries(_words.filter(lambda k: k != "question"), _json_values, max_size=4))
        return json.dumps(data)
    wrong = draw(st.sampled_from([1, 2.5, [], {}, True]))
    if kind == "question type":
        return json.dumps({"question": wrong})
    if kind == "evidence":
        return json.dumps({"question": "q?", "evidence": draw(st.sampled_from([1, "x", [1], [{"doc": ""}]]))})
    return json.dumps({"question": "q?", "tags": draw(st.sampled_from([1, "x", [1, 2], {}]))})


@st.composite
def eval_lines(draw: st.DrawFn) -> tuple[list[str], dict[int, str], set[int]]:
    """(lines of a JSONL file, good items' ids by line number, bad line numbers)."""
    count = draw(st.integers(1, 12))
    lines: list[str] = []
    good: dict[int, str] = {}
    bad: set[int] = set()
    for number in range(1, count + 1):
        if draw(st.booleans()):
            item = draw(good_item(number))
            lines.append(json.dumps(item, ensure_ascii=draw(st.booleans())))
            good[number] = str(item["id"])
        else:
            lines.append(draw(bad_line()))
            bad.add(number)
    return lines, good, bad


@_SETTINGS
@given(case=eval_lines())
def test_jsonl_good_items_are_read_and_each_bad_line_gets_one_message(case: tuple[list[str], dict[int, str],
                                                                                   set[int]],
                                                                       tmp_path: Path) -> None:
    lines, good, bad = case
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items, errors = load_eval_set(path)
    assert [item.id for item in items] == list(good.values())
    assert len(errors) == len(bad), errors
    assert sorted(int(e.split(":")[0].removeprefix("line ")) for e in errors) == sorted(bad)
    assert all("\n" not in e and "Traceback" not in e for e in errors)


@_SETTINGS
@given(rows=st.lists(st.tuples(_words | st.just(""), _words | st.just("")), min_size=1, max_size=10))
def test_csv_rows_with_a_question_are_read_and_the_others_get_one_message_each(
        rows: list[tuple[str, str]], tmp_path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "answer"])
    writer.writerows(rows)
    path = tmp_path / "set.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    items, errors = load_eval_set(path)
    assert len(items) + len(errors) == len(rows), (items, errors)
    assert len(items) == sum(1 for question, _ in rows if question.strip())
    assert all(e.startswith("line ") and "\n" not in e for e in errors)


@_SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from((".jsonl", ".csv", ".json", "")))
def test_any_bytes_give_items_and_messages_or_one_clear_error(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"set{suffix}"
    path.write_bytes(data)
    try:
        items, errors = load_eval_set(path)
    except EvalSetError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "Traceback" not in message
        return
    assert all(e.startswith("line ") for e in errors)
    assert len({item.id for item in items}) == len(items)
