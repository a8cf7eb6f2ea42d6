"""The Compare tab in the browser: one column per ticked jurisdiction, a citation opens its passage and page, a
jurisdiction whose documents do not treat the topic says so and shows its closest passage, and document text
carrying markup is shown as text."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from ui.web.tabs.compare import CLOSEST_LABEL

COLUMNS = "#pq-compare-columns .pq-column"


def _compare(page: Page, topic: str, tick: tuple[str, ...] = (), untick: tuple[str, ...] = ()) -> None:
    page.get_by_role("tab", name="Compare").click()
    for name in untick:
        page.locator("#pq-compare-jurisdictions label", has_text=name).click()
    for name in tick:
        page.locator("#pq-compare-jurisdictions label", has_text=name).click()
    page.locator("#pq-compare-topic textarea").fill(topic)
    page.locator("#pq-compare").click()


def test_columns_side_by_side_and_a_citation_opens_its_passage_and_page(page: Page, web_url: str,
                                                                        artifacts: Path) -> None:
    page.goto(web_url)
    _compare(page, "Chief AI Officers", untick=("European Union", "OECD", "G7"))
    columns = page.locator(COLUMNS)
    expect(columns).to_have_count(2, timeout=60_000)
    japan, us = columns.nth(0), columns.nth(1)  # in the order of the choices
    expect(japan.locator("h3")).to_have_text("Japan")
    expect(us.locator(".pq-kind")).to_contain_text("agency memorandum")
    expect(japan).to_contain_text("not addressed in the indexed documents")
    expect(japan.locator("a[data-ref]")).to_have_text("Closest passage")
    assert "Chief" in us.inner_text()

    marker = us.locator("a[data-ref]").first
    number = marker.inner_text().strip("[]")
    marker.click()
    detail = page.locator("#pq-compare-detail")
    expect(detail.locator(".pq-n")).to_have_text(f"[{number}]")
    expect(detail.locator("mark")).to_be_visible()
    expect(page.locator("#pq-compare-page img")).to_be_visible()
    assert "#" not in page.url.split("/")[-1]  # the click opened the passage, not an anchor

    japan.locator("a[data-ref]").click()
    expect(detail).to_contain_text("Japan's AI Basic Plan")
    expect(detail.locator(".pq-n")).to_have_text(CLOSEST_LABEL)  # shown, not cited: no number
    page.screenshot(path=str(artifacts / "web-compare.png"), full_page=True)


def test_document_markup_in_a_column_is_shown_as_text(page: Page, web_url: str) -> None:
    page.goto(web_url)
    _compare(page, "Quillfeather Protocol municipal chatbot replies", tick=("Other documents",),
             untick=("Japan", "European Union", "United States", "OECD", "G7"))
    column = page.locator(COLUMNS)
    expect(column).to_have_count(1, timeout=60_000)
    expect(column.locator("h3")).to_have_text("Other documents")
    column.locator("a[data-ref]").first.click()
    expect(page.locator("#pq-compare-detail")).to_contain_text("Quillfeather Protocol <script>alert(1)</script> notes")
    assert page.locator("#pq-compare-columns script, #pq-compare-detail script").count() == 0
    assert page.locator("img[src='x'], a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)  # a script or an onerror handler would have opened its dialog by now
