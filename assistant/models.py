"""Dataclasses of an answer: its citations, the passages it was drawn from, and how well each sentence is supported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.text import quote_span
from index.models import Passage, SearchFilters
from ingest.models import Chunk


def quote_sheets(chunk: Chunk, quote: str) -> tuple[int, int]:
    """The first and last PDF sheet of `quote` in the chunk; the chunk's own when the quote is not in it."""
    start, end = quote_span(chunk.text, quote)
    return chunk.sheets_of(start, end) if start >= 0 else (chunk.page_start, chunk.page_end)


@dataclass(frozen=True)
class Citation:
    """`[n]` in the answer text opens this passage; `quote` is the sentence of the passage that supports it."""

    n: int
    passage: Passage
    quote: str

    @property
    def sheets(self) -> tuple[int, int]:
        """The PDF sheets the quote stands on; the passage's own when the quote is not found in it."""
        return quote_sheets(self.passage.chunk, self.quote)

    @property
    def printed_pages(self) -> str:
        """The printed pages of the quote: "p. 12", or "pp. 3–4" for a sentence that runs onto the next page."""
        return self.passage.chunk.printed_pages(*self.sheets)

    def to_dict(self) -> dict[str, Any]:
        c = self.passage.chunk
        first, last = self.sheets
        return {"n": self.n, "chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title,
                "page_start": c.page_start, "page_end": c.page_end, "quote_page_start": first,
                "quote_page_end": last, "printed_pages": self.printed_pages, "section": c.section,
                "quote": self.quote, "url": c.url, "jurisdiction": c.jurisdiction}


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of the answer, the citation numbers it carries and its support score in [0, 1]."""

    text: str  # as shown to the reader (a list item's "(b)" label dropped; the citation keeps the quote)
    citations: tuple[int, ...]
    support: float
    supported: bool
    bullet: bool = False  # an item of a list

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations), "support": round(self.support, 4),
                "supported": self.supported, "bullet": self.bullet}


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    abstained: bool
    sentences: tuple[AnswerSentence, ...] = ()
    support: float = 0.0  # the answer's overall support: the least-supported sentence's score
    standalone_question: str = ""  # the question as retrieved, after a follow-up was rewritten
    timings_ms: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, float] = field(default_factory=dict)  # the signals the abstention decision used
    kind: str = ""  # the kind of answer the question asks for (assistant.question.ANSWER_KINDS)
    writer: str = ""  # who wrote the text shown: "extractive", "llm (<model>)", or a fallback note
    removed_sentences: int = 0  # sentences the guards dropped from the writer's draft
    notices: tuple[str, ...] = ()  # lines shown with the answer: a question not in English, a fact not found
    filters: SearchFilters | None = None  # the filters the search used, the user's or carried by a follow-up
    searched_in: tuple[str, ...] = ()  # the documents or provisions the question named, searched first

    @property
    def has_unsupported(self) -> bool:
        return any(not s.supported for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question, "standalone_question": self.standalone_question or self.question,
            "text": self.text, "abstained": self.abstained, "support": round(self.support, 4),
            "sentences": [s.to_dict() for s in self.sentences],
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "evidence": {k: round(v, 4) for k, v in self.evidence.items()},
            "kind": self.kind, "writer": self.writer, "removed_sentences": self.removed_sentences,
            "notices": list(self.notices),
            "filters": self.filters.to_dict() if self.filters is not None else None,
            "searched_in": list(self.searched_in),
        }
