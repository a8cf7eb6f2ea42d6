"""The Documents tab in a real browser: an uploaded PDF is stored, indexed in the background, listed, and
cited by the next answer."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from ingest.settings import Settings

SENTENCE = "The Zephyr Accord requires quarterly audits of municipal chatbots."
DETAILS = ("Each audit of a municipal chatbot under the Zephyr Accord is carried out by an independent "
           "examiner, who checks the accuracy of its answers, the complaints residents filed and the records "
           "of its replies. The examiner's report on each municipal chatbot is published within thirty days.")


def make_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("The Zephyr Accord on Municipal Chatbots")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, f"The Zephyr Accord on Municipal Chatbots\n\n{SENTENCE} {DETAILS}")
    pdf.output(str(path))
    return path


def test_uploaded_pdf_is_indexed_and_cited(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, web_settings: Settings, ask_question, tmp_path: Path,
        artifacts: Path) -> None:
    upload = make_pdf(tmp_path / "Zephyr Accord (draft).pdf")
    page.goto(web_url)
    page.get_by_role("tab", name="Documents").click()
    page.locator("#pq-upload input[type=file]").set_input_files(str(upload))

    status = page.locator("#pq-status")
    expect(status).to_contain_text("Added Zephyr-Accord-draft.pdf", timeout=30_000)
    expect(status).to_contain_text("Index updated", timeout=120_000)
    assert (Path(web_settings.corpus_dir) / "Zephyr-Accord-draft.pdf").is_file()
    expect(page.locator("#pq-documents")).to_contain_text("Zephyr-Accord-draft")
    page.screenshot(path=str(artifacts / "web-documents.png"), full_page=True)

    page.get_by_role("tab", name="Ask").click()
    answer = ask_question(page, "How often does the Zephyr Accord require audits of municipal chatbots?")
    assert "quarterly" in answer.lower(), answer
    expect(page.locator("#pq-sources")).to_contain_text("Zephyr Accord")
    expect(page.locator("#pq-sources mark").first).to_contain_text("quarterly audits")
