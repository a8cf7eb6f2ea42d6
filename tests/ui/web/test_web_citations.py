"""A click on a `[n]` marker of the chat opens that citation in the browser: its card marked in the sources
panel, the whole passage with its quote, the rendered PDF page and the official link at that page; a marker
of an earlier answer opens that answer's citation."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

BOT = '#pq-chat [data-testid="bot"]'


def test_a_marker_opens_its_passage_page_and_official_link_at_the_page(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question, artifacts: Path) -> None:
    page.goto(web_url)
    ask_question(page, "May employers use AI to detect how their staff feel?")
    markers = page.locator(f'{BOT} a[href^="#pq-cite-1-"]')
    assert markers.count() >= 1
    expect(page.locator("#pq-detail .pq-source")).to_have_count(0)  # nothing opened yet

    for i in range(markers.count()):
        marker = markers.nth(i)
        number = marker.inner_text().strip("[]")
        if i == markers.count() - 1:
            marker.focus()  # a marker is a link: the keyboard opens it too
            page.keyboard.press("Enter")
        else:
            marker.click()
        detail = page.locator("#pq-detail")
        expect(detail.locator(".pq-n")).to_have_text(f"[{number}]")
        expect(page.locator("#pq-sources .pq-selected .pq-n")).to_have_text(f"[{number}]")
        expect(detail.locator("mark")).to_be_visible()
        expect(page.locator("#pq-citation input:checked")).to_have_value(number)
    assert "#pq-cite" not in page.url  # the click opened the citation, not an anchor

    marker = page.locator(f'{BOT} a[href^="#pq-cite-1-"]', has_text="[1]").first
    marker.click()
    detail = page.locator("#pq-detail")
    expect(detail).to_contain_text("Artificial Intelligence Act")
    expect(detail).to_contain_text("Instrument: binding law (regulation), 2024-06-13")  # what kind of text, when
    shown_page = re.search(r"Page: (\d+)", detail.inner_text())
    assert shown_page, detail.inner_text()
    link = detail.locator("a.pq-link")
    assert link.get_attribute("href").endswith(f"#page={shown_page.group(1)}")  # type: ignore[union-attr]
    assert link.get_attribute("target") == "_blank"
    image = page.locator("#pq-page img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 300
    expect(page.locator("#pq-page")).to_contain_text(f"Page {shown_page.group(1)} of eu-ai-act-2024-1689.pdf")
    page.screenshot(path=str(artifacts / "web-marker-opened.png"), full_page=True)


def test_a_marker_of_an_earlier_answer_opens_that_answers_citation(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question) -> None:
    page.goto(web_url)
    ask_question(page, "May employers use AI to detect how their staff feel?")
    ask_question(page, "What are the four functions of the AI RMF?", turn=2)
    sources = page.locator("#pq-sources")
    expect(sources.locator(".pq-note").first).to_contain_text("Cited by answer 2")

    page.locator(f'{BOT} a[href^="#pq-cite-1-"]').first.click()
    expect(sources.locator(".pq-note").first).to_contain_text("Cited by answer 1: May employers")
    expect(page.locator("#pq-detail .pq-title")).to_contain_text("Artificial Intelligence Act")
    assert "NIST AI" not in sources.inner_text()

    page.locator(f'{BOT} a[href^="#pq-cite-2-"]').first.click()
    expect(sources.locator(".pq-note").first).to_contain_text("Cited by answer 2")
    # the AI RMF or its Playbook: "the AI RMF" routes to the NIST documents whose titles name it
    expect(page.locator("#pq-detail .pq-title")).to_contain_text("NIST AI")
