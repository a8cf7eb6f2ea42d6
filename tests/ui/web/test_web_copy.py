"""Copy as Markdown in the browser: the copy button puts the whole conversation on the clipboard (every
turn's question, the question as searched when rewritten, the answer and its references), or the answer in
focus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page


@pytest.fixture
def clipboard_page(browser: object) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def test_the_whole_conversation_is_copied_as_markdown(  # type: ignore[no-untyped-def]
        clipboard_page: Page, web_url: str, ask_question) -> None:
    page = clipboard_page
    page.goto(web_url)
    ask_question(page, "What does the EU AI Act say about deep fakes?")
    ask_question(page, "What are the penalties for that?", turn=2)
    box = page.locator("#pq-markdown textarea")
    assert not box.input_value().startswith("## 1.")  # the last answer, by default

    page.locator("#pq-copy-scope label", has_text="The whole conversation").click()
    page.wait_for_function("() => document.querySelector('#pq-markdown textarea').value.startsWith('## 1.')")
    page.locator("#pq-markdown button[aria-label='Copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")

    first, second = copied.split("\n## 2. ")
    assert first.startswith("## 1. What does the EU AI Act say about deep fakes?\n")
    assert "References:" in first and "Searched as" not in first
    assert second.startswith("What are the penalties for that?\n")
    assert "Searched as: " in second and "References:" in second
    assert "\n[1] " in first and "\n[1] " in second and "Written by: extractive" in second
    assert copied == box.input_value()
