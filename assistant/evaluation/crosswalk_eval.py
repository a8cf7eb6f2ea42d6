"""Score `crosswalk` against a gold set of (frame item, document) cells: the provisions a careful reader cites, or
"not addressed"; reported as the compare eval is (cell hit@3, "not addressed" precision, recall and F1).

>>> cases = load_crosswalk_gold(Path("corpus/eval/crosswalk-gold.jsonl"), Path("corpus/frames"))  # doctest: +SKIP
>>> print(evaluate_crosswalk(assistant, cases, Path("corpus/frames"), facts).summary())  # doctest: +SKIP
crosswalk eval: 64 cells (40 addressed, 24 not addressed)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.compare import DocumentFacts
from assistant.crosswalk import crosswalk
from assistant.evaluation.compare_eval import CompareReport, GoldProvision, case_result, read_gold_cells
from assistant.frames import FrameError, find_frame

if TYPE_CHECKING:
    from assistant.pipeline import Assistant


@dataclass(frozen=True)
class CrosswalkCase:
    id: str
    frame: str
    item: str
    doc_id: str
    provisions: tuple[GoldProvision, ...]  # empty: the document does not address the item

    @property
    def not_addressed(self) -> bool:
        return not self.provisions

    def describe(self) -> dict[str, str]:
        return {"frame": self.frame, "item": self.item, "doc_id": self.doc_id}


def load_crosswalk_gold(path: Path, frames_dir: Path) -> list[CrosswalkCase]:
    """The cases of a crosswalk gold file (JSON lines); a bad line (or a frame or item that does not exist, or a
    provision of another document) raises ValueError naming the file and line."""
    cases: list[CrosswalkCase] = []
    for where, case in read_gold_cells(path, "crosswalk", ("id", "frame", "item", "doc_id"),
                                       lambda d, p: CrosswalkCase(d["id"], d["frame"], d["item"], d["doc_id"], p)):
        try:
            find_frame(case.frame, frames_dir).item(case.item)
        except (FrameError, KeyError) as exc:
            raise ValueError(f"{where}: {exc}") from exc
        if any(p.doc_id != case.doc_id for p in case.provisions):
            raise ValueError(f"{where}: every provision must be of the cell's document {case.doc_id!r}")
        cases.append(case)
    return cases


def evaluate_crosswalk(assistant: Assistant, cases: list[CrosswalkCase], frames_dir: Path,
                       documents: dict[str, DocumentFacts]) -> CompareReport:
    """The crosswalk of each frame the cases use, by document, over the items they ask (made afresh, not read
    from a cache); each case is scored on its cell. A cell's time is its crosswalk's time per cell."""
    results = []
    for frame_id in dict.fromkeys(c.frame for c in cases):
        frame = find_frame(frame_id, frames_dir)
        asked = [c for c in cases if c.frame == frame_id]
        walk = crosswalk(assistant, frame, documents, "document", tuple(dict.fromkeys(c.item for c in asked)))
        per_cell = walk.elapsed_ms / max(1, sum(len(row) for row in walk.rows))
        for case in asked:
            cell = walk.cell(case.item, case.doc_id)
            results.append(case_result(case, cell.evidence.addressed, cell.evidence,
                                       cell.evidence.shown_passages(), per_cell, cell.evidence.reason))
    order = {c.id: n for n, c in enumerate(cases)}
    return CompareReport(tuple(sorted(results, key=lambda r: order[r.case.id])), name="crosswalk")
