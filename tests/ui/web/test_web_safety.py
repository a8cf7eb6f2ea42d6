"""Document text carrying markup renders as text everywhere in the browser and runs nothing; without an index
the UI explains how to build one."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from ingest.settings import Settings


def test_document_markup_is_shown_as_text_and_never_runs(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question) -> None:
    page.goto(web_url)
    answer = ask_question(page, "What does the Quillfeather Protocol ban inside municipal chatbot replies?")

    assert '<script>alert("xss")</script>' in answer, answer
    sources = page.locator("#pq-sources")
    expect(sources).to_contain_text("Quillfeather Protocol <script>alert(1)</script> notes")
    expect(sources).to_contain_text("[the Quillfeather portal](javascript:alert(2))")
    expect(sources).to_contain_text("<img src=x onerror=alert(3)> shows its **logo**")
    page.locator("#pq-citation label").first.click()
    expect(page.locator("#pq-detail")).to_contain_text("<script>alert(1)</script>")
    # nothing from the document became an element
    assert page.locator("#pq-chat script, #pq-sources script, #pq-detail script").count() == 0
    assert page.locator("img[src='x'], a[href^='javascript']").count() == 0

    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#pq-documents")
    expect(table).to_contain_text("Quillfeather Protocol <script>alert(1)</script> notes")
    page.wait_for_timeout(300)  # a script or an onerror handler would have opened its dialog by now


def test_missing_index_shows_how_to_build_it(  # type: ignore[no-untyped-def]
        page: Page, serve, tmp_path: Path) -> None:
    from ui.web import create_app

    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    page.goto(serve(create_app(settings), settings))
    notice = page.locator("#pq-missing-index")
    expect(notice).to_contain_text("There is no usable index yet")
    expect(notice).to_contain_text("policyqa index build")
