"""The `crosswalk` verb: a frame's items against the indexed documents (or jurisdictions), printed as a grid or
JSON, written as HTML, Markdown and CSV with `--out DIR`; `--eval FILE` scores crosswalk cells against a gold set.

>>> main(["crosswalk", "--frame", "nist-ai-rmf-trustworthiness", "--out", "reports"])  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.compare import indexed_document_facts
from assistant.crosswalk import BY, Crosswalk
from assistant.crosswalk_cache import cached_crosswalk, cell_to_dict
from assistant.frames import find_frame, frame_paths, frames_dir_of
from assistant.pipeline import Assistant
from index.embed import use_query_threads
from ingest.settings import Settings
from ui.crosswalk_report import to_csv, to_html, to_markdown, to_text

DEFAULT_FRAME = "oecd-ai-principles"


@click.command(name="crosswalk")
@click.option("--frame", "frame_name", default=DEFAULT_FRAME, metavar="NAME",
              help=f"A frame of corpus/frames/ by name, or a frame file (.toml). Default {DEFAULT_FRAME}.")
@click.option("--by", type=click.Choice(BY), default="document", show_default=True,
              help="One column per document, or per jurisdiction.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Write crosswalk-<frame>-<by>.html, .md and .csv into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the crosswalk as JSON.")
@click.option("--fresh", is_flag=True, help="Ignore the stored crosswalk and make it again (then store it).")
@click.option("--list", "list_frames", is_flag=True, help="List the frames of corpus/frames/ and exit.")
@click.option("--eval", "eval_file", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="Score crosswalk cells against a gold file (corpus/eval/crosswalk-gold.jsonl) instead.")
@click.pass_obj
def crosswalk_command(settings: Settings, frame_name: str, by: str, out_dir: Path | None, as_json: bool,
                      fresh: bool, list_frames: bool, eval_file: Path | None) -> None:
    """Crosswalk a frame (the OECD AI Principles, the NIST AI RMF trustworthiness characteristics, your own)
    against the indexed documents: each cell a coverage strength (strong, partial, not addressed) and its best
    cited passage. Crosswalks are stored per index version and frame, and made again when either changes."""
    frames_dir = frames_dir_of(settings.manifest_path)
    if list_frames:
        for name, path in frame_paths(frames_dir).items():
            frame = find_frame(name, frames_dir)
            click.echo(f"{name}\t{len(frame.items)} items\t{frame.label}\t{path}")
        return
    frame = find_frame(frame_name, frames_dir)
    use_query_threads()  # one thread: two spin against any other busy process (README, Benchmarks)
    assistant = Assistant.load(settings)
    documents = indexed_document_facts(assistant)
    if eval_file is not None:
        from assistant.evaluation.crosswalk_eval import evaluate_crosswalk, load_crosswalk_gold

        try:
            cases = load_crosswalk_gold(eval_file, frames_dir)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        report = evaluate_crosswalk(assistant, cases, frames_dir, documents)
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if as_json else report.summary())
        return
    cache_dir = settings.data_dir / "crosswalk"
    if fresh:
        (cache_dir / f"{frame.id}.{by}.json").unlink(missing_ok=True)
    walk = cached_crosswalk(assistant, frame, documents, by, cache_dir)
    if out_dir is not None:
        for path in write_reports(walk, out_dir):
            click.echo(f"Wrote {path}", err=True)
    if as_json:
        click.echo(json.dumps(to_dict(walk), indent=2, ensure_ascii=False))
    elif out_dir is None:
        click.echo(to_text(walk))


def write_reports(walk: Crosswalk, out_dir: Path) -> list[Path]:
    """crosswalk-<frame>-<by>.html, .md and .csv in `out_dir` (made when missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, render in ((".html", to_html), (".md", to_markdown), (".csv", to_csv)):
        path = out_dir / f"crosswalk-{walk.frame.id}-{walk.by}{suffix}"
        path.write_text(render(walk), encoding="utf-8")
        written.append(path)
    return written


def to_dict(walk: Crosswalk) -> dict[str, object]:
    return {"frame": {"id": walk.frame.id, "label": walk.frame.label,
                      "items": [{"id": i.id, "label": i.label, "sentence": i.sentence} for i in walk.frame.items]},
            "by": walk.by, "index_version": walk.index_version, "from_cache": walk.from_cache,
            "elapsed_ms": round(walk.elapsed_ms, 1), "columns": [c.to_dict() for c in walk.columns],
            "cells": [cell_to_dict(cell) for row in walk.rows for cell in row]}
