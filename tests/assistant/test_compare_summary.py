"""The one-sentence summary over each compare column: when a sentence is finished, what happens without a model,
the mechanics with the test-sized model (SmolLM2-135M), and, with the default answer model, that a summary shown
states no number or name its column's cited passages do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.compare import Comparison, compare, indexed_document_facts
from assistant.compare_summary import one_sentence_written, summarise
from assistant.facts import extract_facts, fact_in
from assistant.pipeline import Assistant
from assistant.support import unstated_facts

TOPICS = ("human oversight", "Chief AI Officers", "transparency")


def with_model(assistant: Assistant, **llm: str) -> Assistant:
    """The session's assistant (same index, embedder and registry) answering with another model setting."""
    return Assistant(assistant.settings.replace(**llm), assistant.searcher, assistant.reranker, assistant.registry)


def cited_text(comparison: Comparison, index: int, numbers: tuple[int, ...]) -> str:
    column = comparison.columns[index]
    return " ".join(f"{c.passage.chunk.title} {c.passage.chunk.section} {c.passage.chunk.text}"
                    for c in column.citations if c.n in numbers)


def test_a_sentence_is_written_once_it_ends_with_its_markers_or_its_line() -> None:
    assert not one_sentence_written("The AI Act requires human oversight of high-risk")
    assert one_sentence_written("The AI Act requires human oversight [1].")
    assert one_sentence_written("The AI Act requires human oversight. [1]")
    assert one_sentence_written("The AI Act requires human oversight\n")
    assert not one_sentence_written("Article 14.2 requires")  # a number's full stop ends nothing


def test_without_a_model_the_comparison_is_unchanged_and_says_why(assistant: Assistant, tmp_path: Path) -> None:
    bare = with_model(assistant, model_dir=str(tmp_path), llm_base_url="", llm_gguf_path="")
    comparison = compare(bare, "human oversight", ("eu",), indexed_document_facts(bare))
    summarised = summarise(bare, comparison)
    assert summarised.columns == comparison.columns and all(c.summary is None for c in summarised.columns)
    assert summarised.summaries.startswith("no summaries: ") and "policyqa model install" in summarised.summaries


@pytest.mark.llm
def test_the_test_model_writes_a_summary_per_addressed_column_or_it_is_dropped(assistant: Assistant,
                                                                               smollm_model: Path) -> None:
    small = with_model(assistant, llm_local_model="smollm2-135m", model_dir=str(smollm_model.parent))
    comparison = compare(small, "Chief AI Officers", ("us", "japan"), indexed_document_facts(small))
    summarised = summarise(small, comparison)
    assert summarised.summaries == "summaries written by llm (smollm2-135m)"
    us, japan = summarised.columns
    assert japan.summary is None and not japan.addressed  # nothing cited: nothing to sum up
    assert us.summary is not None and us.summary.writer == "llm (smollm2-135m)" and us.summary.elapsed_ms > 0
    assert (us.sentences, us.citations) == (comparison.columns[0].sentences, comparison.columns[0].citations)
    if us.summary.text:  # shown: it claims the column's own citations and states nothing they do not
        assert us.summary.citations and set(us.summary.citations) <= {c.n for c in us.citations}
        cited = [c.passage for c in us.citations if c.n in us.summary.citations]
        assert not unstated_facts(us.summary.text, cited)
        assert us.shown_summary.endswith("".join(f" [{n}]" for n in us.summary.citations))
    else:
        assert us.summary.dropped and us.shown_summary == ""
    assert summarised.to_dict()["columns"][0]["summary"]["writer"] == "llm (smollm2-135m)"


@pytest.mark.llm
@pytest.mark.slow
def test_every_number_and_name_of_a_shown_summary_is_in_its_cited_passages(assistant: Assistant,
                                                                           qwen_model: Path) -> None:
    writing = with_model(assistant, llm_gguf_path=str(qwen_model))
    facts = indexed_document_facts(writing)
    shown = 0
    for topic in TOPICS:
        summarised = summarise(writing, compare(writing, topic, ("eu", "us"), facts))
        for index, column in enumerate(summarised.columns):
            if column.summary is None or not column.summary.text:
                continue
            shown += 1
            sources = cited_text(summarised, index, column.summary.citations)
            for fact in extract_facts(column.summary.text):
                assert fact_in(fact, sources), (topic, column.jurisdiction, fact.text, column.summary.text)
    assert shown > 0  # the model does write summaries that pass: the check above is not vacuous
