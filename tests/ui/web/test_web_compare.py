"""The Compare tab in the browser: one column per ticked jurisdiction, a citation opens its passage and page, a
jurisdiction whose documents do not treat the topic says so and shows its closest passage, document text
carrying markup is shown as text, and "Write summaries" puts the answer model's sentence above each column (or
says how to install a model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from assistant.pipeline import Assistant
from index.embed import Embedder
from ingest.settings import Settings
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
    us, japan = columns.nth(0), columns.nth(1)  # in the order of the choices: the manifest's
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


def _app(serve, web_settings: Settings, embedder: Embedder, **llm: str) -> str:  # type: ignore[no-untyped-def]
    from ui.web import create_app

    settings = web_settings.replace(**llm)
    return str(serve(create_app(settings, Assistant.load(settings, embedder=embedder)), settings))


def test_summaries_without_a_model_say_how_to_install_one(page: Page, serve, web_settings: Settings,  # type: ignore[no-untyped-def]
                                                          session_embedder: Embedder, tmp_path: Path) -> None:
    page.goto(_app(serve, web_settings, session_embedder, model_dir=str(tmp_path), llm_base_url="",
                   llm_gguf_path=""))
    _compare(page, "Chief AI Officers", untick=("European Union", "OECD", "Japan", "G7"))
    expect(page.locator(COLUMNS)).to_have_count(1, timeout=60_000)
    page.locator("#pq-compare-summarise").click()
    expect(page.locator("#pq-compare-columns .pq-note")).to_contain_text("policyqa model install", timeout=30_000)
    expect(page.locator(COLUMNS)).to_contain_text("Chief AI Officer")  # the columns stay


@pytest.mark.llm
def test_summaries_by_the_test_model_stand_above_each_column(page: Page, serve, web_settings: Settings,  # type: ignore[no-untyped-def]
                                                             session_embedder: Embedder, smollm_model: Path) -> None:
    page.goto(_app(serve, web_settings, session_embedder, llm_local_model="smollm2-135m",
                   model_dir=str(smollm_model.parent)))
    _compare(page, "Chief AI Officers", untick=("European Union", "OECD", "Japan", "G7"))
    column = page.locator(COLUMNS)
    expect(column).to_have_count(1, timeout=60_000)
    page.locator("#pq-compare-summarise").click()
    # shown when the citation check passes it, else the column says why there is none
    summary = column.locator(".pq-summary, .pq-nosum")
    expect(summary).to_have_count(1, timeout=120_000)
    assert column.locator("p").first.get_attribute("class") in ("pq-summary", "pq-nosum")  # above the sentences
