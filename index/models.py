"""Dataclasses that cross the index boundary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from ingest.models import Chunk

SEARCH_MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Passage:
    """A chunk as a search returns it: ranked and scored. Its pages are the chunk's: `page_start`/`page_end` the
    PDF sheets, `chunk.printed_pages()` the printed page numbers a citation shows."""

    chunk: Chunk
    score: float
    rank: int = 0
    # the chunks a small-to-big window joined into `chunk`, in document order; empty for a chunk read alone
    window: tuple[Chunk, ...] = ()

    @property
    def chunk_ids(self) -> frozenset[str]:
        """The ids of every chunk this passage shows: the ranked one and those of its window."""
        return frozenset({self.chunk.chunk_id, *(c.chunk_id for c in self.window)})

    def with_rank(self, rank: int) -> Passage:
        return replace(self, rank=rank)

    def to_dict(self) -> dict[str, Any]:
        """The fields of `policyqa search --json`."""
        c = self.chunk
        return {
            "rank": self.rank, "chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title,
            "page_start": c.page_start, "page_end": c.page_end, "printed_pages": c.printed_pages(),
            "section": c.section, "text": c.text,
            "score": round(float(self.score), 6), "jurisdiction": c.jurisdiction, "url": c.url,
            "kind": c.kind, "term": c.term, "window": [m.chunk_id for m in self.window], "lead_in": c.lead_in,
        }


def shown_chunk_ids(passages: Iterable[Passage]) -> frozenset[str]:
    """The ids of every chunk these passages show, their windows' chunks included."""
    return frozenset().union(*(p.chunk_ids for p in passages))


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search to some jurisdictions, documents and/or sections (whole section paths, as chunks carry
    them); empty means no restriction."""

    jurisdictions: frozenset[str] = frozenset()
    doc_ids: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()

    def accepts(self, chunk: Chunk) -> bool:
        return ((not self.jurisdictions or chunk.jurisdiction in self.jurisdictions)
                and (not self.doc_ids or chunk.doc_id in self.doc_ids)
                and (not self.sections or chunk.section in self.sections))

    @property
    def active(self) -> bool:
        return bool(self.jurisdictions or self.doc_ids or self.sections)

    def to_dict(self) -> dict[str, Any]:
        return {k: sorted(v) for k, v in asdict(self).items()}
