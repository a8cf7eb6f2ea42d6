"""The `policyqa` command: loads the settings once and hands them to each verb."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ingest.settings import SettingsError, load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(path_type=Path), default=None,
              help="Settings file (default: ./policyqa.toml when it exists).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Where the index and caches live (default .policyqa/).")
@click.option("--corpus-dir", type=click.Path(path_type=Path), default=None,
              help="Where the documents live (default corpus/documents/).")
@click.option("--embedder", default=None, help="sentence-transformers model name or local path.")
@click.pass_context
def main(ctx: click.Context, config: Path | None, data_dir: Path | None, corpus_dir: Path | None,
         embedder: str | None) -> None:
    """policyqa: answers about AI-policy documents, every sentence cited."""
    # Weights ship inside pip packages; a hub look-up would only wait for a network time-out.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        ctx.obj = load_settings(
            config_path=config,
            overrides={"data_dir": data_dir, "corpus_dir": corpus_dir, "embedder": embedder},
        )
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


def _register() -> None:
    from ui.commands import corpus

    main.add_command(corpus.corpus)
    from ui.commands.ingest import ingest
    main.add_command(ingest)
    from ui.commands.eval import eval_command
    main.add_command(eval_command)
    from ui.commands.index import index
    main.add_command(index)
    from ui.commands.search import search
    main.add_command(search)
    from ui.commands.ask import ask
    main.add_command(ask)
    from ui.commands.ui import ui_command
    main.add_command(ui_command)


_register()
