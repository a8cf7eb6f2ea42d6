"""The "Write an answer" button in the browser: without an installed model it says, in one line, how to
install one, and the quoted answer stays; with a model (slow) the written answer streams in below the quoted
one, checked and cited, while a second user waits their turn and is told how many are ahead."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from assistant.pipeline import Assistant
from index.embed import Embedder
from index.local_models import installed_path, model_folder
from ingest.settings import Settings

BOT = '#pq-chat [data-testid="bot"]'


@pytest.fixture
def no_model_url(serve, web_settings: Settings, session_embedder: Embedder,  # type: ignore[no-untyped-def]
                 tmp_path: Path) -> str:
    """The app over the same index with an empty model folder and no endpoint: no model is installed."""
    from ui.web import create_app

    settings = web_settings.replace(model_dir=tmp_path / "models", llm_base_url="", llm_gguf_path="")
    return str(serve(create_app(settings, Assistant.load(settings, embedder=session_embedder)), settings))


def test_without_a_model_the_button_says_how_to_install_one(  # type: ignore[no-untyped-def]
        page: Page, no_model_url: str, ask_question, artifacts: Path) -> None:
    page.goto(no_model_url)
    status = page.locator("#pq-write-status")
    page.locator("#pq-write").click()
    expect(status).to_contain_text("Ask a question first")

    answer = ask_question(page, "May employers use AI to detect how their staff feel?")
    page.locator("#pq-write").click()
    expect(status).to_contain_text("policyqa model install")
    line = status.inner_text().strip()
    assert "\n" not in line and "Traceback" not in page.content() and "Error" not in line, line
    assert page.locator(f"{BOT}").last.inner_text() == answer  # the quoted answer stays, nothing added
    page.screenshot(path=str(artifacts / "web-write-no-model.png"), full_page=True)


def test_choosing_the_llm_writer_without_a_model_still_answers_at_once(  # type: ignore[no-untyped-def]
        page: Page, no_model_url: str, ask_question) -> None:
    page.goto(no_model_url)
    page.get_by_text("Filters and options").click()
    page.locator("#pq-generator label", has_text="(llm)").click()
    answer = ask_question(page, "What are the four functions of the AI RMF?")
    assert "Written by: extractive" in answer
    expect(page.locator("#pq-write-status")).to_contain_text("policyqa model install")


def _model_installed(settings: Settings) -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return installed_path(settings.llm_local_model, model_folder(settings.model_dir)) is not None


@pytest.mark.slow
@pytest.mark.llm
def test_written_answers_stream_below_the_quoted_ones_one_user_at_a_time(  # type: ignore[no-untyped-def]
        browser, web_url: str, web_settings: Settings, ask_question, artifacts: Path) -> None:
    if not _model_installed(web_settings):
        pytest.skip(f"no local model {web_settings.llm_local_model}: `policyqa model install`, llm extra")
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    for page in (first, second):
        page.set_default_timeout(30_000)
        page.goto(web_url)
        ask_question(page, "What are the four functions of the AI RMF?")
    first.locator("#pq-write").click()
    expect(first.locator("#pq-write-status")).to_contain_text("Writing")
    second.locator("#pq-write").click()
    expect(second.locator("#pq-write-status")).to_contain_text("Waiting: 1 ahead of you.")
    expect(second.locator("#pq-chat")).to_contain_text("Waiting for the model: 1 ahead of you")

    for page in (first, second):
        expect(page.locator("#pq-write-status")).to_contain_text("Written by: ", timeout=240_000)
        written = page.locator(BOT).last
        expect(written).to_contain_text("Written answer")
        expect(written).to_contain_text("Written by: ")
        markers = written.locator('a[href^="#pq-cite-1w-"]')  # also when it fell back to the quoted text
        assert markers.count() >= 1
        markers.first.click()
        expect(page.locator("#pq-sources .pq-note").first).to_contain_text("Cited by the written answer 1")
        expect(page.locator("#pq-detail mark")).to_be_visible()
    first.screenshot(path=str(artifacts / "web-written-answer.png"), full_page=True)
    for context in contexts:
        context.close()
