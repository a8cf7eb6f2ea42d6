"""The --jurisdiction and --doc options of `search`, `ask` and `eval`, parsed and checked in one place.

>>> parse_filters("eu, us", "", ("eu", "us", "unknown")).jurisdictions == frozenset({"eu", "us"})
True
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import click

from index.models import SearchFilters
from ingest.errors import ManifestError
from ingest.manifest import load_registry
from ingest.settings import Settings

JURISDICTION_HELP = ("Only these jurisdictions, comma-separated: codes of the manifest's [[jurisdiction]] tables "
                     "(eu, us, … in the default corpus), or unknown.")
DOC_HELP = "Only these document ids, comma-separated."


def parse_filters(jurisdiction: str | None, docs: str | None, valid: tuple[str, ...],
                  indexed: AbstractSet[str] | None = None) -> SearchFilters:
    """The options as filters. A jurisdiction not among `valid` (the registry's codes) fails with the valid ones;
    so does a document id not in `indexed`, when the caller knows what is indexed (`ask` may be answered by
    another process that does)."""
    jurisdictions = split_values(jurisdiction)
    unknown = sorted(jurisdictions - set(valid))
    if unknown:
        raise click.BadParameter(f"unknown jurisdiction(s) {', '.join(unknown)}; valid jurisdictions are: "
                                 f"{', '.join(valid)}", param_hint="--jurisdiction")
    doc_ids = split_values(docs)
    missing = sorted(doc_ids - set(indexed)) if indexed is not None else []
    if missing:
        raise click.BadParameter(f"document(s) {', '.join(missing)} not in the index; indexed documents are: "
                                 f"{', '.join(sorted(indexed or ()))}", param_hint="--doc")
    return SearchFilters(jurisdictions=frozenset(jurisdictions), doc_ids=frozenset(doc_ids))


def split_values(value: str | None) -> frozenset[str]:
    """'eu, us,' -> {'eu', 'us'}"""
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def registry_codes(settings: Settings) -> tuple[str, ...]:
    """The jurisdictions a filter may name: the manifest's, and unknown; a broken manifest fails with its error."""
    try:
        return load_registry(settings.manifest_path).codes
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc
