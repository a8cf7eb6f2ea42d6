"""`policyqa ui`: the web UI on this machine (127.0.0.1 by default), optionally behind a login; while it runs
it also answers `policyqa ask` for its data directory (ui/answer_service).

    $ policyqa ui --port 7860
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.settings import Settings

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("ui")
@click.option("--host", default=None, help="Address to listen on (default: settings.ui_host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: settings.ui_port, 7860).")
@click.option("--auth", default=None, metavar="USER:PASSWORD",
              help="Require this login (default: settings.ui_auth; empty means no login). Visible to every "
                   "local user in `ps`: prefer --auth-file or POLICYQA_UI_AUTH.")
@click.option("--auth-file", type=click.Path(path_type=Path), default=None,
              help="Require a login from this file of user:password lines (default: settings.ui_auth_file).")
@click.option("--share", is_flag=True, help="Also open a public gradio.live link (off unless given).")
@click.pass_obj
def ui_command(settings: Settings, host: str | None, port: int | None, auth: str | None,
               auth_file: Path | None, share: bool) -> None:
    """Serve the chat and documents UI in the browser."""
    from ui.answer_service.server import AnswerServer
    from ui.web import create_app, launch_app, login_accounts
    from ui.web.auth import AuthError

    try:
        logins = login_accounts(settings, auth, auth_file)
    except AuthError as exc:
        hint = "--auth-file" if auth_file or settings.ui_auth_file else "--auth"
        raise click.BadParameter(str(exc), param_hint=hint) from exc
    host = host or settings.ui_host
    if host not in LOOPBACK and logins is None:
        click.echo(f"Warning: listening on {host} without a login (--auth-file, POLICYQA_UI_AUTH or --auth): "
                   "anyone who can reach it can use the UI and add documents.", err=True)
    if share and logins is None:
        click.echo("Warning: --share without a login (--auth-file, POLICYQA_UI_AUTH or --auth): anyone with "
                   "the public link can use the UI and add documents.", err=True)
    assistant = _loaded(settings)
    # without an index, the app itself says how to build one
    demo = create_app(settings, assistant) if assistant is not None else create_app(settings)
    # `policyqa ask` answered from this process's memory while it runs (ui/answer_service)
    server = AnswerServer(settings, assistant) if assistant is not None else None
    if server is not None:
        server.start()
    try:
        launch_app(demo, settings, host=host, port=port, auth=auth, auth_file=auth_file, share=share)
    finally:
        if server is not None:
            server.close()


def _loaded(settings: Settings) -> Assistant | None:
    """The assistant, or None without a usable index (the app then says how to build one)."""
    from assistant.pipeline import Assistant
    from index.embed import use_query_threads
    from index.layout import IndexMismatchError, IndexNotBuiltError

    use_query_threads()
    try:
        return Assistant.load(settings)
    except (IndexNotBuiltError, IndexMismatchError):
        return None
