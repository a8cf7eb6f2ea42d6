"""The Crosswalk tab in the browser: the heatmap of a frame against every indexed document, made once then read
from the cache, a click on a cell shows its passages and the page of the first; frame and document text carrying
markup are shown as text."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from assistant.pipeline import Assistant
from index.embed import Embedder
from ingest.settings import Settings

FRAME = """id = "quill"
label = "Record-keeping <img src=x onerror=alert(1)>"

[[item]]
id = "logs"
label = "Chatbot reply logs <b>kept</b>"
sentence = "Every reply of a chatbot or AI system is logged and the logs are kept for a period."
"""


def test_heatmap_cells_open_their_passages_and_pages_and_the_cache_serves_it_again(
        page: Page, serve, web_settings: Settings, session_embedder: Embedder, tmp_path: Path,
        artifacts: Path) -> None:
    from ui.web import create_app

    shutil.copy(web_settings.manifest_path, tmp_path / "sources.toml")
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "quill.toml").write_text(FRAME, encoding="utf-8")
    settings = web_settings.replace(manifest_path=tmp_path / "sources.toml")
    page.goto(serve(create_app(settings, Assistant.load(settings, embedder=session_embedder)), settings))
    page.get_by_role("tab", name="Crosswalk").click()
    page.locator("#pq-crosswalk").click()
    status = page.locator("#pq-crosswalk-status")
    expect(status).to_contain_text("made in", timeout=90_000)
    expect(status).to_contain_text("Record-keeping <img src=x onerror=alert(1)>")
    heatmap = page.locator("#pq-heatmap")
    expect(heatmap.locator("tr")).to_have_count(2)  # the heading row and the one item
    expect(heatmap.locator("td")).to_have_count(14)  # the 13 shipped documents and the hostile one
    expect(heatmap.locator("th.pq-item")).to_have_text("logs Chatbot reply logs <b>kept</b>")

    columns = [t.strip() for t in heatmap.locator("th.pq-col").all_inner_texts()]
    hostile = columns.index("quillfeather-notes")
    heatmap.locator("td a").nth(hostile).click()
    cell = page.locator("#pq-cell")
    expect(cell).to_contain_text("Quillfeather Protocol <script>alert(1)</script> notes")
    expect(page.locator("#pq-crosswalk-page img")).to_have_count(0)  # a text file has no page to show

    eu = columns.index("eu-ai-act-2024-1689")
    heatmap.locator("td a").nth(eu).click()
    expect(cell).to_contain_text("eu-ai-act-2024-1689")
    expect(page.locator("#pq-crosswalk-page img")).to_be_visible()
    assert "#cell" not in page.url  # the click opened the cell, not an anchor
    assert page.locator("#pq-heatmap script, #pq-cell script, #pq-crosswalk-status img").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(artifacts / "web-crosswalk.png"), full_page=True)

    page.locator("#pq-crosswalk").click()
    expect(status).to_contain_text("from the cache")
    page.wait_for_timeout(300)  # a script or an onerror handler would have opened its dialog by now
