"""The client side of the answer endpoint: a session of `policyqa ask` answered by a running policyqa process.

>>> session = RemoteSession.open(settings, options)  # doctest: +SKIP
>>> session.ask("What are the four functions of the AI RMF?") if session else None  # doctest: +SKIP
'The AI RMF Core provides … [1] …'

`open` returns None, quickly and without a word, whenever the endpoint cannot be used: no socket, a stale one,
another user's process, or a process with another data directory, settings, index version or code. `ask`
returns None when the process goes away mid-session; the caller then answers on its own.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from index.backends.factory import published_version
from ingest.settings import Settings
from ui.answer_service.protocol import (
    AskOptions,
    ProtocolError,
    code_key,
    identity,
    peer_uid,
    receive,
    send,
    socket_path,
)

# The server replies to a hello at once (after a rebuild it first loads the new index: a second or two).
HELLO_TIMEOUT_S = 15.0
# An answer takes well under a second; a server this late is stuck, and answering here is quicker.
ANSWER_TIMEOUT_S = 120.0


class RemoteSession:
    """An open session with the answer endpoint: one conversation, so follow-ups keep their context."""

    def __init__(self, connection: socket.socket, rfile: Any, wfile: Any) -> None:
        self._connection = connection
        self._rfile = rfile
        self._wfile = wfile

    @classmethod
    def open(cls, settings: Settings, options: AskOptions) -> RemoteSession | None:
        path = socket_path(settings)
        version = published_version(settings)  # local files or PostgreSQL: whichever holds the index
        if not version or not hasattr(socket, "AF_UNIX") or not path.exists():
            return None
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.settimeout(HELLO_TIMEOUT_S)
            connection.connect(str(path))
            if peer_uid(connection) != os.getuid():
                raise ProtocolError("the socket belongs to another user")
            rfile, wfile = connection.makefile("rb"), connection.makefile("wb")
            send(wfile, {"identity": identity(settings, version, code_key()), "options": options.to_dict()})
            if receive(rfile).get("ok") is not True:
                raise ProtocolError("refused")
        except (OSError, ProtocolError):
            connection.close()
            return None
        connection.settimeout(ANSWER_TIMEOUT_S)
        return cls(connection, rfile, wfile)

    def ask(self, question: str) -> str | None:
        """The answer as `ask` prints it, or None when the server is gone or could not answer."""
        try:
            send(self._wfile, {"question": question})
            output = receive(self._rfile).get("output")
        except (OSError, ProtocolError):
            output = None
        if not isinstance(output, str):
            self.close()
            return None
        return output

    def close(self) -> None:
        for closable in (self._rfile, self._wfile, self._connection):
            try:
                closable.close()
            except OSError:
                pass
