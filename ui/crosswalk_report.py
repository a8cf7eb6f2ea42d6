"""A crosswalk as the CLI and the web UI show it: a text grid, Markdown, CSV, and a self-contained HTML page whose
heatmap cells open their passages and pages. Every piece of document text is escaped (`html.escape` in HTML,
pipes and angle brackets in Markdown).

>>> print(LEVEL_MARKS["strong"], LEVEL_MARKS["partial"], LEVEL_MARKS["not addressed"])
● ◐ ·
"""

from __future__ import annotations

import csv
import io
from html import escape

from assistant.compare import NOT_ADDRESSED, instruments_of
from assistant.crosswalk import Cell, Crosswalk, CrosswalkColumn
from assistant.frames import FrameItem
from ingest.models import Chunk
from ui.commands.compare import excerpt
from ui.web.render import highlighted, official_url

LEVEL_MARKS = {"strong": "●", "partial": "◐", "not addressed": "·"}


def column_name(walk: Crosswalk, column: CrosswalkColumn) -> str:
    """A document's id, or a jurisdiction's name."""
    return column.key if walk.by == "document" else column.label


def instruments(column: CrosswalkColumn) -> str:
    return instruments_of(column.documents)


def pages(chunk: Chunk) -> str:
    return f"p. {chunk.page_start}" if chunk.page_start == chunk.page_end else f"pp. {chunk.page_start}–{chunk.page_end}"


def reference(chunk: Chunk) -> str:
    return f"{chunk.doc_id}, {pages(chunk)}, {chunk.section or '(no section)'}"


def best_line(cell: Cell) -> str:
    """The cell in one line: its first sentence and where it stands, or the notice and the closest passage."""
    e = cell.evidence
    if not e.addressed:
        closest = f" Closest passage: {reference(e.closest.chunk)}." if e.closest is not None else ""
        return f"{NOT_ADDRESSED}.{closest}"
    first = e.sentences[0]
    cited = next(c for c in e.citations if c.n == first.citations[0]) if first.citations else e.citations[0]
    return f"{first.text} ({reference(cited.passage.chunk)})"


def to_text(walk: Crosswalk) -> str:
    """A grid of marks (● strong, ◐ partial, · not addressed), the column legend, and each addressed cell's best
    cited sentence."""
    width = max(len(i.id) for i in walk.frame.items)
    head = " " * (width + 2) + " ".join(f"{n:>2}" for n in range(1, len(walk.columns) + 1))
    lines = [f"Crosswalk: {walk.frame.label}, by {walk.by}", "", head]
    for item, row in zip(walk.frame.items, walk.rows):
        lines.append(f"{item.id:<{width}}  " + " ".join(f"{LEVEL_MARKS[c.level]:>2}" for c in row)
                     + f"   {item.label}")
    lines += ["", "Columns:"]
    lines += [f"{n:>3}. {column_name(walk, c)} ({instruments(c)})" for n, c in enumerate(walk.columns, start=1)]
    lines += ["", "● strong  ◐ partial  · not addressed", "", "Best cited passage per addressed cell:"]
    for item, row in zip(walk.frame.items, walk.rows):
        for cell in row:
            if cell.evidence.addressed:
                lines.append(f"  {item.id} × {cell.column} [{cell.level}, {cell.strength:.2f}]: "
                             f"{excerpt(best_line(cell))}")
    source = "from the cache" if walk.from_cache else f"in {walk.elapsed_ms / 1000:.1f} s"
    lines += ["", f"{len(walk.rows)} items × {len(walk.columns)} columns {source} (index {walk.index_version})"]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def to_markdown(walk: Crosswalk) -> str:
    """The grid as one table (items down, columns across; each cell its mark, strength and page), then each
    addressed cell's best cited sentence."""
    names = [column_name(walk, c) for c in walk.columns]
    table = ["| item | " + " | ".join(_md(n) for n in names) + " |", "|---" * (len(names) + 1) + "|"]
    for item, row in zip(walk.frame.items, walk.rows):
        cells = [f"{LEVEL_MARKS[c.level]} {c.strength:.2f} {_md(pages(c.evidence.citations[0].passage.chunk))}"
                 if c.evidence.addressed else LEVEL_MARKS[c.level] for c in row]
        table.append(f"| {_md(item.id)} {_md(item.label)} | " + " | ".join(cells) + " |")
    out = [f"## Crosswalk: {_md(walk.frame.label)}, by {walk.by}", "", *table, "",
           "● strong · ◐ partial · · not addressed", "", "### Evidence", ""]
    for item, row in zip(walk.frame.items, walk.rows):
        for cell in row:
            if cell.evidence.addressed:
                out.append(f"- **{_md(item.id)} × {_md(cell.column)}** ({cell.level}): {_md(best_line(cell))}")
    return "\n".join(out) + "\n"


CSV_FIELDS = ("item", "item_label", "column", "instruments", "level", "strength", "addressed", "reason", "n",
              "doc_id", "page_start", "page_end", "section", "quote", "sentence")


def to_csv(walk: Crosswalk) -> str:
    """One row per cited passage of a cell; a cell not addressed gives one row with its closest passage."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item, row in zip(walk.frame.items, walk.rows):
        for cell in row:
            e = cell.evidence
            base = {"item": item.id, "item_label": item.label, "column": cell.column,
                    "instruments": instruments(walk.column(cell.column)), "level": cell.level,
                    "strength": f"{cell.strength:.3f}", "addressed": "yes" if e.addressed else "no",
                    "reason": e.reason}
            if not e.addressed:
                c = e.closest.chunk if e.closest is not None else None
                writer.writerow({**base, **({} if c is None else _chunk_fields(c)), "quote": "",
                                 "sentence": NOT_ADDRESSED})
                continue
            for citation in e.citations:
                said = next((s.text for s in e.sentences if citation.n in s.citations), "")
                writer.writerow({**base, "n": citation.n, **_chunk_fields(citation.passage.chunk),
                                 "quote": citation.quote, "sentence": said})
    return buffer.getvalue()


def _chunk_fields(chunk: Chunk) -> dict[str, object]:
    return {"doc_id": chunk.doc_id, "page_start": chunk.page_start, "page_end": chunk.page_end,
            "section": chunk.section}


HEATMAP_CSS = """
.pq-heat { border-collapse: collapse; font-size: 0.85em; }
.pq-heat th, .pq-heat td { border: 1px solid #ccc; padding: 4px 6px; }
.pq-heat th.pq-col { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                     font-weight: normal; max-height: 22em; vertical-align: bottom; }
.pq-heat th.pq-item { text-align: left; font-weight: normal; max-width: 22em; }
.pq-heat td { text-align: center; min-width: 2.2em; cursor: pointer; }
.pq-heat td a { color: inherit; text-decoration: none; display: block; }
.pq-heat td.pq-strong { background: #1f7a4d; color: #fff; }
.pq-heat td.pq-partial { background: #9fd8b4; color: #1a1a1a; }
.pq-heat td.pq-none { background: #f4f4f4; color: #888; }
.pq-legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 3px; }
"""
_LEVEL_CLASS = {"strong": "pq-strong", "partial": "pq-partial", "not addressed": "pq-none"}


def heatmap_table(walk: Crosswalk) -> str:
    """The heatmap as an HTML table; each cell is a link to `#cell-<row>-<column>` carrying `data-ref`
    "<row>-<column>" (the page opens the cell below the table, the web UI sends the reference to its handler)."""
    heads = "".join(f"<th class='pq-col' title='{escape(c.label)} ({escape(instruments(c))})'>"
                    f"{escape(column_name(walk, c))}</th>" for c in walk.columns)
    rows = []
    for r, (item, row) in enumerate(zip(walk.frame.items, walk.rows)):
        cells = "".join(
            f"<td class='{_LEVEL_CLASS[cell.level]}' title='{escape(item.id)} × {escape(cell.column)}: "
            f"{escape(cell.level)}'><a href='#cell-{r}-{c}' data-ref='{r}-{c}'>{LEVEL_MARKS[cell.level]}<br>"
            f"<small>{cell.strength:.2f}</small></a></td>"
            for c, cell in enumerate(row))
        rows.append(f"<tr><th class='pq-item'>{escape(item.id)} {escape(item.label)}</th>{cells}</tr>")
    return (f"<table class='pq-heat'><tr><th></th>{heads}</tr>{''.join(rows)}</table>"
            "<p class='pq-legend'><span class='pq-strong'>● strong</span><span class='pq-partial'>◐ partial"
            "</span><span class='pq-none'>· not addressed</span></p>")


def cell_html(walk: Crosswalk, item: FrameItem, cell: Cell) -> str:
    """One cell opened: the item, the column's instruments, each cited sentence, and each passage whole with its
    quote marked and a link to its page; or the notice and the closest passage."""
    column = walk.column(cell.column)
    e = cell.evidence
    head = (f"<h3>{escape(item.id)} {escape(item.label)} × {escape(column_name(walk, column))}</h3>"
            f"<p class='pq-facts'>{escape(instruments(column))} · {escape(cell.level)}, strength "
            f"{cell.strength:.2f} (evidence {e.strength:.2f}, label words {e.coverage:.0%})</p>")
    if not e.addressed:
        body = f"<p class='pq-none-note'>{escape(NOT_ADDRESSED)}.</p>"
        if e.closest is not None:
            body += "<p>Closest passage:</p>" + _passage_html(e.closest.chunk, "")
        return head + body
    said = "".join(f"<li>{escape(s.text)} {''.join(f'[{n}]' for n in s.citations)}</li>" for s in e.sentences)
    passages = "".join(f"<p class='pq-n'>[{c.n}]</p>" + _passage_html(c.passage.chunk, c.quote) for c in e.citations)
    return head + f"<ul>{said}</ul>{passages}"


def _passage_html(chunk: Chunk, quote: str) -> str:
    url = official_url(chunk)
    link = (f"<a href='{escape(url)}' target='_blank' rel='noopener noreferrer'>open {escape(pages(chunk))} of the "
            f"official text</a>" if url else "no official URL recorded")
    return (f"<div class='pq-passage-box'><p class='pq-ref'>{escape(chunk.title or chunk.doc_id)} · "
            f"{escape(pages(chunk))} · {escape(chunk.section or '(no section)')} · {link}</p>"
            f"<blockquote class='pq-passage'>{highlighted(chunk.text, quote)}</blockquote></div>")


_PAGE_CSS = ("body{font-family:sans-serif;margin:1.5em;max-width:80em}blockquote{white-space:pre-wrap;margin:.4em 0;"
             "padding-left:.6em;border-left:3px solid #ddd;font-size:.9em}mark{background:#ffe066}"
             ".pq-cell{border:1px solid #ddd;border-radius:6px;padding:.2em 1em;margin:1em 0}"
             ".pq-cell:target{border-color:#1f7a4d;box-shadow:0 0 0 3px #9fd8b4}.pq-facts,.pq-ref{color:#555;"
             "font-size:.85em}.pq-none-note{color:#9a3412}" + HEATMAP_CSS.replace("\n", ""))


def to_html(walk: Crosswalk) -> str:
    """A self-contained page (no script, no outside resource): the heatmap, each of whose cells links to its
    opened cell below."""
    cells = []
    for r, (item, row) in enumerate(zip(walk.frame.items, walk.rows)):
        for c, cell in enumerate(row):
            cells.append(f"<section class='pq-cell' id='cell-{r}-{c}'>{cell_html(walk, item, cell)}"
                         f"<p><a href='#top'>back to the heatmap</a></p></section>")
    title = escape(f"policyqa crosswalk: {walk.frame.label}, by {walk.by}")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title><style>{_PAGE_CSS}"
            f"</style></head><body><h1 id=top>{title}</h1><p>Index version {escape(walk.index_version)}. A click "
            f"on a cell opens its cited passages below.</p>{heatmap_table(walk)}{''.join(cells)}</body></html>\n")
