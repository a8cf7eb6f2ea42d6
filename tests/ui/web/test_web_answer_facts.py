"""What each answer shows in the browser besides its text: the follow-up as it was searched, the filters the
search used (chosen or carried by a follow-up), the pipeline's notices, the writer; list answers as lists."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from assistant.pipeline import NOT_ENGLISH

BOT = '#pq-chat [data-testid="bot"]'


def test_a_list_answer_is_a_list_whose_items_cite_their_passages(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question) -> None:
    page.goto(web_url)
    answer = ask_question(page, "Which AI practices are prohibited by the EU AI Act?")

    items = page.locator(f"{BOT} ul > li")
    assert items.count() >= 3, answer
    for i in range(items.count()):
        expect(items.nth(i).locator('a[href^="#pq-cite-1-"]')).to_have_count(1)
    assert "Written by: extractive" in answer and "Filters:" in answer
    assert "Searched in: EU Artificial Intelligence Act" in answer  # the question names the AI Act
    assert "Searched as" not in answer  # asked as written


def test_a_rewritten_follow_up_shows_what_was_searched_and_the_filter_it_carried(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question) -> None:
    page.goto(web_url)
    ask_question(page, "How does the EU AI Act treat emotion recognition at work?")
    answer = ask_question(page, "And what about the US?", turn=2)

    searched = [line for line in answer.splitlines() if line.startswith("Searched as: ")]
    assert len(searched) == 1 and "emotion recognition" in searched[0].lower(), answer
    assert "Filters: jurisdictions US" in answer


def test_chosen_filters_and_notices_are_shown_with_the_answer(  # type: ignore[no-untyped-def]
        page: Page, web_url: str, ask_question) -> None:
    page.goto(web_url)
    page.get_by_text("Filters and options").click()
    page.locator("#pq-jurisdictions label", has_text="Japan").click()
    answer = ask_question(page, "What is the goal of the AI Basic Plan?")
    assert "Filters: jurisdictions Japan" in answer, answer

    answer = ask_question(page, "従業員の感情をAIで検出してもよいですか？", turn=2)
    assert f"Note: {NOT_ENGLISH}" in answer, answer
