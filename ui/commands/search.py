"""The `search` verb: the ranked passages of the index for a query, as text or as JSON."""

from __future__ import annotations

import json
import sys

import click

from index.embed import ModelNotFoundError
from index.layout import IndexMismatchError, IndexNotBuiltError
from index.models import SEARCH_MODES, Passage, SearchFilters
from index.search import Searcher
from ingest.models import JURISDICTIONS
from ingest.settings import Settings

EXCERPT_CHARS = 300


@click.command()
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(min=1), default=None,
              help="How many passages to return (default: the top_k setting, 10).")
@click.option("--mode", type=click.Choice(SEARCH_MODES), default=None,
              help="Dense vectors, BM25, or both fused (default: the search_mode setting, hybrid).")
@click.option("--jurisdiction", default="", metavar="J1,J2",
              help=f"Only these jurisdictions, comma-separated ({', '.join(JURISDICTIONS)}).")
@click.option("--doc", "docs", default="", metavar="ID1,ID2",
              help="Only these document ids, comma-separated.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of passages instead of text.")
@click.pass_obj
def search(settings: Settings, query: str, k: int | None, mode: str | None, jurisdiction: str, docs: str,
           as_json: bool) -> None:
    """Search the index for QUERY and print the best passages with title, pages, section and score.

    Exits with status 1 when there is no index yet or it was built with another model.
    """
    try:
        searcher = Searcher.load(settings)
    except IndexNotBuiltError:
        click.echo(f"Error: no index in {settings.index_dir}: run `policyqa index build` first.", err=True)
        sys.exit(1)
    except (IndexMismatchError, ModelNotFoundError, ValueError) as exc:  # ValueError: a bad setting
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    filters = parse_filters(jurisdiction, docs, set(searcher.manifest.documents))
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


def parse_filters(jurisdiction: str, docs: str, indexed: set[str]) -> SearchFilters:
    """The --jurisdiction and --doc options as filters; an unknown value fails with the valid ones."""
    jurisdictions = _split(jurisdiction)
    unknown = sorted(jurisdictions - set(JURISDICTIONS))
    if unknown:
        raise click.BadParameter(f"unknown jurisdiction(s) {', '.join(unknown)}; valid jurisdictions are: "
                                 f"{', '.join(JURISDICTIONS)}", param_hint="--jurisdiction")
    doc_ids = _split(docs)
    unknown = sorted(doc_ids - indexed)
    if unknown:
        raise click.BadParameter(f"document(s) {', '.join(unknown)} not in the index; indexed documents are: "
                                 f"{', '.join(sorted(indexed))}", param_hint="--doc")
    return SearchFilters(jurisdictions=frozenset(jurisdictions), doc_ids=frozenset(doc_ids))


def _split(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


def format_passage(passage: Passage) -> str:
    """Rank, score, title, pages and section on one line; a text excerpt indented below."""
    chunk = passage.chunk
    pages = (f"p. {chunk.page_start}" if chunk.page_start == chunk.page_end
             else f"pp. {chunk.page_start}-{chunk.page_end}")
    head = f"{passage.rank}. [{passage.score:.4f}] {chunk.title} ({chunk.doc_id}), {pages}"
    if chunk.section:
        head += f" | {chunk.section}"
    return f"{head}\n   {excerpt(chunk.text)}\n"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rsplit(" ", 1)[0] + " …"
