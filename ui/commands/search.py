"""The `search` verb: the ranked passages of the index for a query, as text or as JSON."""

from __future__ import annotations

import json
import sys

import click

from index.embed import ModelNotFoundError, use_query_threads
from index.layout import IndexMismatchError, IndexNotBuiltError
from index.models import SEARCH_MODES, Passage
from index.search import Searcher
from ingest.enumerations import lead_in_note
from ingest.settings import Settings
from ui.commands.filters import DOC_HELP, JURISDICTION_HELP, parse_filters, registry_codes

EXCERPT_CHARS = 300


@click.command()
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(min=1), default=None,
              help="How many passages to return (default: the top_k setting, 10).")
@click.option("--mode", type=click.Choice(SEARCH_MODES), default=None,
              help="Dense vectors, BM25, or both fused (default: the search_mode setting, hybrid).")
@click.option("--jurisdiction", default="", metavar="J1,J2",
              help=JURISDICTION_HELP)
@click.option("--doc", "docs", default="", metavar="ID1,ID2",
              help=DOC_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of passages instead of text.")
@click.pass_obj
def search(settings: Settings, query: str, k: int | None, mode: str | None, jurisdiction: str, docs: str,
           as_json: bool) -> None:
    """Search the index for QUERY and print the best passages with title, pages, section and score.

    Exits with status 1 when there is no index yet or it was built with another model.
    """
    codes = registry_codes(settings)
    parse_filters(jurisdiction, docs, codes)  # a bad jurisdiction is refused before the index is loaded
    use_query_threads()
    try:
        searcher = Searcher.load(settings)
    except IndexNotBuiltError as exc:  # names the folder or the database
        click.echo(f"Error: {exc}.", err=True)
        sys.exit(1)
    except (IndexMismatchError, ModelNotFoundError, ValueError) as exc:  # ValueError: a bad setting
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    filters = parse_filters(jurisdiction, docs, codes, set(searcher.manifest.documents))
    passages = searcher.search(query, k=k or settings.top_k, mode=mode or settings.search_mode,
                               filters=filters)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in passages], indent=2, ensure_ascii=False))
        return
    if not passages:
        click.echo("No passages found.")
        return
    for passage in passages:
        click.echo(format_passage(passage))


def format_passage(passage: Passage) -> str:
    """Rank, score, title, printed pages and section on one line; a text excerpt indented below."""
    chunk = passage.chunk
    head = f"{passage.rank}. [{passage.score:.4f}] {chunk.title} ({chunk.doc_id}), {chunk.printed_pages()}"
    if chunk.section:
        head += f" | {chunk.section}"
    context = f"\n   {lead_in_note(chunk.lead_in)}" if chunk.lead_in else ""
    return f"{head}{context}\n   {excerpt(chunk.text)}\n"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rsplit(" ", 1)[0] + " …"
