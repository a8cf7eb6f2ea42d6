"""The `policyqa` command: loads the settings once and hands them to each verb.

>>> main(["--data-dir", ".policyqa", "ask", "What does Article 5 prohibit?"])  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import importlib
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

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
    "compare": "ui.commands.compare:compare_command",
    "crosswalk": "ui.commands.crosswalk:crosswalk_command",
}


# The errors that say what a user must change (a setting, a file, a missing index or model), as
# "module:Class". An error is one of them only if its module is loaded, so none is imported just to be checked.
USER_ERRORS = (
    "ingest.settings:SettingsError", "ingest.errors:IngestError", "ingest.errors:ManifestError",
    "ingest.sync:DownloadError", "index.layout:IndexNotBuiltError", "index.layout:IndexMismatchError",
    "index.build:BuildLockedError", "index.layout:BackendUnavailableError", "index.embed:ModelNotFoundError",
    "index.local_models:ModelInstallError",
    "assistant.chat.base:LLMNotConfiguredError", "assistant.evaluation.dataset:EvalSetError",
    "assistant.evaluation.baseline:BaselineError", "ui.limits:QuestionTooLongError",
    "assistant.frames:FrameError",
)


class OneLineError(click.ClickException):
    """An error shown as one line, `policyqa: error: ...`, without usage text or traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(" ".join(message.split()))
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"policyqa: error: {self.format_message()}", err=True)


def is_user_error(exc: BaseException) -> bool:
    """True for the errors of USER_ERRORS and a malformed CSV file (`csv.Error`)."""
    if isinstance(exc, csv.Error):
        return True
    for spec in USER_ERRORS:
        module_name, name = spec.split(":")
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, getattr(module, name)):
            return True
    return False


def _fail(exc: BaseException) -> NoReturn:
    raise OneLineError(str(exc) or type(exc).__name__) from exc


class LazyGroup(click.Group):
    """A click group that imports a command of COMMANDS when it is first asked for, and turns our errors into
    one line each (the traceback only with --debug or POLICYQA_DEBUG=1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, OneLineError):
            raise
        except click.UsageError as exc:  # a bad option or argument: one line too, with click's exit status 2
            if ctx.params.get("debug"):
                raise
            raise OneLineError(exc.format_message(), exc.exit_code) from exc
        except click.ClickException as exc:  # a verb's own refusal: the same one-line form
            if ctx.params.get("debug") and exc.__cause__ is not None:
                raise exc.__cause__ from exc  # what the verb caught, with its traceback
            raise OneLineError(exc.format_message(), exc.exit_code) from exc
        except Exception as exc:
            if ctx.params.get("debug") or not is_user_error(exc):
                raise
            _fail(exc)

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
@click.option("--vector-store", default=None,
              help="Where the index lives: flat or hnsw (files in the data dir), pgvector (PostgreSQL).")
@click.option("--pg-dsn", default=None,
              help="PostgreSQL connection string for --vector-store pgvector (also POLICYQA_PG_DSN; a password "
                   "here shows in `ps`: prefer the variable or ~/.pgpass).")
@click.option("--debug", is_flag=True, envvar="POLICYQA_DEBUG",
              help="Show the traceback of an error instead of its one line (also POLICYQA_DEBUG=1).")
@click.pass_context
def main(ctx: click.Context, config: Path | None, data_dir: Path | None, corpus_dir: Path | None,
         embedder: str | None, vector_store: str | None, pg_dsn: str | None, debug: bool) -> None:
    """policyqa: answers about AI-policy documents, every sentence cited."""
    # Weights ship inside pip packages; a hub look-up would only wait for a network time-out.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        ctx.obj = load_settings(
            config_path=config,
            overrides={"data_dir": data_dir, "corpus_dir": corpus_dir, "embedder": embedder,
                       "vector_store": vector_store, "pg_dsn": pg_dsn},
        )
    except SettingsError as exc:
        if debug:
            raise
        raise OneLineError(str(exc), exit_code=2) from exc
