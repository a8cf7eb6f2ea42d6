"""`policyqa eval` through click's CliRunner: the `ask` pipeline over a built index, the LangChain baseline
over real documents, and `--compare` between two reports."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.report import write_reports
from assistant.evaluation.runner import evaluate
from assistant.models import Answer, Citation
from index.models import Passage
from ingest.manifest import load_manifest
from ingest.models import Chunk
from ingest.settings import Settings
from tests.conftest import REGISTRY, registry_tables
from ui.cli import main
from ui.commands.eval import eval_command

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SHIPPED_SET = REPO / "corpus" / "eval" / "policyqa-eval.jsonl"
SMALL_DOCS = ("g7-leaders-statement-hiroshima-ai-process-2023", "japan-ai-basic-plan-trustworthy-ai-2026",
              "us-eo-14179-2025")


def needs_shared_corpus() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")


def shipped_subset(n: int = 10) -> list[dict[str, Any]]:
    """The first items of the shipped set, one jurisdiction after another, with one unanswerable item."""
    if not SHIPPED_SET.is_file():
        pytest.skip(f"{SHIPPED_SET} not present")
    items = [json.loads(line) for line in SHIPPED_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    unanswerable = [i for i in items if i.get("answer") is None and not i.get("evidence")]
    queues = {j: [i for i in items if j in i.get("tags", []) and i not in unanswerable]
              for j in ("eu", "us", "oecd", "japan", "g7")}
    chosen = unanswerable[:1]
    while len(chosen) < n and any(queues.values()):
        for queue in queues.values():
            if queue and len(chosen) < n:
                chosen.append(queue.pop(0))
    return chosen


def write_jsonl(path: Path, rows: Sequence[dict[str, Any] | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_eval_is_a_policyqa_verb() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "eval" in result.output
    help_text = CliRunner().invoke(main, ["eval", "--help"]).output
    for option in ("-k", "--out", "--pipeline", "--compare", "--generator", "--jurisdiction", "--doc", "--limit",
                   "--sample", "--seed"):
        assert option in help_text


def test_eval_of_ten_shipped_items_over_the_built_index(built_settings: Settings, tmp_path: Path) -> None:
    subset = write_jsonl(tmp_path / "subset.jsonl", shipped_subset(10))
    out = tmp_path / "run"
    result = CliRunner().invoke(eval_command, [str(subset), "-k", "10", "--out", str(out)], obj=built_settings)
    assert result.exit_code == 0, result.output

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["items"]) == 10
    overall = report["summary"]["overall"]
    assert overall["n_errors"] == 0
    assert overall["citations_not_in_passages"] == 0
    assert overall["hit@10"] is not None and overall["hit@10"] > 0  # a real index finds some evidence
    for row in report["items"]:
        assert len(row["passages"]) <= 10
        given = {p["chunk_id"] for p in row["passages"]}
        assert all(c["chunk_id"] in given for c in row["citations"])
        assert row["latency_ms"] > 0 and "retrieve_ms" in row["timings_ms"]
    assert (out / "report.md").is_file() and "data:image/png;base64," in (out / "report.html").read_text()
    assert re.search(r"^MRR@10\s+\d\.\d{3}$", result.output, re.MULTILINE)

    again = CliRunner().invoke(eval_command, [str(subset), "--out", str(tmp_path / "again"),
                                              "--compare", str(out / "report.json")], obj=built_settings)
    assert again.exit_code == 0, again.output
    # The same pipeline over the same index ranks the same passages.
    assert re.search(r"^MRR@10\s+\S+\s+\S+\s+\+0\.000$", again.output, re.MULTILINE)


@pytest.fixture
def small_corpus_settings(tmp_path: Path) -> Settings:
    """Three short real documents of the corpus, their manifest entries, and an empty data directory."""
    needs_shared_corpus()
    entries = {e.id: e for e in load_manifest(REPO / "corpus" / "sources.toml")}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    blocks = []
    for doc in SMALL_DOCS:
        shutil.copy(SHARED_CORPUS / entries[doc].file, corpus / entries[doc].file)
        blocks.append("[[document]]\n" + "".join(f"{k} = {json.dumps(v)}\n"
                                                  for k, v in dataclasses.asdict(entries[doc]).items()))
    manifest = tmp_path / "sources.toml"
    manifest.write_text(registry_tables() + "\n".join(blocks), encoding="utf-8")
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus, manifest_path=manifest)


BASELINE_ITEMS: list[dict[str, Any] | str] = [
    {"id": "g7-001", "question": "Which G7 ministers' statement was issued on 7 September 2023?",
     "answer": "The G7 Digital & Tech Ministers' Statement.", "tags": ["factoid", "g7"],
     "evidence": [{"doc": SMALL_DOCS[0], "page": 1,
                   "quote": "G7 Digital & Tech Ministers’ Statement issued on September 7, 2023"}]},
    {"id": "japan-001", "question": "When did Japan's Cabinet approve the Artificial Intelligence Basic Plan?",
     "answer": "In December 2025.", "tags": ["factoid", "japan"],
     "evidence": [{"doc": SMALL_DOCS[1], "page": 1,
                   "quote": "In December 2025, the “Artificial Intelligence Basic Plan” (hereinafter referred "
                            "to as the Basic Plan) was approved by the Cabinet"}]},
    "{this line is not JSON",
    {"id": "us-001", "question": "Which executive order does EO 14179 revoke?",
     "answer": "Executive Order 14110 of October 30, 2023.", "tags": ["factoid", "us"],
     "evidence": [{"doc": SMALL_DOCS[2], "page": 1,
                   "quote": "taken pursuant to the revoked Executive Order 14110 of October 30, 2023"}]},
    {"id": "none-001", "question": "What penalty does the G7 statement set for late filings?", "answer": None,
     "evidence": [], "tags": ["unanswerable", "g7"]},
]


def test_langchain_baseline_runs_end_to_end_and_reuses_its_cached_store(small_corpus_settings: Settings,
                                                                         tmp_path: Path) -> None:
    eval_set = write_jsonl(tmp_path / "small.jsonl", BASELINE_ITEMS)
    args = [str(eval_set), "--pipeline", "langchain-baseline", "-k", "5"]

    first = CliRunner().invoke(eval_command, args + ["--out", str(tmp_path / "first")], obj=small_corpus_settings)
    assert first.exit_code == 0, first.output
    assert "built and cached" in first.output
    assert "line 3: not valid JSON" in first.output  # reported, and the other items still ran
    cache = small_corpus_settings.data_dir / "baseline"
    assert [p.name for p in cache.iterdir() if not p.name.startswith(".")]

    report = json.loads((tmp_path / "first" / "report.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in report["items"]] == ["g7-001", "japan-001", "us-001", "none-001"]
    for row in report["items"]:
        assert row["abstained"] is False  # the tutorial recipe never abstains
        assert row["answer"].endswith("[1]") and row["citations"][0]["n"] == 1
        assert row["citations"][0]["chunk_id"] == row["passages"][0]["chunk_id"]
        assert 1 <= len(row["passages"]) <= 5 and row["passages"][0]["doc_id"] in SMALL_DOCS
    overall = report["summary"]["overall"]
    assert report["summary"]["run"]["n_dataset_errors"] == 1
    by_id = {r["id"]: r for r in report["items"]}
    assert by_id["japan-001"]["hit@1"] == 1.0  # the Japan summary's first bullet, nearly verbatim
    assert by_id["none-001"]["hit@5"] is None  # no retrieval metric for an unanswerable item
    assert overall["hit@5"] is not None and overall["n_answerable"] == 3
    assert overall["abstention_recall"] == 0.0 and overall["abstention_precision"] is None
    assert overall["citations_not_in_passages"] == 0

    second = CliRunner().invoke(eval_command, args + ["--out", str(tmp_path / "second")], obj=small_corpus_settings)
    assert second.exit_code == 0, second.output
    assert "loaded from cache" in second.output


def test_baseline_with_a_jurisdiction_filter_searches_only_that_jurisdiction(small_corpus_settings: Settings,
                                                                            tmp_path: Path) -> None:
    eval_set = write_jsonl(tmp_path / "small.jsonl", BASELINE_ITEMS)
    out = tmp_path / "japan-only"
    result = CliRunner().invoke(eval_command, [str(eval_set), "--pipeline", "langchain-baseline",
                                               "--jurisdiction", "japan", "--out", str(out)],
                                obj=small_corpus_settings)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {p["doc_id"] for r in report["items"] for p in r["passages"]} == {SMALL_DOCS[1]}
    assert report["summary"]["run"]["filters"] == {"doc_ids": [], "jurisdictions": ["japan"],
                                                        "sections": []}


# --- --compare on two reports written by the runner --------------------------------------------------------

def passages_of(chunks: list[Chunk], question: str, reverse: bool) -> tuple[Passage, ...]:
    words = set(question.lower().split())
    ranked = sorted(chunks, key=lambda c: (-len(words & set(c.text.lower().split())), c.chunk_id))
    if reverse:
        ranked.reverse()
    return tuple(Passage(chunk=c, score=0.0, rank=r) for r, c in enumerate(ranked[:10], start=1))


def test_compare_prints_new_minus_old_for_two_runner_reports(tmp_path: Path) -> None:
    needs_shared_corpus()
    from ingest.chunk import ChunkingParams
    from ingest.pipeline import ingest_document

    entries = {e.id: e for e in load_manifest(REPO / "corpus" / "sources.toml")}
    chunks = [c for doc in SMALL_DOCS
              for c in ingest_document(SHARED_CORPUS / entries[doc].file, entries[doc], ChunkingParams()).chunks]
    items, errors = load_eval_set(write_jsonl(tmp_path / "small.jsonl", BASELINE_ITEMS))
    assert errors == ["line 3: not valid JSON: Expecting property name enclosed in double quotes at column 2"]

    def answer_fn(reverse: bool) -> Callable[[str], Answer]:
        def answer(question: str) -> Answer:
            passages = passages_of(chunks, question, reverse)
            return Answer(question=question, text=passages[0].chunk.text[:120] + " [1]",
                          citations=(Citation(1, passages[0], ""),), passages=passages, abstained=False)
        return answer

    old_paths = write_reports(evaluate(items, answer_fn(reverse=True), REGISTRY.declared).to_dict(), tmp_path / "old")
    new_paths = write_reports(evaluate(items, answer_fn(reverse=False), REGISTRY.declared).to_dict(), tmp_path / "new")
    old = json.loads(old_paths["json"].read_text())["summary"]["overall"]
    new = json.loads(new_paths["json"].read_text())["summary"]["overall"]

    result = CliRunner().invoke(eval_command, [str(new_paths["json"]), "--compare", str(old_paths["json"])],
                                obj=Settings(data_dir=tmp_path / "data"))
    assert result.exit_code == 0, result.output
    assert "new − old" in result.output and re.search(r"^metric\s+old\s+new\s+delta$", result.output, re.MULTILINE)
    for metric in ("MRR@10", "hit@1", "answer_f1"):
        delta = new[metric] - old[metric]
        cells = [metric, f"{old[metric]:.3f}", f"{new[metric]:.3f}", f"{delta:+.3f}"]
        assert re.search("^" + r"\s+".join(map(re.escape, cells)) + "$", result.output, re.MULTILINE), metric
    assert "== by_jurisdiction/japan ==" in result.output
    assert not (tmp_path / "data").exists()  # comparing two reports runs nothing


def test_unreadable_report_for_compare_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "report.json"
    bogus.write_text('{"items": []}', encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(bogus)], obj=Settings(data_dir=tmp_path / "data"))
    assert result.exit_code != 0 and "not an evaluation report" in result.output


def test_eval_set_without_valid_items_is_refused(tmp_path: Path) -> None:
    eval_set = write_jsonl(tmp_path / "bad.jsonl", ['{"id": "x"}', "[1, 2]"])
    result = CliRunner().invoke(eval_command, [str(eval_set), "--pipeline", "langchain-baseline"],
                                obj=Settings(data_dir=tmp_path / "data"))
    assert result.exit_code != 0
    assert "line 1: missing question" in result.output and "no valid item" in result.output


def test_limit_and_a_seeded_sample_choose_the_items_and_are_recorded(small_corpus_settings: Settings,
                                                                     tmp_path: Path) -> None:
    eval_set = write_jsonl(tmp_path / "small.jsonl", BASELINE_ITEMS)
    base = [str(eval_set), "--pipeline", "langchain-baseline", "-k", "3"]

    def ids(out: str, *options: str) -> tuple[list[str], dict[str, Any], str]:
        result = CliRunner().invoke(eval_command, base + ["--out", str(tmp_path / out), *options],
                                    obj=small_corpus_settings)
        assert result.exit_code == 0, result.output
        report = json.loads((tmp_path / out / "report.json").read_text(encoding="utf-8"))
        return [r["id"] for r in report["items"]], report["summary"]["run"], result.output

    first_two, run, output = ids("limit", "--limit", "2")
    assert first_two == ["g7-001", "japan-001"] and run["limit"] == 2 and run["n_items_in_set"] == 4
    assert "Evaluated 2 of 4 questions" in output
    sample, run, output = ids("sample", "--sample", "2", "--seed", "7")
    again, _, _ = ids("sample-again", "--sample", "2", "--seed", "7")
    assert len(sample) == 2 and sample == again  # the same seed draws the same items, in file order
    assert sample == sorted(sample, key=["g7-001", "japan-001", "us-001", "none-001"].index)
    assert (run["sample"], run["seed"]) == (2, 7)
    # the writer is recorded, in the run and per writer, and printed
    assert run["generator"] == "first-two-sentences" and run["writers"] == {"first-two-sentences": 2}
    assert re.search(r"^By writer:\nwriter\s+n_items\s+key_fact_recall", output, re.MULTILINE)

    both = CliRunner().invoke(eval_command, base + ["--limit", "1", "--sample", "1"], obj=small_corpus_settings)
    assert both.exit_code != 0 and "not both" in both.output
