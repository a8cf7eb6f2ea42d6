"""Defined terms as chunks of their own: each definition of a definitions article or section (EU AI Act Article 3,
EO 14110 Sec. 3, OMB M-25-21 Section 5, the OECD Recommendation's terms) becomes one `kind="definition"` chunk.

>>> [c.term for c in definition_chunks(entry, blocks)][:2]  # doctest: +SKIP
['AI system', 'risk']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.models import Chunk, SourceEntry, make_chunk_id
from ingest.pages import labels_of
from ingest.structure import Block, sheet_changes

# Bumped whenever the definitions a document yields change: indexes rebuild.
DEFINITIONS_VERSION = 1


@dataclass(frozen=True)
class DefinitionRule:
    """Where a document defines its terms and how one definition opens; the pattern's `term` group names it."""

    unit: str  # the part of the section path of the unit that holds the definitions
    opener: re.Pattern[str]
    one_paragraph: bool = False  # a definition ends with its paragraph (else at the next definition)


_EU = DefinitionRule("Article 3 Definitions", re.compile(r"^\(\d{1,2}\) ‘(?P<term>[^’]{2,120})’", re.MULTILINE))
_EO = DefinitionRule("Sec. 3. Definitions", re.compile(
    r"^\([a-z]{1,2}\) The terms? (?P<term>“[^”]{2,120}”(?:,? (?:or|and) “[^”]{2,120}”)*)", re.MULTILINE))
# OMB runs several definitions into one paragraph: "… 3502(1). Artificial Intelligence (AI): The term …"
_OMB = DefinitionRule("5. DEFINITIONS", re.compile(
    r"(?:^|(?<=[.;:\"] ))(?P<term>[A-Z][A-Za-z()\- ]{1,60}?): (?=The term |AI with )", re.MULTILINE))
_OECD = DefinitionRule("I. AGREES", re.compile(r"^‒ (?P<term>[A-Z][A-Za-z ]{1,40}?) ?: ", re.MULTILINE),
                       one_paragraph=True)

RULES: dict[str, DefinitionRule] = {
    "eu-ai-act-2024-1689": _EU,
    "us-eo-14110-2023": _EO,
    "us-omb-m-25-21-2025": _OMB,
    "oecd-ai-recommendation-2024": _OECD,
    "oecd-ai-recommendation-2019": _OECD,
}


def clean_term(raw: str) -> str:
    """`“Infrastructure as a Service Product,” “United…”` → `Infrastructure as a Service Product or United…`."""
    names = [name.strip(" ,") for name in re.findall(r"“([^”]+)”", raw)] or [raw.strip()]
    return " or ".join(names)


def definition_chunks(entry: SourceEntry, blocks: list[Block], labels: Mapping[int, str] | None = None
                      ) -> list[Chunk]:
    """One chunk per defined term of the document (none for a document without a known definitions unit).
    Offsets point into the same cleaned text as the document's other chunks; the page is where the definition
    starts; the section is the unit's path followed by the term."""
    rule = RULES.get(entry.id)
    if rule is None:
        return []
    offsets: list[int] = []
    position = 0
    for block in blocks:
        offsets.append(position)
        position += len(block.text) + 1
    inside = [i for i, b in enumerate(blocks) if rule.unit in b.path and not b.is_heading]
    if not inside:
        return []
    first, last = inside[0], inside[-1]
    text = "\n".join(block.text for block in blocks)
    start, end = offsets[first], offsets[last] + len(blocks[last].text)
    region = text[start:end]
    matches = list(rule.opener.finditer(region))
    chunks: list[Chunk] = []
    for n, match in enumerate(matches):
        begin = start + match.start()
        finish = start + (matches[n + 1].start() if n + 1 < len(matches) else len(region))
        body = text[begin:finish]
        body = (body.split("\n", 1)[0] if rule.one_paragraph else body).rstrip()
        finish = begin + len(body)
        term = clean_term(match.group("term"))
        section = " > ".join((*blocks[first].path, term))
        covering = [i for i in range(first, last + 1)
                    if offsets[i] < finish and offsets[i] + len(blocks[i].text) >= begin]
        page_start = _page(blocks, offsets, begin)
        page_end = _page(blocks, offsets, finish - 1)
        chunks.append(Chunk(
            chunk_id=make_chunk_id(entry.id, section, body), doc_id=entry.id, title=entry.title,
            jurisdiction=entry.jurisdiction, page_start=page_start, page_end=page_end, section=section,
            char_start=begin, char_end=finish, text=body, url=entry.url, issuer=entry.issuer, kind="definition",
            term=term, page_labels=labels_of(labels or {}, page_start, page_end),
            page_breaks=sheet_changes([(blocks[i], offsets[i]) for i in covering], begin, finish),
        ))
    return chunks


def _page(blocks: list[Block], offsets: list[int], at: int) -> int:
    index = max(i for i, offset in enumerate(offsets) if offset <= at)
    return blocks[index].page_at(at - offsets[index])
