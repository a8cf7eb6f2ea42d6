"""Crosswalks kept on disk, one file per frame and grouping, valid for one index version, one version of the frame
file and the settings that shape the evidence: a rebuilt index or an edited frame makes a new crosswalk.

>>> walk = cached_crosswalk(assistant, frame, facts, "document", settings.data_dir / "crosswalk")  # doctest: +SKIP
>>> walk.from_cache  # doctest: +SKIP
True

A cell is stored by the ids of the chunks it cites, which the index version of its key still holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cited_evidence import Evidence
from assistant.compare import DocumentFacts
from assistant.crosswalk import Cell, Crosswalk, crosswalk, index_version, indexed_columns
from assistant.frames import Frame
from assistant.models import AnswerSentence, Citation
from index.models import Passage
from ingest.models import Chunk

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

CACHE_FORMAT = 1  # raise when the stored form or the way cells are made changes: old files are then rebuilt


def cache_key(assistant: Assistant, frame: Frame) -> str:
    """What a stored crosswalk must match: index version, frame file, the settings that shape evidence, and the
    manifest's registry (its jurisdictions' terms route items and its secondary documents yield citations; the
    manifest may change without a rebuild)."""
    s = assistant.settings
    shaping = [CACHE_FORMAT, index_version(assistant), frame.fingerprint, s.embedder, s.search_mode, s.fusion,
               s.fusion_alpha, s.reranker, s.abstain_threshold, s.support_threshold, repr(assistant.registry)]
    return hashlib.sha256(json.dumps(shaping, default=str).encode()).hexdigest()[:16]


def cached_crosswalk(assistant: Assistant, frame: Frame, documents: dict[str, DocumentFacts], by: str,
                     cache_dir: Path) -> Crosswalk:
    """The stored crosswalk when its key still holds, else a new one, stored (replacing the older one)."""
    key = cache_key(assistant, frame)
    path = Path(cache_dir) / f"{frame.id}.{by}.json"
    stored = read_crosswalk(path, key, assistant, frame, documents, by)
    if stored is not None:
        return stored
    walk = crosswalk(assistant, frame, documents, by)
    write_crosswalk(path, key, walk)
    return walk


def write_crosswalk(path: Path, key: str, walk: Crosswalk) -> None:
    """Written whole to a temporary file, then renamed: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"key": key, "frame": walk.frame.id, "by": walk.by, "index_version": walk.index_version,
            "elapsed_ms": round(walk.elapsed_ms, 1),
            "cells": [cell_to_dict(cell) for row in walk.rows for cell in row]}
    temporary = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def read_crosswalk(path: Path, key: str, assistant: Assistant, frame: Frame,
                   documents: dict[str, DocumentFacts], by: str) -> Crosswalk | None:
    """The stored crosswalk, or None when there is none, its key differs, or it is unreadable (then rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or data.get("by") != by:
        return None
    columns = indexed_columns(assistant, documents, by)
    try:
        cells = {(c["item"], c["column"]): cell_from_dict(c, assistant.searcher.chunk) for c in data["cells"]}
        rows = tuple(tuple(cells[(item.id, column.key)] for column in columns) for item in frame.items)
    except (KeyError, TypeError, ValueError):
        return None
    return Crosswalk(frame, by, columns, rows, index_version(assistant), float(data.get("elapsed_ms", 0.0)),
                     from_cache=True)


def cell_to_dict(cell: Cell) -> dict[str, Any]:
    """A cell as JSON: its level and strength, sentences, citations (with the chunk each cites) and the
    closest passage when not addressed. Scores are kept exact, so that a cell read back is the cell stored."""
    e = cell.evidence
    return {
        "item": cell.item_id, "column": cell.column, "level": cell.level, "strength": cell.strength,
        "addressed": e.addressed, "evidence_strength": float(e.strength), "coverage": float(e.coverage),
        "reason": e.reason,
        "sentences": [{**s.to_dict(), "support": float(s.support)} for s in e.sentences],
        "citations": [{**c.to_dict(), "score": float(c.passage.score), "rank": c.passage.rank} for c in e.citations],
        "closest": None if e.closest is None else {**e.closest.to_dict(), "text": None,
                                                   "score": float(e.closest.score)},
    }


def cell_from_dict(data: dict[str, Any], chunk_of: Callable[[str], Chunk | None]) -> Cell:
    """The cell `cell_to_dict` wrote; a chunk the index no longer holds raises KeyError."""
    def passage(entry: dict[str, Any]) -> Passage:
        chunk = chunk_of(entry["chunk_id"])
        if chunk is None:
            raise KeyError(entry["chunk_id"])
        return Passage(chunk, float(entry.get("score", 0.0)), int(entry.get("rank", 0)))

    sentences = tuple(AnswerSentence(s["text"], tuple(s["citations"]), float(s["support"]), bool(s["supported"]),
                                     bool(s.get("bullet", False))) for s in data["sentences"])
    citations = tuple(Citation(int(c["n"]), passage(c), c["quote"]) for c in data["citations"])
    closest = passage(data["closest"]) if data["closest"] else None
    evidence = Evidence(bool(data["addressed"]), sentences, citations, closest, float(data["evidence_strength"]),
                        data["reason"], float(data["coverage"]))
    return Cell(data["item"], data["column"], evidence)
