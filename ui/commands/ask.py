"""`policyqa ask`: one question, or an interactive session that keeps the conversation.

A running `policyqa ui` or `policyqa serve` answers when it shares this data directory, settings, index
version and code (ui/answer_service); otherwise this process loads the index and the model. Same output.

>>> print(format_answer(answer, {"eu-ai-act-2024-1689": "EU AI Act"}))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import click

from assistant.models import Answer
from ingest.enumerations import lead_in_note
from ingest.models import Chunk
from ingest.settings import Settings
from ui.answer_service.client import RemoteSession
from ui.answer_service.protocol import AskOptions
from ui.commands.filters import DOC_HELP, JURISDICTION_HELP, parse_filters, registry_codes
from ui.limits import check_question

if TYPE_CHECKING:  # loading the pipeline costs about a second, paid only when this process answers
    from assistant.conversation import Conversation
    from assistant.pipeline import Assistant


def format_answer(answer: Answer, titles: Mapping[str, str] | None = None,
                  kinds: Mapping[str, str] | None = None, jurisdiction_names: Mapping[str, str] | None = None) -> str:
    """The answer as a person reads it in a terminal: its text and unsupported sentences, what it was built
    from (notices, the question as searched, the filters, the writer), and its references. `titles` names
    documents by id (the index's titles); a document not in it is named by a passage, else by its id. `kinds`
    gives a document's instrument type and date (`document_kind`), shown with each reference to it: a report
    on a plan must not read as the plan itself. `jurisdiction_names` (the registry's) names the filters'
    jurisdictions."""
    kinds = kinds or {}
    lines = [answer.text, ""]
    unsupported = [s for s in answer.sentences if not s.supported]
    for sentence in unsupported:
        lines.append(f"  ! unsupported (support {sentence.support:.2f}): {sentence.text}")
    if unsupported:
        lines.append("")
    named = {**{p.chunk.doc_id: p.chunk.title for p in answer.passages}, **(titles or {})}
    built_from = _built_from(answer, named, jurisdiction_names or {})
    if built_from:
        lines += [*built_from, ""]
    if answer.abstained:
        lines.append("Closest passages:")
        for passage in answer.passages[:3]:
            lines.append(f"  - {_reference(passage.chunk, passage.chunk.printed_pages(), kinds)}")
    for citation in answer.citations:
        c = citation.passage.chunk  # numbers run in the order cited: never look a citation up by its number
        lines.append(f"[{citation.n}] {_reference(c, citation.printed_pages, kinds)}")
        if c.lead_in:  # the quote is an item of a list whose lead-in stands before the passage
            lines.append(f"    {lead_in_note(c.lead_in)}")
        lines.append(f"    “{citation.quote}”")
        if c.url:
            lines.append(f"    {page_link(c.url, citation.sheets[0])}")
    if not answer.abstained:
        lines.append(f"(support {answer.support:.2f}; {answer.timings_ms.get('total_ms', 0):.0f} ms)")
    return "\n".join(lines)


def _built_from(answer: Answer, titles: Mapping[str, str], jurisdiction_names: Mapping[str, str]) -> list[str]:
    lines = list(answer.notices)
    searched = answer.standalone_question
    if searched and searched.strip() != answer.question.strip():
        lines.append(f"Searched as: {searched}")
    filters = answer.filters
    if filters is not None and filters.active:
        parts = []
        if filters.jurisdictions:
            names = (jurisdiction_names.get(j, j) for j in sorted(filters.jurisdictions))
            parts.append("jurisdictions " + ", ".join(names))
        if filters.doc_ids:
            parts.append("documents " + ", ".join(titles.get(d, d) for d in sorted(filters.doc_ids)))
        lines.append(f"Filters: {'; '.join(parts)}")
    if answer.searched_in:
        lines.append(f"Searched in: {'; '.join(answer.searched_in)} (first; then all documents)")
    if answer.writer:
        removed = answer.removed_sentences
        noun = "sentence" if removed == 1 else "sentences"
        checks = f"; {removed} {noun} removed by the checks" if removed > 0 else ""
        lines.append(f"Written by: {answer.writer}{checks}")
    return lines


def document_kind(entry: Mapping[str, object]) -> str:
    """A document's instrument type and date from its manifest facts: "report, 2026-03-09"; "" when neither.

    >>> document_kind({"instrument": "executive order", "date": "2023-10-30"})
    'executive order, 2023-10-30'
    """
    return ", ".join(str(entry[key]) for key in ("instrument", "date") if entry.get(key))


def _reference(chunk: Chunk, printed: str, kinds: Mapping[str, str]) -> str:
    """Title (with its instrument type and date), printed pages ("p. 12", "88 FR 75223") and section; the link
    beneath opens the PDF sheet."""
    kind = kinds.get(chunk.doc_id, "")
    return f"{chunk.title}{f' ({kind})' if kind else ''}, {printed}, {chunk.section or '(no section)'}"


def page_link(url: str, page: int) -> str:
    """The link that opens a PDF at `page` (`#page=N`, which browsers' PDF viewers follow); others unchanged.
    A PDF link is one whose path ends in `.pdf` or in a `/PDF/` segment (EUR-Lex).

    >>> page_link("https://nvlpubs.nist.gov/nistpubs/ai/NIST.AI.100-1.pdf", 25)
    'https://nvlpubs.nist.gov/nistpubs/ai/NIST.AI.100-1.pdf#page=25'
    >>> page_link("https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=OJ:L_202401689", 5)
    'https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=OJ:L_202401689#page=5'
    >>> page_link("https://airc.nist.gov/AI_RMF_Knowledge_Base/Playbook", 3)
    'https://airc.nist.gov/AI_RMF_Knowledge_Base/Playbook'
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or not (segments[-1].endswith(".pdf") or segments[-1] == "pdf") or page < 1:
        return url
    return urlunsplit(parts._replace(fragment=f"page={page}"))


def answer_text(assistant: Assistant, question: str, options: AskOptions, conversation: Conversation) -> str:
    """What `ask` prints for `question`, in this process or in the one that serves it."""
    answer = assistant.ask(question, k=options.k, generator=options.generator, filters=options.filters,
                           conversation=conversation)
    if options.as_json:
        return json.dumps(answer.to_dict(), indent=2, ensure_ascii=False)
    documents = assistant.searcher.manifest.documents
    titles = {doc_id: record.entry.get("title", doc_id) for doc_id, record in documents.items()}
    kinds = {doc_id: document_kind(record.entry) for doc_id, record in documents.items()}
    return format_answer(answer, titles, kinds, {j.code: j.name for j in assistant.registry.jurisdictions})


class AskSession:
    """The questions of one `ask`, answered by a running policyqa when one can, else here. When that process
    goes away mid-session, this one loads the index and replays the earlier questions, so that a follow-up
    keeps its context."""

    def __init__(self, settings: Settings, options: AskOptions) -> None:
        self.settings = settings
        self.options = options
        self.remote = RemoteSession.open(settings, options)
        self.asked: list[str] = []
        # without a running policyqa, load now: a missing index is reported before any prompt
        self._local = self._load() if self.remote is None else None

    def answer(self, question: str) -> str:
        output = self.remote.ask(question) if self.remote is not None else None
        if output is None:
            self.remote = None
            output = self._answer_here(question)
        self.asked.append(question)
        return output

    def close(self) -> None:
        if self.remote is not None:
            self.remote.close()

    def _answer_here(self, question: str) -> str:
        replay = self._local is None
        if self._local is None:
            self._local = self._load()
        assistant, conversation = self._local
        for earlier in self.asked if replay else ():
            answer_text(assistant, earlier, self.options, conversation)
        return answer_text(assistant, question, self.options, conversation)

    def _load(self) -> tuple[Assistant, Conversation]:
        from assistant.conversation import Conversation
        from assistant.pipeline import Assistant
        from index.embed import use_query_threads
        from index.layout import IndexMismatchError, IndexNotBuiltError

        use_query_threads()
        try:
            return Assistant.load(self.settings), Conversation()
        except (IndexNotBuiltError, IndexMismatchError) as exc:
            raise click.ClickException(str(exc)) from exc


def _generator(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from assistant.pipeline import GENERATORS  # only when the option is given: the import is slow

    return str(click.Choice(GENERATORS).convert(value, param, ctx))


@click.command("ask")
@click.argument("question", required=False)
@click.option("-k", "--top-k", "k", type=int, default=None, help="Passages given to the answer writer.")
@click.option("--generator", callback=_generator, default=None, metavar="[extractive|llm]",
              help="extractive (default) or llm.")
@click.option("--jurisdiction", default=None, help=JURISDICTION_HELP)
@click.option("--doc", default=None, help=DOC_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.pass_obj
def ask(settings: Settings, question: str | None, k: int | None, generator: str | None,
        jurisdiction: str | None, doc: str | None, as_json: bool) -> None:
    """Answer QUESTION with cited passages; without QUESTION, start an interactive session."""
    filters = parse_filters(jurisdiction, doc, registry_codes(settings))
    options = AskOptions(k=k, generator=generator, jurisdictions=tuple(sorted(filters.jurisdictions)),
                         doc_ids=tuple(sorted(filters.doc_ids)), as_json=as_json)
    if question:
        check_question(question, settings.max_question_chars)  # refused before the index is loaded
    session = AskSession(settings, options)
    try:
        for text in [question] if question else _prompted():
            try:
                check_question(text, settings.max_question_chars)
            except ValueError as exc:
                click.echo(f"policyqa: error: {exc}", err=True)
                continue
            click.echo(session.answer(text))
            if not question:
                click.echo("")
    finally:
        session.close()


def _prompted() -> Iterator[str]:
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
