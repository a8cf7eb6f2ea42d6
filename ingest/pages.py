"""Printed page numbers: the number each PDF sheet carries (its PDF page label, else the folio printed on it),
and how a citation names pages.

>>> page_reference("12", "12"), page_reference("3", "4"), page_reference("88 FR 75223", "88 FR 75224")
('p. 12', 'pp. 3–4', '88 FR 75223–75224')
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def page_reference(first: str, last: str) -> str:
    """"p. 12", "pp. 3–4", "p. iv"; a label that names its own series ("88 FR 75223") stands without "p."."""
    if " " in first:
        if first == last:
            return first
        prefix, _, _ = first.rpartition(" ")
        return f"{first}–{last[len(prefix) + 1:] if last.startswith(prefix + ' ') else last}"
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


def labels_of(labels: Mapping[int, str], first: int, last: int) -> tuple[str, ...]:
    """The printed labels of sheets `first`..`last` ("" for a sheet without one); () when none is known."""
    found = tuple(labels.get(sheet, "") for sheet in range(first, last + 1))
    return found if any(found) else ()


_EDGE_LINES = 4  # lines at the top and at the bottom of a page where a folio is printed
_COUNTER = re.compile(r"^(?:Page\s+)?(\d{1,3})(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)  # "12", "94 of 137"
_ELI_FOOTER = re.compile(r"^(?:ELI: \S+\s+)?(\d{1,3})/\d{1,3}$")  # EU Official Journal: "51/144"
_FEDERAL_REGISTER = re.compile(r"^(\d{5})\s+Federal Register\s*/\s*Vol\. (\d+)|"
                               r"^Federal Register\s*/\s*Vol\. (\d+),.*\s(\d{5})$")


def _folio(line: str) -> tuple[str, int] | None:
    """The folio a page-edge line prints: (label prefix, number); ("88 FR ", 75223) for a Federal Register head."""
    line = line.strip()
    register = _FEDERAL_REGISTER.match(line)
    if register:
        number, volume = (register.group(1), register.group(2)) if register.group(1) else \
            (register.group(4), register.group(3))
        return f"{volume} FR ", int(number)
    for pattern in (_COUNTER, _ELI_FOOTER):
        found = pattern.match(line)
        if found:
            return "", int(found.group(1))
    return None


def printed_folios(pages: list[list[str]]) -> list[str]:
    """The printed page number of each page ("" when none), read from the lines at its top and bottom.

    A folio counts only where the next or previous page with a folio keeps the same step from the sheet number
    (a list item "2" at the top of a page is no folio); a page between two such pages that prints none gets
    the number the step gives (a full-page figure, a blank page), and so do the pages before the first folio of a
    journal's series (the Federal Register prints the first page's number apart from its running head)."""
    found: list[tuple[str, int] | None] = []
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        edges = content[:_EDGE_LINES] + content[-_EDGE_LINES:]
        found.append(next((f for f in map(_folio, edges) if f is not None), None))
    steps = [(f[0], f[1] - sheet) if f else None for sheet, f in enumerate(found)]
    kept: list[tuple[str, int] | None] = [None] * len(pages)
    for sheet, step in enumerate(steps):
        if step is None:
            continue
        before = next((s for s in reversed(steps[:sheet]) if s is not None), None)
        after = next((s for s in steps[sheet + 1:] if s is not None), None)
        if step in (before, after):
            kept[sheet] = step
    for sheet in range(len(pages)):
        if kept[sheet] is None:
            before = next((s for s in reversed(kept[:sheet]) if s is not None), None)
            after = next((s for s in kept[sheet + 1:] if s is not None), None)
            # a journal numbers its pages across documents: its series runs back to the document's first page
            if (before is not None and before == after) or (before is None and after is not None and after[0]):
                kept[sheet] = before or after
    return [f"{step[0]}{sheet + step[1]}" if step is not None and sheet + step[1] > 0 else ""
            for sheet, step in enumerate(kept)]
