"""In the browser the answer grows as it is composed, in several steps with a cursor, and only then do its
citations appear: links on its markers and the cited passages in the sources panel."""

from __future__ import annotations

import itertools

from playwright.sync_api import Page

# Records every text the last answer of the chat shows, and what the page shows beside it at that moment.
RECORD_STEPS = """() => {
  window.pqSteps = [];
  const chat = document.querySelector('#pq-chat');
  new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    if (!bots.length) return;
    const last = bots[bots.length - 1];
    const steps = window.pqSteps;
    const step = {text: last.innerText, links: last.querySelectorAll('a[href^="#pq-cite-"]').length,
                  cards: document.querySelectorAll('#pq-sources .pq-source').length};
    if (!steps.length || steps[steps.length - 1].text !== step.text) steps.push(step);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


def test_answer_text_grows_in_steps_then_its_citations_appear(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question) -> None:
    page.goto(web_url)
    page.wait_for_selector("#pq-chat")
    page.evaluate(RECORD_STEPS)
    final = ask_question(page, "Which characteristics of trustworthy AI does the NIST AI Risk Management "
                               "Framework identify?")
    page.wait_for_timeout(300)
    steps = page.evaluate("window.pqSteps")

    growing = [s for s in steps if "▍" in s["text"]]
    assert len(growing) >= 3, steps
    texts = [s["text"].replace("▍", "").strip() for s in growing]
    assert all(len(a) < len(b) for a, b in itertools.pairwise(texts)), texts
    assert all(s["links"] == 0 and s["cards"] == 0 for s in growing), growing
    assert steps[-1]["links"] >= 1 and "▍" not in steps[-1]["text"]
    assert texts[0].split()[0] in final and page.locator("#pq-sources .pq-source").count() >= 1
