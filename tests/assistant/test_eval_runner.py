"""The runner, the reports and the comparison, over chunks ingested from real corpus documents.

The answer function here is a small keyword ranker over those chunks: a real system, simple enough that
the expected ranks can be read off the documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.evaluation.compare import compare_summaries, format_deltas
from assistant.evaluation.dataset import EvalItem, Evidence
from assistant.evaluation.matching import normalize_for_matching
from assistant.evaluation.report import load_report, render_html, render_markdown, write_reports
from assistant.evaluation.runner import SUMMARY_METRICS, evaluate
from assistant.models import Answer, AnswerSentence, Citation
from index.models import Passage
from ingest.chunk import ChunkingParams
from ingest.manifest import load_manifest
from ingest.models import Chunk
from ingest.pipeline import ingest_document
from tests.conftest import REGISTRY

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
DOCS = ("g7-leaders-statement-hiroshima-ai-process-2023", "japan-ai-basic-plan-trustworthy-ai-2026",
        "us-eo-14179-2025")
STOP = frozenset(["a", "an", "and", "the", "of", "to", "in", "on", "for", "is", "are", "what", "which", "who", "does", "do", "did", "by", "as", "with", "it", "its", "this", "that", "how", "under"])
ABSTAIN_TEXT = "The documents do not answer this question."

ITEMS = [
    EvalItem(id="g7-001", question="Which ministers statement was issued on September 7, 2023?",
             answer="The G7 Digital & Tech Ministers' Statement.",
             evidence=(Evidence(doc=DOCS[0], page=1, quote="G7 Digital & Tech Ministers’ Statement issued on "
                                                            "September 7, 2023"),), tags=("factoid", "g7")),
    EvalItem(id="japan-001", question="When was the Artificial Intelligence Basic Plan approved by the Cabinet?",
             answer="In December 2025.",
             evidence=(Evidence(doc=DOCS[1], page=1, quote="In December 2025, the “Artificial Intelligence Basic "
                                                           "Plan” (hereinafter referred to as the Basic Plan) was "
                                                           "approved by the Cabinet"),), tags=("factoid", "japan")),
    EvalItem(id="us-001", question="What revokes existing AI policies acting as barriers to American innovation?",
             answer="Executive Order 14179 revokes them.",
             evidence=(Evidence(doc=DOCS[2], page=1, quote="This order revokes certain existing AI policies and "
                                                           "directives that act as barriers to American AI "
                                                           "innovation"),
                       Evidence(doc=DOCS[2], page=1, quote="It is the policy of the United States to sustain and "
                                                           "enhance America’s global AI dominance")),
             tags=("paraphrase", "us")),
    EvalItem(id="none-001", question="Quelle est la recette de la bouillabaisse marseillaise?", answer=None,
             tags=("unanswerable", "offtopic")),
    EvalItem(id="xss-001", question="<script>alert('x')</script> Hiroshima AI Process work plan?",
             answer="A work plan by the end of the year.",
             evidence=(Evidence(doc=DOCS[0], page=1, quote="develop a work plan by the end of the year"),),
             tags=("g7", "<b>odd</b>")),
]


def small_doc_chunks() -> list[Chunk]:
    """The chunks of DOCS, ingested from the shared corpus (the test skips without it)."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    entries = {e.id: e for e in load_manifest(REPO / "corpus" / "sources.toml")}
    return [chunk for doc in DOCS
            for chunk in ingest_document(SHARED_CORPUS / entries[doc].file, entries[doc], ChunkingParams()).chunks]


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return small_doc_chunks()


def keywords(text: str) -> set[str]:
    return set(normalize_for_matching(text).split()) - STOP


def keyword_answer_fn(chunks: list[Chunk], k: int = 10, min_overlap: int = 3,
                      reverse: bool = False) -> Callable[[str], Answer]:
    """Rank chunks by shared keywords; answer with the top chunk's first sentence, or abstain."""
    def answer(question: str) -> Answer:
        wanted = keywords(question)
        scored = sorted(((len(wanted & keywords(c.text)), c) for c in chunks),
                        key=lambda pair: (-pair[0], pair[1].chunk_id))
        if reverse:
            scored.reverse()
        passages = tuple(Passage(chunk=c, score=float(s), rank=r) for r, (s, c) in enumerate(scored[:k], start=1))
        if max(s for s, _ in scored) < min_overlap:
            return Answer(question=question, text=ABSTAIN_TEXT, citations=(), passages=passages, abstained=True,
                          timings_ms={"retrieve_ms": 1.0, "total_ms": 2.0})
        top = passages[0]
        sentence = re.split(r"(?<=[.!?])\s+", " ".join(top.chunk.text.split()))[0]
        return Answer(question=question, text=f"{sentence} [1]", citations=(Citation(1, top, sentence),),
                      passages=passages, abstained=False,
                      sentences=(AnswerSentence(sentence, (1,), 1.0, True),), support=1.0,
                      timings_ms={"retrieve_ms": 1.0, "total_ms": 3.0})
    return answer


def test_every_item_gets_a_row_with_its_answer_passages_and_metrics(chunks: list[Chunk]) -> None:
    report = evaluate(ITEMS, keyword_answer_fn(chunks), REGISTRY.declared, k=5)
    rows = report.to_dict()["items"]
    assert [r["id"] for r in rows] == [i.id for i in ITEMS]
    for row in rows:
        assert {"id", "question", "reference", "answer", "abstained", "citations", "passages", "timings_ms",
                "hit@1", "hit@5", "MRR@5", "nDCG@5", "evidence_recall@5", "answer_f1", "rouge_l",
                "citation_precision", "citations_not_in_passages"} <= set(row)
        assert not {"hit@10", "MRR@10", "nDCG@10", "evidence_recall@10"} & set(row)  # k=5 reads 5 passages
        assert len(row["passages"]) <= 5
        assert row["timings_ms"]["total_ms"] in (2.0, 3.0)  # the pipeline's own timings, as it gave them
        assert row["latency_ms"] > 0  # measured around the call
        assert row["citations_not_in_passages"] == 0
    by_id = {r["id"]: r for r in rows}
    assert by_id["none-001"]["abstained"] is True
    assert by_id["none-001"]["hit@5"] is None and by_id["none-001"]["answer_f1"] is None
    assert by_id["japan-001"]["hit@1"] == 1.0 and by_id["japan-001"]["MRR@5"] == 1.0
    assert by_id["japan-001"]["citation_precision"] == 1.0
    # us-001: the first quote is at rank 1, the second (Sec. 2) shares no keyword and is not retrieved:
    # evidence recall 1/2, nDCG = 1 / (1 + 1/log2(3)) = 0.6131.
    assert by_id["us-001"]["first_relevant_rank"] == 1
    assert by_id["us-001"]["evidence_recall@5"] == 0.5
    assert by_id["us-001"]["nDCG@5"] == pytest.approx(0.6131, abs=1e-4)


def test_metric_names_follow_k_in_the_summary_the_reports_and_the_comparison(chunks: list[Chunk]) -> None:
    five = evaluate(ITEMS, keyword_answer_fn(chunks, k=5), REGISTRY.declared, k=5, run={"pipeline": "keywords"}).to_dict()
    overall = five["summary"]["overall"]
    assert {"hit@1", "hit@3", "hit@5", "MRR@5", "nDCG@5", "evidence_recall@5"} <= set(overall)
    assert not [name for name in overall if name.endswith("@10")]
    assert not [name for group in five["summary"]["by_tag"].values() for name in group if name.endswith("@10")]
    md, page = render_markdown(five), render_html(five)
    assert "| MRR@5 |" in md and "@10" not in md and "top 5" in md
    assert "MRR@5" in page and "@10" not in page
    three = evaluate(ITEMS, keyword_answer_fn(chunks, k=3), REGISTRY.declared, k=3).to_dict()
    assert "hit@3" in three["summary"]["overall"] and "hit@5" not in three["summary"]["overall"]
    rows = compare_summaries(five["summary"], five["summary"])
    assert {r.metric for r in rows if r.group == "overall"} >= {"hit@5", "MRR@5", "nDCG@5"}
    assert not [r for r in rows if r.metric.endswith("@10")]


def test_summary_groups_overall_by_tag_and_by_jurisdiction(chunks: list[Chunk]) -> None:
    summary = evaluate(ITEMS, keyword_answer_fn(chunks), REGISTRY.declared, k=10, run={"pipeline": "keywords"}).summary
    overall = summary["overall"]
    assert set(SUMMARY_METRICS) <= set(overall)
    assert (overall["n_items"], overall["n_answerable"], overall["n_unanswerable"]) == (5, 4, 1)
    assert overall["abstention_recall"] == 1.0 and overall["abstention_precision"] == 1.0
    assert 0 < overall["latency_p50_ms"] <= overall["latency_p95_ms"]
    assert overall["citations_not_in_passages"] == 0
    assert list(summary["by_jurisdiction"]) == ["us", "japan", "g7"]
    assert summary["by_jurisdiction"]["g7"]["n_items"] == 2
    assert "g7" not in summary["by_tag"] and summary["by_tag"]["factoid"]["n_items"] == 2
    # An unanswerable-only group has no retrieval metrics, only abstention ones.
    assert summary["by_tag"]["unanswerable"]["MRR@10"] is None
    assert summary["by_tag"]["unanswerable"]["abstention_recall"] == 1.0
    assert summary["run"] == {"k": 10, "pipeline": "keywords", "writers": {"unrecorded": 4, "none (abstained)": 1}}


def test_a_failing_question_is_recorded_and_the_others_still_run(chunks: list[Chunk]) -> None:
    inner = keyword_answer_fn(chunks)

    def flaky(question: str) -> Answer:
        if "Cabinet" in question:
            raise RuntimeError("index closed")
        return inner(question)

    report = evaluate(ITEMS, flaky, REGISTRY.declared)
    failed = [r for r in report.items if r.error]
    assert [r.item.id for r in failed] == ["japan-001"]
    assert failed[0].error == "RuntimeError: index closed"
    assert report.summary["overall"]["n_errors"] == 1
    assert report.summary["by_jurisdiction"]["japan"]["MRR@10"] is None


def test_reports_are_written_as_json_markdown_and_self_contained_html(chunks: list[Chunk], tmp_path: Path) -> None:
    report = evaluate(ITEMS, keyword_answer_fn(chunks), REGISTRY.declared, run={"pipeline": "keywords",
                                                           "dataset_errors": ["line 9: missing question"]})
    paths = write_reports(report.to_dict(), tmp_path / "run")
    assert load_report(paths["json"]) == json.loads(json.dumps(report.to_dict()))

    md = paths["md"].read_text(encoding="utf-8")
    for heading in ("## Overall", "## By jurisdiction", "## By tag", "## Worst items", "## Abstention mistakes"):
        assert heading in md
    assert "| MRR@10 |" in md and "| japan |" in md and "line 9: missing question" in md

    page = paths["html"].read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3  # by jurisdiction, by tag, latency
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>odd</b>" not in page and "&lt;b&gt;odd&lt;/b&gt;" in page
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing loaded from elsewhere


def test_renderers_accept_a_report_without_groups() -> None:
    summary = {"overall": {"n_items": 0, "MRR@10": None}, "by_tag": {}, "by_jurisdiction": {}}
    assert "_No item carries such a tag._" in render_markdown({"summary": summary, "items": []})
    assert "No item carries such a tag." in render_html({"summary": summary, "items": []})


def test_compare_gives_new_minus_old_for_each_summary_metric(chunks: list[Chunk], tmp_path: Path) -> None:
    old = evaluate(ITEMS, keyword_answer_fn(chunks, reverse=True), REGISTRY.declared).to_dict()
    new = evaluate(ITEMS, keyword_answer_fn(chunks), REGISTRY.declared).to_dict()
    rows = compare_summaries(old["summary"], new["summary"])
    mrr = next(r for r in rows if r.group == "overall" and r.metric == "MRR@10")
    assert mrr.old is not None and mrr.new is not None and mrr.delta is not None
    assert mrr.old == old["summary"]["overall"]["MRR@10"] and mrr.new == new["summary"]["overall"]["MRR@10"]
    assert mrr.delta == pytest.approx(mrr.new - mrr.old) and mrr.delta > 0 and mrr.improved
    assert any(r.group == "by_jurisdiction/japan" for r in rows)
    text = format_deltas(rows)
    assert text.startswith("== overall ==")
    assert re.search(rf"MRR@10\s+{mrr.old:.3f}\s+{mrr.new:.3f}\s+\+{mrr.delta:.3f}", text)
