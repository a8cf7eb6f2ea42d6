"""`policyqa ask`: one question, or an interactive session that keeps the conversation."""

from __future__ import annotations

import json

import click

from assistant.conversation import Conversation
from assistant.models import Answer
from assistant.pipeline import GENERATORS, Assistant
from index.layout import IndexMismatchError, IndexNotBuiltError
from index.models import SearchFilters
from ingest.settings import Settings


def parse_filters(jurisdiction: str | None, doc: str | None) -> SearchFilters:
    def split(value: str | None) -> frozenset[str]:
        return frozenset(v.strip() for v in (value or "").split(",") if v.strip())

    return SearchFilters(jurisdictions=split(jurisdiction), doc_ids=split(doc))


def format_answer(answer: Answer) -> str:
    """The answer, its unsupported sentences, and its references, as a person reads them in a terminal."""
    lines = [answer.text, ""]
    unsupported = [s for s in answer.sentences if not s.supported]
    for sentence in unsupported:
        lines.append(f"  ! unsupported (support {sentence.support:.2f}): {sentence.text}")
    if unsupported:
        lines.append("")
    shown = answer.citations or ()
    if answer.abstained:
        lines.append("Closest passages:")
        for passage in answer.passages[:3]:
            c = passage.chunk
            lines.append(f"  - {c.title}, p. {_pages(c.page_start, c.page_end)}, {c.section or '(no section)'}")
    for citation in shown:
        c = citation.passage.chunk
        lines.append(f"[{citation.n}] {c.title}, p. {_pages(c.page_start, c.page_end)}, {c.section or '(no section)'}")
        lines.append(f"    “{citation.quote}”")
        if c.url:
            lines.append(f"    {c.url}")
    if not answer.abstained:
        lines.append(f"(support {answer.support:.2f}; {answer.timings_ms.get('total_ms', 0):.0f} ms)")
    return "\n".join(lines)


def _pages(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


@click.command("ask")
@click.argument("question", required=False)
@click.option("-k", "--top-k", "k", type=int, default=None, help="Passages given to the answer writer.")
@click.option("--generator", type=click.Choice(GENERATORS), default=None, help="extractive (default) or llm.")
@click.option("--jurisdiction", default=None, help="Only these jurisdictions, comma-separated (eu,us,oecd,japan,g7).")
@click.option("--doc", default=None, help="Only these document ids, comma-separated.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.pass_obj
def ask(settings: Settings, question: str | None, k: int | None, generator: str | None, jurisdiction: str | None,
        doc: str | None, as_json: bool) -> None:
    """Answer QUESTION with cited passages; without QUESTION, start an interactive session."""
    try:
        assistant = Assistant.load(settings)
    except (IndexNotBuiltError, IndexMismatchError) as exc:
        raise click.ClickException(str(exc)) from exc
    filters = parse_filters(jurisdiction, doc)
    conversation = Conversation()
    questions = [question] if question else _prompted()
    for text in questions:
        answer = assistant.ask(text, k=k, generator=generator, filters=filters, conversation=conversation)
        if as_json:
            click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        else:
            click.echo(format_answer(answer))
        if not question:
            click.echo("")


def _prompted():  # type: ignore[no-untyped-def]
    click.echo("Ask about the indexed AI-policy documents; follow-up questions keep the context. "
               "An empty line or Ctrl-D ends the session.")
    while True:
        try:
            text = click.prompt("?", default="", show_default=False, prompt_suffix=" ")
        except (EOFError, click.Abort):
            return
        if not text.strip():
            return
        yield text
