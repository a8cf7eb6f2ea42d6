"""What the web UI's HTML panels show: document text escaped, quotes marked, the opened citation marked and
linked to its official source at its page, abstentions said plainly."""

from __future__ import annotations

from dataclasses import replace

from assistant.models import Answer, AnswerSentence
from index.models import Passage
from ui.web.render import (
    chat_text,
    citation_choices,
    citation_html,
    highlighted,
    official_url,
    safe_url,
    sources_html,
)

HOSTILE = 'Rules <script>alert(1)</script> and [a link](javascript:alert(2)) <img src=x onerror=alert(3)>.'


def test_chat_text_leaves_no_markup_or_markdown_syntax() -> None:
    escaped = chat_text(HOSTILE + " **bold** # $$x$$ https://a.b - item")
    assert "<" not in escaped and ">" not in escaped
    for syntax in ("[", "]", "(", "*", "#", "$", ":", "/", "-"):
        assert escaped.count(syntax) == escaped.count("\\" + syntax), syntax


def test_quote_is_marked_inside_its_escaped_passage_even_across_whitespace() -> None:
    assert highlighted("A <i>b</i>. The quoted  sentence\nis here. C.", "The quoted sentence is here.") == (
        "A &lt;i&gt;b&lt;/i&gt;. <mark>The quoted  sentence\nis here.</mark> C.")
    assert highlighted(HOSTILE, "not in it") == highlighted(HOSTILE, "").replace("<mark>", "")
    assert "<script>" not in highlighted(HOSTILE, "Rules")


def test_sources_and_citation_views_escape_document_text_and_keep_only_web_links(  # type: ignore[no-untyped-def]
        answer_of, chunk_of) -> None:
    hostile = answer_of(chunks=(chunk_of(text=HOSTILE, url="javascript:alert(4)"),))
    for html in (sources_html(hostile, heading="<b>q</b>"), citation_html(hostile.citations[0])):
        assert "<script>" not in html and "<b>One</b>" not in html and "<img" not in html
        assert "<b>q</b>" not in html and "&lt;b&gt;One&lt;/b&gt;" in html
        assert "href='javascript" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert safe_url("ftp://ex.org") == "" and safe_url(" http://ex.org/x ") == "http://ex.org/x"


def test_opened_citation_shows_its_passage_and_links_the_official_pdf_at_its_page(  # type: ignore[no-untyped-def]
        answer_of, chunk_of) -> None:
    page = citation_html(answer_of().citations[0])
    assert "href='https://ex.org/a.pdf#page=4'" in page
    assert "<mark>The quoted  sentence\nis here.</mark>" in page
    assert "Page:</b> 4–5" in page and "Article 5 &gt; 1(f)" in page and "pq-selected" in page
    web_page = answer_of(chunks=(chunk_of(url="https://ex.org/guide"),)).citations[0]
    assert "href='https://ex.org/guide'" in citation_html(web_page)
    assert "No official URL recorded." in citation_html(answer_of(chunks=(chunk_of(url=""),)).citations[0])


def test_official_link_opens_a_pdf_at_the_passage_page_and_leaves_web_pages_alone(  # type: ignore[no-untyped-def]
        chunk_of) -> None:
    eur_lex = "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=OJ:L_202401689"
    assert official_url(chunk_of(url=eur_lex, page=51)) == eur_lex + "#page=51"
    assert official_url(chunk_of(url="https://airc.nist.gov/AI_RMF_Knowledge_Base/Playbook")).endswith("/Playbook")
    assert official_url(chunk_of(url="javascript:alert(1)//a.pdf")) == ""


def test_sources_panel_marks_the_opened_citation_and_names_its_answer(  # type: ignore[no-untyped-def]
        answer_of) -> None:
    sentences = (AnswerSentence("One.", (1,), 0.9, True), AnswerSentence("Two.", (2,), 0.9, True))
    panel = sources_html(answer_of(sentences), selected=2, heading="Cited by answer 3: q")
    first, second = panel.split("<div class='pq-source")[1:]
    assert "pq-selected" not in first and second.startswith(" pq-selected'") and "[2]" in second
    assert panel.startswith("<div class='pq-note'>Cited by answer 3: q</div>")
    assert citation_choices(answer_of()) == [("[1] Act <b>One</b>, pp. 4–5", "1")]


def test_abstention_shows_the_closest_passages(chunk_of) -> None:  # type: ignore[no-untyped-def]
    abstained = Answer(question="q", text="The indexed documents do not answer this question.", citations=(),
                       passages=(Passage(chunk_of(), 0.2, 1),), abstained=True)
    assert "No answer: the closest passages." in sources_html(abstained)
    assert "Act &lt;b&gt;One" in sources_html(abstained)


def test_a_citation_shows_the_printed_page_of_its_quote_and_links_the_pdf_sheet(  # type: ignore[no-untyped-def]
        answer_of, chunk_of) -> None:
    chunk = chunk_of()  # sheets 4–5; the quoted sentence starts on sheet 5, printed as page 13
    at = chunk.text.index("The quoted")
    printed = replace(chunk, page_labels=("12", "13"), page_breaks=((at, 5),))
    citation = answer_of(chunks=(printed,)).citations[0]
    assert citation_choices(answer_of(chunks=(printed,))) == [("[1] Act <b>One</b>, p. 13", "1")]
    page = citation_html(citation)
    assert "Page:</b> 13</span>" in page and "href='https://ex.org/a.pdf#page=5'" in page


def test_a_source_card_shows_the_escaped_lead_in_of_the_list_its_passage_opens_inside(  # type: ignore[no-untyped-def]
        answer_of, chunk_of) -> None:
    item = replace(chunk_of(text="(f) authorised representatives of providers;"),
                               lead_in="1. This <b>Regulation</b> applies to:")
    panel = sources_html(answer_of(chunks=(item,)))
    assert "in the list “1. This &lt;b&gt;Regulation&lt;/b&gt; applies to:”" in panel
    assert "pq-lead-in" not in sources_html(answer_of(chunks=(chunk_of(text="Plain text."),)))
