"""What the web UI renders from answers: document text escaped, quotes marked, abstentions and unsupported
sentences said plainly, and the copyable Markdown with its references."""

from __future__ import annotations

from assistant.models import Answer, AnswerSentence, Citation
from index.models import Passage
from ingest.models import Chunk
from ui.web_render import (
    answer_markdown,
    chat_text,
    citation_choices,
    citation_html,
    copyable_markdown,
    highlighted,
    safe_url,
    sources_html,
)

HOSTILE = 'Rules <script>alert(1)</script> and [a link](javascript:alert(2)) <img src=x onerror=alert(3)>.'


def chunk(text: str = "First sentence. The quoted  sentence\nis here. Last one.",
          url: str = "https://ex.org/a", title: str = "Act <b>One</b>") -> Chunk:
    return Chunk(chunk_id="doc:1", doc_id="doc", title=title, jurisdiction="eu", page_start=4, page_end=5,
                 section="Article 5 > 1(f)", char_start=0, char_end=len(text), text=text, url=url,
                 issuer="Council")


def answer(text: str = "The quoted sentence is here.", supported: bool = True, **chunk_args: str) -> Answer:
    passage = Passage(chunk(**chunk_args), 1.0, 1)
    citation = Citation(1, passage, "The quoted sentence is here.")
    sentence = AnswerSentence(text, (1,), 0.9 if supported else 0.1, supported)
    return Answer(question="q", text=f"{text} [1]", citations=(citation,), passages=(passage,),
                  abstained=False, sentences=(sentence,), support=0.9)


def test_chat_text_leaves_no_markup_or_markdown_syntax() -> None:
    escaped = chat_text(HOSTILE + " **bold** # $$x$$ https://a.b")
    assert "<" not in escaped and ">" not in escaped
    for syntax in ("[", "]", "(", "*", "#", "$", ":", "/"):
        assert escaped.count(syntax) == escaped.count("\\" + syntax), syntax


def test_quote_is_marked_inside_its_escaped_passage_even_across_whitespace() -> None:
    assert highlighted("A <i>b</i>. The quoted  sentence\nis here. C.", "The quoted sentence is here.") == (
        "A &lt;i&gt;b&lt;/i&gt;. <mark>The quoted  sentence\nis here.</mark> C.")
    assert highlighted(HOSTILE, "not in it") == highlighted(HOSTILE, "").replace("<mark>", "")
    assert "<script>" not in highlighted(HOSTILE, "Rules")


def test_sources_and_citation_views_escape_document_text_and_keep_only_web_links() -> None:
    hostile = answer(text=HOSTILE, url="javascript:alert(4)")
    for html in (sources_html(hostile), citation_html(hostile.citations[0])):
        assert "<script>" not in html and "<b>One</b>" not in html and "<img" not in html
        assert "&lt;b&gt;One&lt;/b&gt;" in html
        assert "javascript:" not in html
    page = citation_html(answer().citations[0])
    assert "href='https://ex.org/a'" in page and "<mark>The quoted  sentence\nis here.</mark>" in page
    assert "Page:</b> 4–5" in page and "Article 5 &gt; 1(f)" in page
    assert safe_url("ftp://ex.org") == "" and safe_url(" http://ex.org/x ") == "http://ex.org/x"


def test_answer_message_keeps_markers_and_flags_unsupported_sentences() -> None:
    assert answer_markdown(answer()) == "The quoted sentence is here\\. \\[1\\]"
    assert "*(unsupported by the cited passage)*" in answer_markdown(answer(supported=False))
    assert citation_choices(answer()) == [("[1] Act <b>One</b>, p. 4–5", "1")]


def test_abstention_shows_the_closest_passages() -> None:
    passage = Passage(chunk(), 0.2, 1)
    abstained = Answer(question="q", text="The indexed documents do not answer this question.", citations=(),
                       passages=(passage,), abstained=True)
    message = answer_markdown(abstained)
    assert "do not answer" in message and "Closest passages" in message and "Act &lt;b&gt;One" in message
    assert "No answer: the closest passages." in sources_html(abstained)
    assert "Closest passages:" in copyable_markdown(abstained)


def test_copyable_markdown_has_the_answer_and_numbered_references() -> None:
    text = copyable_markdown(answer())
    assert text.startswith("The quoted sentence is here. [1]\n")
    assert "[1] Act <b>One</b> · Council · EU · p. 4–5 · Article 5 > 1(f) <https://ex.org/a>" in text
    assert "“The quoted sentence is here.”" in text
