"""Read an evaluation set (JSONL, or CSV with `question,answer` columns) into `EvalItem`s.

>>> items, errors = load_eval_set(Path("corpus/eval/policyqa-eval.jsonl"))  # doctest: +SKIP
>>> errors  # doctest: +SKIP
['line 12: evidence must be a list, got dict']

One JSONL line: `{"id": "eu-017", "question": "...", "answer": "reference answer or null",
"evidence": [{"doc": "<doc id>", "page": 51, "quote": "<verbatim span>"}], "tags": ["paraphrase", "eu"],
"key_facts": ["EUR 35 000 000", "7 %"]}`. `key_facts` (optional) are short strings a correct answer must
state, matched by `assistant.facts.fact_in`; a CSV set without a `key_facts` column gets the facts of its
reference answer. `"answer": null` with no evidence marks a question the corpus does not answer: the assistant
should abstain; such an item may say how the documents were searched for the answer (`"absence": "..."`).
A malformed line is reported as `line N: problem` and the other lines still load.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.facts import extract_facts

CSV_COLUMNS = ("id", "question", "answer", "tags", "doc", "page", "quote", "key_facts")
_TAG_SEPARATORS = re.compile(r"[;,\s]+")


class EvalSetError(Exception):
    """The evaluation set as a whole cannot be read (missing file, no header, unknown format)."""


@dataclass(frozen=True)
class Evidence:
    """A verbatim span of document `doc` that answers the question; `page` (1-based) is informative only."""

    doc: str
    quote: str
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "page": self.page, "quote": self.quote}


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    answer: str | None  # the reference answer; None when there is none
    evidence: tuple[Evidence, ...] = ()
    tags: tuple[str, ...] = ()
    line: int = 0  # where the item stands in its file, for messages
    key_facts: tuple[str, ...] = ()  # what a correct answer must state ("EUR 35 000 000", "7 %")
    absence: str = ""  # for an unanswerable item: how the documents were searched for the answer

    @property
    def answerable(self) -> bool:
        """False for a question the corpus does not answer (no reference answer and no evidence)."""
        return self.answer is not None or bool(self.evidence)

    def jurisdictions(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """The item's tags that name a jurisdiction (`codes`, the registry's)."""
        return tuple(tag for tag in self.tags if tag in codes)

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "question": self.question, "answer": self.answer,
                "evidence": [e.to_dict() for e in self.evidence], "tags": list(self.tags),
                "key_facts": list(self.key_facts)}
        return {**data, "absence": self.absence} if self.absence else data


class EvalItemError(ValueError):
    """One line of the set is malformed; the message says how."""


def load_eval_set(path: Path) -> tuple[list[EvalItem], list[str]]:
    """The set's valid items in file order, and one `line N: problem` message per malformed line.

    `.csv` files are read as CSV (header row required: `question` and `answer`, optionally `id`, `tags`,
    one piece of evidence as `doc`, `page`, `quote`, and `key_facts` separated by `;`, else the facts of the
    answer); anything else as JSONL.
    Raises `EvalSetError` when the file cannot be read at all.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise EvalSetError(f"{path}: evaluation set not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{path}: cannot read the evaluation set: {exc}") from exc
    rows = _csv_rows(path, text) if path.suffix.lower() == ".csv" else _jsonl_rows(text)

    items: list[EvalItem] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            if isinstance(row, EvalItemError):
                raise row
            item = parse_item(row, line)
            if item.id in seen:
                raise EvalItemError(f"duplicate id {item.id!r}, already used on line {seen[item.id]}")
        except EvalItemError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        seen[item.id] = line
        items.append(item)
    return items, errors


def _jsonl_rows(text: str) -> list[tuple[int, Any]]:
    rows: list[tuple[int, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            rows.append((number, json.loads(raw)))
        except json.JSONDecodeError as exc:
            rows.append((number, EvalItemError(f"not valid JSON: {exc.msg} at column {exc.colno}")))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[int, Any]]:
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("question", "answer") if name not in header]
    if missing:
        raise EvalSetError(f"{path}: CSV header must name the columns question and answer "
                           f"(missing: {', '.join(missing)}); optional columns: id, tags, doc, page, quote, "
                           "key_facts")
    reader.fieldnames = header
    rows: list[tuple[int, Any]] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            # strict: a quote left open or closed mid-field fails here instead of merging rows into one
            rows.append((start, _csv_record(record, derive_key_facts="key_facts" not in header)))
            start = reader.line_num + 1
    except csv.Error as exc:  # a field over the csv module's limit, or a quote where none may stand
        raise EvalSetError(f"{path}: line {start}: malformed CSV ({exc}, read up to line "
                           f"{reader.reader.line_num}); check the quoting "
                           f"(a field may hold at most {csv.field_size_limit():,} characters)") from exc
    return rows


def _csv_record(record: dict[str, Any], derive_key_facts: bool) -> dict[str, Any] | EvalItemError:
    if None in record:
        return EvalItemError("more fields than the header names")
    values = {k: (v or "").strip() for k, v in record.items() if k}
    data: dict[str, Any] = {"question": values.get("question", ""), "answer": values.get("answer") or None}
    if derive_key_facts:
        data["key_facts"] = answer_key_facts(data["answer"] or "")
    else:
        data["key_facts"] = [f.strip() for f in values.get("key_facts", "").split(";") if f.strip()]
    if values.get("id"):
        data["id"] = values["id"]
    if values.get("tags"):
        data["tags"] = [t for t in _TAG_SEPARATORS.split(values["tags"]) if t]
    if values.get("quote") or values.get("doc"):
        page: Any = values.get("page") or None
        if page is not None:
            if not page.isdigit():
                return EvalItemError(f"page must be a whole number, got {page!r}")
            page = int(page)
        data["evidence"] = [{"doc": values.get("doc", ""), "page": page, "quote": values.get("quote", "")}]
    return data


def parse_item(data: Any, line: int) -> EvalItem:
    """One item from its decoded JSON object (or CSV row); raises `EvalItemError` saying what is wrong."""
    if not isinstance(data, dict):
        raise EvalItemError(f"expected a JSON object, got {type(data).__name__}")
    question = data.get("question")
    if question is None:
        raise EvalItemError("missing question")
    if not isinstance(question, str) or not question.strip():
        raise EvalItemError("question must be a non-empty string")
    ident = data.get("id", f"line-{line}")
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    if not isinstance(ident, str) or not ident.strip():
        raise EvalItemError("id must be a non-empty string")
    answer = data.get("answer")
    if answer is not None and not isinstance(answer, str):
        raise EvalItemError(f"answer must be a string or null, got {type(answer).__name__}")
    absence = data.get("absence", "")
    if not isinstance(absence, str):
        raise EvalItemError(f"absence must be a string, got {type(absence).__name__}")
    return EvalItem(id=ident.strip(), question=question.strip(),
                    answer=answer.strip() if isinstance(answer, str) and answer.strip() else None,
                    evidence=_evidence(data.get("evidence", [])), tags=_tags(data.get("tags", [])), line=line,
                    key_facts=_key_facts(data.get("key_facts", [])), absence=absence.strip())


def answer_key_facts(answer: str) -> list[str]:
    """The facts of a reference answer, as written, each once: the key facts of a set that names none.

    >>> answer_key_facts("Up to EUR 35 000 000 or 7 % of turnover (Article 99(3)); the AI Office enforces.")
    ['EUR 35 000 000', '7 %', 'Article 99(3)', 'AI Office']
    """
    seen: set[tuple[str, str]] = set()
    facts: list[str] = []
    for fact in extract_facts(answer):
        if (fact.kind, fact.norm) not in seen:
            seen.add((fact.kind, fact.norm))
            facts.append(" ".join(fact.text.split()))
    return facts


def _key_facts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(f, str) and f.strip() for f in value):
        raise EvalItemError("key_facts must be a list of non-empty strings")
    return tuple(dict.fromkeys(f.strip() for f in value))


def _evidence(value: Any) -> tuple[Evidence, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EvalItemError(f"evidence must be a list, got {type(value).__name__}")
    evidence: list[Evidence] = []
    for number, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            raise EvalItemError(f"evidence #{number} must be an object with doc and quote")
        doc, quote, page = entry.get("doc"), entry.get("quote"), entry.get("page")
        if not isinstance(doc, str) or not doc.strip():
            raise EvalItemError(f"evidence #{number}: doc must be a non-empty string (a document id)")
        if not isinstance(quote, str) or not quote.strip():
            raise EvalItemError(f"evidence #{number}: quote must be a non-empty string")
        if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
            raise EvalItemError(f"evidence #{number}: page must be a positive whole number or null, got {page!r}")
        evidence.append(Evidence(doc=doc.strip(), quote=quote, page=page))
    return tuple(evidence)


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise EvalItemError("tags must be a list of strings")
    tags: list[str] = []
    for tag in value:
        tag = tag.strip().lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)
