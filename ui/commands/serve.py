"""`policyqa serve`: keep the index and the model in memory and answer `policyqa ask` from there, through a
Unix socket in the data directory, until Ctrl-C (`policyqa ui` does the same beside the web app).

    $ policyqa serve &
    $ policyqa ask "What does Article 5 prohibit?"   # answered by the server: no loading
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from ingest.settings import Settings


@click.command("serve")
@click.pass_obj
def serve(settings: Settings) -> None:
    """Answer `policyqa ask` from memory until interrupted, so that each ask skips loading."""
    from assistant.pipeline import Assistant
    from index.embed import use_query_threads
    from index.layout import IndexMismatchError, IndexNotBuiltError
    from ui.answer_service.server import AnswerServer, answering

    use_query_threads()
    try:
        assistant = Assistant.load(settings)
    except (IndexNotBuiltError, IndexMismatchError) as exc:
        raise click.ClickException(str(exc)) from exc
    server = AnswerServer(settings, assistant)
    if not server.start():
        why = "another policyqa answers there" if answering(server.path) else "no Unix socket can be made"
        raise click.ClickException(f"cannot serve at {server.path}: {why}")
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)  # a plain `kill` removes the socket too
    click.echo(f"Answering `policyqa ask` for {settings.data_dir} at {server.path}; Ctrl-C stops.")
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
