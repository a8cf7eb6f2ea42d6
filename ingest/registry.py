"""The corpus registry the manifest declares: its jurisdictions (code, names, the words that mention one in a
question) and which documents restate another. One typed object, read once and handed to what needs it.

>>> registry = load_registry(Path("corpus/sources.toml"))  # doctest: +SKIP
>>> registry.name("eu"), registry.get("eu").phrase, registry.secondary  # doctest: +SKIP
('European Union', 'the EU AI Act', frozenset({'nist-ai-rmf-playbook'}))

A document outside the registry (a user's extra file, an upload, a code the manifest does not declare) has the
jurisdiction "unknown", which every registry holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

UNKNOWN = "unknown"
ROLES = ("primary", "secondary")


@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction as the manifest's `[[jurisdiction]]` table declares it."""

    code: str  # what documents, filters and eval tags name it by: "eu"
    name: str  # shown in filters, compare columns and answer groups: "European Union"
    short: str  # how a sentence names it: "the EU" ("… in the EU?", "No passage from the documents of the EU")
    phrase: str  # written in place of another one's mention when a question is asked of it: "the EU AI Act"
    # words that mention it in a question, matched as whole words in any case; an all-capital term only as
    # written, so that the pronoun "us" is not the United States
    terms: tuple[str, ...] = ()


UNKNOWN_JURISDICTION = Jurisdiction(UNKNOWN, "Other documents", "other documents", "other documents")


@dataclass(frozen=True)
class Registry:
    """The declared jurisdictions in the manifest's order (their order is the order mentions are reported in
    and columns are shown in), and each secondary document with the document it restates."""

    jurisdictions: tuple[Jurisdiction, ...] = ()
    restates: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def codes(self) -> tuple[str, ...]:
        """The declared codes, then "unknown": every jurisdiction a document may have."""
        return (*(j.code for j in self.jurisdictions), UNKNOWN)

    @property
    def declared(self) -> tuple[str, ...]:
        return tuple(j.code for j in self.jurisdictions)

    @property
    def secondary(self) -> frozenset[str]:
        """Documents that restate another one: on a near-duplicate passage, the restated one is cited."""
        return frozenset(self.restates)

    def get(self, code: str) -> Jurisdiction:
        """The jurisdiction of that code; "unknown" for a code the registry does not declare."""
        return next((j for j in self.jurisdictions if j.code == code), UNKNOWN_JURISDICTION)

    def name(self, code: str) -> str:
        """The display name; a code outside the registry is shown as it is written."""
        found = self.get(code)
        return found.name if found.code == code else code
