"""The --jurisdiction and --doc options of `search`, `ask` and `eval`, parsed and checked in one place.

>>> parse_filters("eu, us", "").jurisdictions == frozenset({"eu", "us"})
True
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import click

from index.models import SearchFilters
from ingest.models import JURISDICTIONS

JURISDICTION_HELP = f"Only these jurisdictions, comma-separated ({','.join(JURISDICTIONS)})."
DOC_HELP = "Only these document ids, comma-separated."


def parse_filters(jurisdiction: str | None, docs: str | None,
                  indexed: AbstractSet[str] | None = None) -> SearchFilters:
    """The options as filters. An unknown jurisdiction fails with the valid ones; so does a document id not in
    `indexed`, when the caller knows what is indexed (`ask` may be answered by another process that does)."""
    jurisdictions = split_values(jurisdiction)
    unknown = sorted(jurisdictions - set(JURISDICTIONS))
    if unknown:
        raise click.BadParameter(f"unknown jurisdiction(s) {', '.join(unknown)}; valid jurisdictions are: "
                                 f"{', '.join(JURISDICTIONS)}", param_hint="--jurisdiction")
    doc_ids = split_values(docs)
    missing = sorted(doc_ids - set(indexed)) if indexed is not None else []
    if missing:
        raise click.BadParameter(f"document(s) {', '.join(missing)} not in the index; indexed documents are: "
                                 f"{', '.join(sorted(indexed or ()))}", param_hint="--doc")
    return SearchFilters(jurisdictions=frozenset(jurisdictions), doc_ids=frozenset(doc_ids))


def split_values(value: str | None) -> frozenset[str]:
    """'eu, us,' -> {'eu', 'us'}"""
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())
