"""The guards every writer's draft goes through, over real passages and the real embedder."""

from __future__ import annotations

from assistant.pipeline import Assistant
from assistant.support import check_citations, split_cited, unstated_facts
from assistant.text import sentences
from assistant.writers.base import DraftSentence

FINES = "What is the largest penalty an organisation can face under the EU AI Act?"


def test_split_cited_keeps_numbers_with_their_sentence() -> None:
    assert split_cited("Risk is managed. [1] Trust matters [2][3]. Unsupported claim.") == [
        ("Risk is managed.", (1,)), ("Trust matters.", (2, 3)), ("Unsupported claim.", ())]


def _quoted(passages, number: int) -> str:  # type: ignore[no-untyped-def]
    return next(s for s in sentences(passages[number - 1].chunk.text) if len(s.split()) > 8)


def test_invalid_citations_and_unsupported_sentences_are_dropped(assistant: Assistant) -> None:
    passages = assistant.retrieve("Which AI practices does the EU AI Act prohibit?", 5, None)
    draft = [DraftSentence(_quoted(passages, 1), (1,)),
             DraftSentence("The moon is made of green cheese and orbits Mars.", (2,)),
             DraftSentence(_quoted(passages, 2), (99,))]
    checked = check_citations(draft, passages, assistant.searcher.embedder, threshold=0.5)
    assert checked.removed == 1
    assert [s.text for s in checked.sentences] == [_quoted(passages, 1), _quoted(passages, 2)]
    assert all(s.supported for s in checked.sentences)
    assert "[99]" not in checked.text and "cheese" not in checked.text


def test_uncited_sentence_gets_its_best_supporting_passage(assistant: Assistant) -> None:
    passages = assistant.retrieve("Which AI practices does the EU AI Act prohibit?", 5, None)
    sentence = _quoted(passages, 3)
    checked = check_citations([DraftSentence(sentence, ())], passages, assistant.searcher.embedder, threshold=0.5)
    (citation,) = checked.citations
    assert checked.sentences[0].citations == (1,) and sentence in citation.passage.chunk.text


def test_citation_numbers_run_in_the_order_the_answer_uses_them(assistant: Assistant) -> None:
    passages = assistant.retrieve("Which AI practices does the EU AI Act prohibit?", 5, None)
    draft = [DraftSentence(_quoted(passages, 4), (4,)), DraftSentence(_quoted(passages, 2), (2,)),
             DraftSentence(_quoted(passages, 4) + "", (4,))]
    checked = check_citations(draft, passages, assistant.searcher.embedder, threshold=0.5)
    assert [s.citations for s in checked.sentences] == [(1,), (2,), (1,)]
    assert [c.n for c in checked.citations] == [1, 2]
    assert checked.citations[0].passage == passages[3] and checked.citations[1].passage == passages[1]
    assert checked.text.count("[1]") == 2 and "[3]" not in checked.text


def test_a_sentence_with_an_amount_its_passage_does_not_state_is_dropped(assistant: Assistant) -> None:
    passages = assistant.retrieve(FINES, 10, None)
    number, quoted = next((n, s) for n, p in enumerate(passages, start=1) for s in sentences(p.chunk.text)
                          if "35 000 000" in s)
    invented = quoted.replace("35 000 000", "45 000 000")
    assert unstated_facts(invented, [passages[number - 1]]) == ["EUR 45 000 000"] or unstated_facts(
        invented, [passages[number - 1]])
    checked = check_citations([DraftSentence(quoted, (number,)), DraftSentence(invented, (number,))], passages,
                              assistant.searcher.embedder, threshold=0.5)
    assert checked.removed == 1 and "45 000 000" not in checked.text and "35 000 000" in checked.text


def test_a_name_the_passages_never_mention_is_caught() -> None:
    assert unstated_facts("The European Artificial Intelligence Office employs 1,000 staff.", []) != []


def test_a_quoted_sentence_that_also_claims_a_passage_without_it_is_scored_against_that_passage(
        assistant: Assistant) -> None:
    passages = assistant.retrieve("Which AI practices does the EU AI Act prohibit?", 5, None)
    quoted = _quoted(passages, 1)
    unrelated = next(n for n in range(2, len(passages) + 1) if quoted not in passages[n - 1].chunk.text)
    checked = check_citations([DraftSentence(quoted, (1, unrelated))], passages, assistant.searcher.embedder,
                              threshold=0.99)
    assert [s.text for s in checked.sentences] == [quoted]
    assert checked.sentences[0].citations == (1,) and len(checked.citations) == 1
