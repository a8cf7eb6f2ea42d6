"""The citation check applied to any generator's text, over real passages and the real embedder."""

from __future__ import annotations

from assistant.pipeline import Assistant
from assistant.support import check_citations, split_cited
from assistant.text import sentences


def test_split_cited_keeps_numbers_with_their_sentence() -> None:
    assert split_cited("Risk is managed. [1] Trust matters [2][3]. Unsupported claim.") == [
        ("Risk is managed.", (1,)), ("Trust matters.", (2, 3)), ("Unsupported claim.", ())]


def test_invalid_citation_removed_and_unsupported_sentence_marked(assistant: Assistant) -> None:
    passages = assistant.retrieve("Which AI practices does the EU AI Act prohibit?", 5, None)
    quoted = next(s for s in sentences(passages[0].chunk.text) if len(s.split()) > 8 and len(split_cited(s)) == 1)
    text = f"{quoted} [1] The moon is made of green cheese and orbits Mars. [2] Something else entirely. [99]"
    checked = check_citations(text, passages, assistant.searcher.embedder, threshold=0.5)
    assert "[99]" not in checked.text
    first, second, third = checked.sentences
    assert first.supported and first.citations == (1,) and first.support > 0.9
    assert not second.supported
    assert 99 not in third.citations
    assert checked.support == min(s.support for s in checked.sentences)
    assert all(c.n in (1, 2) or c.n <= len(passages) for c in checked.citations)


def test_uncited_sentence_gets_its_best_supporting_passage(assistant: Assistant) -> None:
    passages = assistant.retrieve("Which AI practices does the EU AI Act prohibit?", 5, None)
    sentence = next(s for s in sentences(passages[2].chunk.text) if len(s.split()) > 8 and len(split_cited(s)) == 1)
    checked = check_citations(sentence, passages, assistant.searcher.embedder, threshold=0.5)
    assert checked.sentences[0].citations and checked.sentences[0].supported
    cited = passages[checked.sentences[0].citations[0] - 1]
    assert sentence in cited.chunk.text
