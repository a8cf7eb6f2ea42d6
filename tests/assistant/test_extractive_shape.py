"""Pure text rules of the extractive writer, on real provisions of the corpus."""

from __future__ import annotations

from assistant.writers.extractive import display_text, list_items

ARTICLE_5 = ("1. The following AI practices shall be prohibited:\n"
             "(a) the placing on the market, the putting into service or the use of an AI system that deploys "
             "subliminal techniques beyond a person's consciousness;\n"
             "(b) the placing on the market, the putting into service or the use of an AI system that exploits any "
             "of the vulnerabilities of a natural person;")


def test_list_labels_are_dropped_from_what_is_shown() -> None:
    assert display_text("3. Non-compliance with the prohibition shall be subject to fines.") == (
        "Non-compliance with the prohibition shall be subject to fines.")
    assert display_text("(f) the placing on the market of AI systems") == "the placing on the market of AI systems"
    assert display_text("(iv) ensure testing") == "ensure testing"
    assert display_text("10^25 floating point operations") == "10^25 floating point operations"
    assert display_text("2026 is the year") == "2026 is the year"


def test_items_of_an_enumeration_are_found_verbatim() -> None:
    items = list_items(ARTICLE_5)
    assert [i[:3] for i in items] == ["(a)", "(b)"]
    assert all(i in ARTICLE_5 for i in items)


def test_a_numbered_paragraph_with_a_colon_is_not_an_item_of_its_own_list() -> None:
    assert not any(i.startswith("1.") for i in list_items(ARTICLE_5)[1:])


def test_sub_items_numbered_in_roman_are_not_items_of_the_lettered_list() -> None:
    text = ("(g) the use of biometric categorisation systems;\n(h) the use of remote biometric identification, "
            "unless strictly necessary for one of the following objectives:\n(i) the targeted search for "
            "specific victims of abduction;\n(ii) the prevention of a specific threat to life;")
    assert [i[:3] for i in list_items(text)] == ["(g)", "(h)"]
