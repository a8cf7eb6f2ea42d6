"""The chat in a real browser: a streamed, cited answer whose citation opens its passage and PDF page, and a
follow-up question answered about the subject of the first."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout


def test_answer_cites_passages_and_a_citation_opens_its_passage_and_page(
        page: Page, web_url: str, ask_question, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_url)
    answer = ask_question(page, "May employers use AI to detect how their staff feel?")

    assert re.search(r"\[\d+\]", answer), answer  # a citation marker
    sources = page.locator("#pq-sources")
    expect(sources.locator(".pq-source").first).to_be_visible()
    expect(sources.locator("mark").first).to_be_visible()  # the quoted sentence, highlighted in its passage
    markdown = page.locator("#pq-markdown textarea").input_value()
    assert "References:" in markdown and re.search(r"^\[\d+\] ", markdown, re.MULTILINE), markdown
    page.screenshot(path=str(artifacts / "web-chat.png"), full_page=True)

    choices = page.locator("#pq-citation label")
    assert choices.count() >= 1
    shown_page = False
    for i in range(choices.count()):
        label = choices.nth(i).inner_text()
        number = re.search(r"p\. (\d+)", label)
        assert number, label
        choices.nth(i).click()
        detail = page.locator("#pq-detail")
        expect(detail).to_contain_text(f"Page: {number.group(1)}")
        expect(detail.locator("mark")).to_be_visible()
        image = page.locator("#pq-page img")
        try:
            image.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeout:
            is_pdf = False  # a Markdown, text or HTML document: no page image
        else:
            is_pdf = True
        if not is_pdf:
            continue
        assert image.evaluate("img => img.naturalWidth") > 300
        shown_page = True
        break
    assert shown_page, "no cited passage showed its PDF page"
    page.locator("#pq-sources").screenshot(path=str(artifacts / "web-sources.png"))
    page.screenshot(path=str(artifacts / "web-citation.png"), full_page=True)


def test_follow_up_question_is_answered_about_the_first_questions_subject(
        page: Page, web_url: str, ask_question) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_url)
    ask_question(page, "What does the EU AI Act say about deep fakes?")
    ask_question(page, "What are the penalties for that?", turn=2)

    # Alone, "What are the penalties for that?" retrieves Article 99; with the first turn, deep fakes.
    expect(page.locator('#pq-chat [data-testid="user"]')).to_have_count(2)
    sources = page.locator("#pq-sources").inner_text().lower()
    assert "deep fake" in sources, sources
    assert "artificial intelligence act" in sources, sources
