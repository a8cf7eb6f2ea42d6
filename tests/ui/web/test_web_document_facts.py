"""The facts of an uploaded document in a real browser: a new upload is listed first and opened in the facts
form; its edited facts reach the filters, the answer's citations and sources, and survive a restart; wrong facts
are refused naming the field; facts carrying markup are shown as text; the Compare tab's closest passage of a
column not addressed is labelled, not numbered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from assistant.pipeline import Assistant
from index.embed import Embedder
from ingest.fact_edits import FACTS_FILE, read_fact_edits, save_fact_edit
from ingest.settings import Settings
from tests.conftest import ORDER_FACTS, UPLOADED_ORDER, order_corpus_settings
from tests.ui.conftest import free_port
from ui.web.tabs.compare import CLOSEST_LABEL

UPLOADED = UPLOADED_ORDER.removesuffix(".md")
TITLE = ORDER_FACTS["title"]
QUESTION = "Which existing AI policies and directives does the order revoke as barriers to American AI innovation?"
SAVED_MS = 30_000  # saving loads the index again with the new facts (no embedding, but a busy machine is slow)
HOSTILE_TITLE = "Order <script>alert(1)</script> <img src=x onerror=alert(2)> **bold**"
HOSTILE_ISSUER = "[the portal](javascript:alert(3)) & <b>Council</b>"


@pytest.fixture
def small_app(tmp_path: Path, shared_corpus: Path, small_cache: Path, session_embedder: Embedder) -> Any:
    """`small_app(uploaded=False) -> (settings, url)`: an app over the G7 statement and Japan's plan, the
    executive order among them as an uploaded file when `uploaded`; another call serves the same data again
    (a restart)."""
    from ui.web import create_app, launch_app

    launched: list[Any] = []
    built: list[Settings] = []

    def start(uploaded: bool = False) -> tuple[Settings, str]:
        if not built:
            built.append(order_corpus_settings(tmp_path, shared_corpus, small_cache, session_embedder, uploaded))
        demo = create_app(built[0], Assistant.load(built[0], embedder=session_embedder))
        port = free_port()
        launch_app(demo, built[0], host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
        launched.append(demo)
        return built[0], f"http://127.0.0.1:{port}/"

    yield start
    for demo in launched:
        demo.close()


def document_row(page: Page) -> Any:
    """The uploaded document's row of the Documents table."""
    return page.locator("#pq-documents").get_by_role("row").filter(has_text=f"{UPLOADED}.md")


def choose(page: Page, elem_id: str, label: str) -> None:
    """Pick the option `label` of a dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.locator('[data-testid="dropdown-option"]', has_text=label).first.click()


def fill(page: Page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id} :is(input, textarea)").first.fill(text)


def test_an_upload_is_shown_first_and_its_edited_facts_reach_filters_citations_and_survive_a_restart(
        page: Page, small_app: Any, ask_question: Any, tmp_path: Path, shared_corpus: Path,
        artifacts: Path) -> None:
    settings, url = small_app()
    page.goto(url)
    page.get_by_role("tab", name="Documents").click()
    upload = tmp_path / "upload" / UPLOADED_ORDER
    upload.parent.mkdir()
    shutil.copyfile(shared_corpus / "us-eo-14179-2025.md", upload)
    page.locator("#pq-upload input[type=file]").set_input_files(str(upload))

    expect(page.locator("#pq-status")).to_contain_text("Index updated", timeout=120_000)
    expect(page.locator("#pq-status")).to_contain_text(f"Added {UPLOADED}.md")
    first_row = page.locator("#pq-documents").get_by_role("row").nth(1)  # under the header
    expect(first_row).to_contain_text(UPLOADED)
    expect(first_row).to_contain_text("new upload")
    # the facts form is opened on it, with the facts read from the file
    expect(page.locator("#pq-facts-status")).to_contain_text(f"{UPLOADED} was added with the facts read from")
    expect(page.locator("#pq-facts-doc input")).to_have_value(
        "Removing Barriers to American Leadership in Artificial Intelligence (removing-barriers.md)")
    expect(page.locator("#pq-facts-jurisdiction input")).to_have_value("Other documents")
    page.screenshot(path=str(artifacts / "web-document-facts-upload.png"), full_page=True)

    # before its facts are given, the "Other documents" box of the Ask tab finds it
    page.get_by_role("tab", name="Ask").click()
    page.get_by_text("Filters and options").click()
    page.locator("#pq-jurisdictions label", has_text="Other documents").click()
    answer = ask_question(page, QUESTION)
    assert "Filters: jurisdictions Other documents" in answer, answer
    expect(page.locator("#pq-sources")).to_contain_text("Removing Barriers to American Leadership")

    page.get_by_role("tab", name="Documents").click()
    fill(page, "pq-facts-title", TITLE)
    fill(page, "pq-facts-issuer", "The White House")
    choose(page, "pq-facts-jurisdiction", "United States")
    choose(page, "pq-facts-instrument", "executive order")
    fill(page, "pq-facts-date", "2025-01-23")
    fill(page, "pq-facts-url", "https://www.federalregister.gov/d/2025-02172")
    page.locator("#pq-facts-save").click()
    expect(page.locator("#pq-facts-status")).to_contain_text(f"Saved the facts of {UPLOADED}", timeout=SAVED_MS)
    row = document_row(page)
    for fact in ("us", "executive order", "2025-01-23", TITLE):
        expect(row).to_contain_text(fact)
    assert read_fact_edits(settings.data_dir)[UPLOADED].jurisdiction == "us"

    # a new page: the filters offer it under its title and jurisdiction, the answer cites it with its nature
    page.goto(url)
    page.get_by_text("Filters and options").click()
    page.locator("#pq-jurisdictions label", has_text="United States").click()
    page.locator("#pq-docs input").click()
    expect(page.locator('[data-testid="dropdown-option"]', has_text=TITLE)).to_have_count(1)
    page.keyboard.press("Escape")
    answer = ask_question(page, QUESTION)
    assert "Filters: jurisdictions US" in answer, answer
    sources = page.locator("#pq-sources")
    expect(sources.locator(".pq-title").first).to_have_text(TITLE)
    expect(sources).to_contain_text("Instrument: executive order, 2025-01-23")
    expect(sources).to_contain_text("Issuer: The White House")
    page.locator("#pq-citation label").first.click()
    detail = page.locator("#pq-detail")
    expect(detail).to_contain_text("Instrument: executive order, 2025-01-23")
    expect(detail.locator("a.pq-link")).to_have_attribute("href", "https://www.federalregister.gov/d/2025-02172")
    page.screenshot(path=str(artifacts / "web-document-facts-answer.png"), full_page=True)

    # the facts are in the data dir: another app on the same data shows them
    _, again = small_app()
    page.goto(again)
    page.get_by_role("tab", name="Documents").click()
    expect(document_row(page)).to_contain_text("executive order")
    choose(page, "pq-facts-doc", UPLOADED)
    expect(page.locator("#pq-facts-jurisdiction input")).to_have_value("United States")
    expect(page.locator("#pq-facts-date :is(input, textarea)").first).to_have_value("2025-01-23")


@pytest.mark.robustness
def test_wrong_facts_are_refused_naming_each_field_and_the_default_corpus_is_not_offered(
        page: Page, small_app: Any) -> None:
    settings, url = small_app(uploaded=True)
    page.goto(url)
    page.get_by_role("tab", name="Documents").click()
    expect(page.locator("#pq-facts").first).to_contain_text("Documents of the default corpus are not listed here")
    page.locator("#pq-facts-doc input").click()
    options = page.locator('[data-testid="dropdown-option"]')
    expect(options).to_have_count(1)  # the G7 statement and Japan's plan are the manifest's
    options.first.click()
    expect(page.locator("#pq-facts-title :is(input, textarea)").first).to_have_value(
        "Removing Barriers to American Leadership in Artificial Intelligence")

    fill(page, "pq-facts-date", "23/01/2025")
    fill(page, "pq-facts-url", "javascript:alert(1)")
    page.locator("#pq-facts-save").click()
    status = page.locator("#pq-facts-status")
    expect(status).to_contain_text("Not saved.")
    expect(status).to_contain_text("Date: '23/01/2025' is not a date of the form yyyy-mm-dd")
    expect(status).to_contain_text("Official URL: 'javascript:alert(1)' is not an http:// or https:// address")
    fill(page, "pq-facts-title", "")
    fill(page, "pq-facts-date", "2025-01-23")
    fill(page, "pq-facts-url", "")
    page.locator("#pq-facts-save").click()
    expect(status).to_contain_text("Title: must not be empty")
    assert not (settings.data_dir / FACTS_FILE).exists()


@pytest.mark.robustness
def test_facts_carrying_markup_are_shown_as_text_and_never_run(page: Page, small_app: Any,
                                                               ask_question: Any) -> None:
    settings, url = small_app(uploaded=True)
    page.goto(url)
    page.get_by_role("tab", name="Documents").click()
    choose(page, "pq-facts-doc", UPLOADED)
    fill(page, "pq-facts-title", HOSTILE_TITLE)
    fill(page, "pq-facts-issuer", HOSTILE_ISSUER)
    fill(page, "pq-facts-url", "https://example.org/<script>alert(4)</script>")
    choose(page, "pq-facts-jurisdiction", "United States")  # the question names America: it is searched there
    page.locator("#pq-facts-save").click()
    expect(page.locator("#pq-facts-status")).to_contain_text(f"Saved the facts of {UPLOADED}", timeout=SAVED_MS)
    expect(page.locator("#pq-documents")).to_contain_text(HOSTILE_TITLE)
    stored = json.loads((settings.data_dir / FACTS_FILE).read_text(encoding="utf-8"))
    assert stored["documents"][UPLOADED]["title"] == HOSTILE_TITLE

    fill(page, "pq-facts-date", "<img src=x onerror=alert(5)>")
    page.locator("#pq-facts-save").click()
    expect(page.locator("#pq-facts-status")).to_contain_text("Date: '<img src=x onerror=alert(5)>' is not a date")

    page.get_by_role("tab", name="Ask").click()
    page.get_by_text("Filters and options").click()
    page.locator("#pq-docs input").click()
    expect(page.locator('[data-testid="dropdown-option"]', has_text=HOSTILE_TITLE)).to_have_count(1)
    page.keyboard.press("Escape")
    ask_question(page, QUESTION)
    sources = page.locator("#pq-sources")
    expect(sources).to_contain_text(HOSTILE_TITLE)
    expect(sources).to_contain_text(HOSTILE_ISSUER)
    page.locator("#pq-citation label").first.click()
    expect(page.locator("#pq-detail")).to_contain_text(HOSTILE_TITLE)
    assert page.locator("script:not([src])", has_text="alert").count() == 0
    assert page.locator("img[src='x'], a[href^='javascript']").count() == 0
    assert page.locator("b, strong", has_text="Council").count() == 0
    assert page.locator("b, strong", has_text="bold").count() == 0
    page.wait_for_timeout(300)  # a script or an onerror handler would have opened its dialog by now


def test_the_closest_passage_of_a_column_not_addressed_is_labelled_not_numbered(
        page: Page, small_app: Any, session_embedder: Embedder) -> None:
    settings, url = small_app(uploaded=True)
    save_fact_edit(settings, UPLOADED, ORDER_FACTS)  # as `policyqa corpus facts` would, beside the app
    page.goto(url)  # the app loads the saved facts at the next request
    page.get_by_role("tab", name="Compare").click()
    for name in ("European Union", "OECD", "G7"):
        page.locator("#pq-compare-jurisdictions label", has_text=name).click()
    page.locator("#pq-compare-topic textarea").fill("Chief AI Officers")
    page.locator("#pq-compare").click()
    columns = page.locator("#pq-compare-columns .pq-column")
    expect(columns).to_have_count(2, timeout=60_000)
    united_states = columns.filter(has=page.locator("h3", has_text="United States"))
    expect(united_states.locator(".pq-kind")).to_have_text("executive order")
    japan = columns.filter(has=page.locator("h3", has_text="Japan"))
    expect(japan).to_contain_text("not addressed in the indexed documents")
    japan.locator("a[data-ref]").click()
    detail = page.locator("#pq-compare-detail")
    expect(detail.locator(".pq-n")).to_have_text(CLOSEST_LABEL)
    expect(detail).to_contain_text("Japan's AI Basic Plan")
    expect(detail).to_contain_text("Instrument: report, 2026-03-09")
    assert "[0]" not in detail.inner_text()
