"""`policyqa ui`: the web UI on this machine (127.0.0.1 by default), optionally behind a login; while it runs
it also answers `policyqa ask` for its data directory (ui/answer_service).

    $ policyqa ui --port 7860
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ingest.settings import Settings

if TYPE_CHECKING:
    from assistant.pipeline import Assistant


@click.command("ui")
@click.option("--host", default=None, help="Address to listen on (default: settings.ui_host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: settings.ui_port, 7860).")
@click.option("--auth", default=None, metavar="USER:PASSWORD",
              help="Require this login (default: settings.ui_auth; empty means no login).")
@click.option("--share", is_flag=True, help="Also open a public gradio.live link (off unless given).")
@click.pass_obj
def ui_command(settings: Settings, host: str | None, port: int | None, auth: str | None, share: bool) -> None:
    """Serve the chat and documents UI in the browser."""
    from ui.answer_service.server import AnswerServer
    from ui.web import create_app, launch_app, parse_auth

    try:
        parse_auth(auth or settings.ui_auth)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--auth") from exc
    host = host or settings.ui_host
    if host not in ("127.0.0.1", "localhost", "::1") and not (auth or settings.ui_auth):
        click.echo(f"Warning: listening on {host} without --auth: anyone who can reach it can use the UI "
                   "and add documents.", err=True)
    if share and not (auth or settings.ui_auth):
        click.echo("Warning: --share without --auth: anyone with the public link can use the UI and add "
                   "documents.", err=True)
    assistant = _loaded(settings)
    # without an index, the app itself says how to build one
    demo = create_app(settings, assistant) if assistant is not None else create_app(settings)
    # `policyqa ask` answered from this process's memory while it runs (ui/answer_service)
    server = AnswerServer(settings, assistant) if assistant is not None else None
    if server is not None:
        server.start()
    try:
        launch_app(demo, settings, host=host, port=port, auth=auth, share=share)
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
