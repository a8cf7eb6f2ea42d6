"""The `policyqa` command: loads the settings once and hands them to each verb.

>>> main(["--data-dir", ".policyqa", "ask", "What does Article 5 prohibit?"])  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import click

from ingest.settings import SettingsError, load_settings

# Each verb by name: the module and attribute of its click command, imported only when it runs (or help lists
# it), so that `ask` does not pay for what `eval` and `ui` import (gradio, matplotlib, LangChain).
COMMANDS = {
    "corpus": "ui.commands.corpus:corpus",
    "ingest": "ui.commands.ingest:ingest",
    "eval": "ui.commands.eval:eval_command",
    "index": "ui.commands.index:index",
    "search": "ui.commands.search:search",
    "ask": "ui.commands.ask:ask",
    "serve": "ui.commands.serve:serve",
    "ui": "ui.commands.ui:ui_command",
    "model": "ui.commands.model:model",
}


class LazyGroup(click.Group):
    """A click group that imports a command of COMMANDS when it is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module_name, attribute = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
