"""Markdown front matter: the title is read with YAML's escapes, and non-ASCII titles survive."""

from __future__ import annotations

import warnings
from pathlib import Path

from ingest.loaders.text import front_matter_title, markdown_to_plain


def test_real_front_matter_title_is_decoded_without_warnings(shared_corpus: Path) -> None:
    text = (shared_corpus / "g7-leaders-statement-hiroshima-ai-process-2023.md").read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        title = front_matter_title(text)
    assert title == "G7 Leaders\u2019 Statement on the Hiroshima AI\u00a0Process"


def test_plain_and_single_quoted_titles_keep_non_ascii_characters() -> None:
    assert front_matter_title("---\ntitle: Stratégie française d’IA\n---\nx") == "Stratégie française d’IA"
    assert front_matter_title("---\ntitle: 'AI 基本計画'\n---\nx") == "AI 基本計画"
    assert front_matter_title("# No front matter") == ""


def test_front_matter_is_dropped_from_the_text() -> None:
    assert markdown_to_plain("---\ntitle: T\n---\n# Heading\nBody") == "# Heading\nBody"
