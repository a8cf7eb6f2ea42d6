"""The answer endpoint: a Unix socket in the data directory through which a process that has the assistant
in memory (`policyqa ui`, `policyqa serve`) answers `policyqa ask` sessions, exactly as `ask` prints them.

>>> server = AnswerServer(settings, Assistant.load(settings))  # doctest: +SKIP
>>> server.start()  # answers in a background thread until server.close()  # doctest: +SKIP
True

Only the same user reaches it: the socket sits in a 0700 folder and every peer's user id is checked. A session
is refused (the client then answers on its own) unless the client has the same data directory, settings, index
version and code; the LLM writer is left to the client, whose own process keeps one model to one question.
"""

from __future__ import annotations

import os
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any, Self

from assistant.conversation import Conversation
from assistant.pipeline import Assistant
from index.backends.factory import published_version
from ingest.settings import Settings
from ui.answer_service import protocol
from ui.answer_service.protocol import AskOptions, ProtocolError
from ui.commands.ask import answer_text


class _SocketServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True  # a client that never hangs up must not keep the process alive
    block_on_close = False
    owner: AnswerServer


class _Session(socketserver.StreamRequestHandler):
    server: _SocketServer

    def handle(self) -> None:
        try:
            self.server.owner.serve_session(self.connection, self.rfile, self.wfile)
        except (OSError, ProtocolError, AttributeError, KeyError, TypeError, ValueError):
            pass  # the client hung up or spoke nonsense; it answers on its own


class AnswerServer:
    """Serves `ask` sessions for one data directory from an assistant already in memory; a newer index
    version that a client reads is loaded once (with the same embedder) and then served."""

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        self.settings = settings
        self.path = protocol.socket_path(settings)
        self.code = protocol.code_key()
        self.answered = 0  # questions answered so far
        self._assistant = assistant
        self._lock = threading.Lock()
        self._server: _SocketServer | None = None
        self._inode = 0
        self._open: set[socket.socket] = set()  # the connections of sessions under way

    @property
    def index_version(self) -> str:
        """The index version served (a client reading another, newer one has it loaded)."""
        with self._lock:
            return self._assistant.searcher.version

    def start(self) -> bool:
        """Listen (answering in a background thread); False when another live process already answers here
        or this system cannot (no Unix sockets, a path too long for one)."""
        if not hasattr(socket, "AF_UNIX") or answering(self.path):
            return False
        run_dir = self.path.parent
        run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(run_dir, 0o700)
        if run_dir.stat().st_uid != os.getuid():
            return False
        # bound under a private name, then renamed: a client never meets a half-made socket
        temporary = run_dir / f".{self.path.name}.{os.getpid()}.{threading.get_ident()}"
        temporary.unlink(missing_ok=True)
        try:
            server = _SocketServer(str(temporary), _Session)
        except OSError:
            return False
        server.owner = self
        os.replace(temporary, self.path)
        self._inode = self.path.stat().st_ino
        self._server = server
        threading.Thread(target=server.serve_forever, name="policyqa-answer-server", daemon=True).start()
        return True

    def close(self) -> None:
        """Stop listening and end the sessions under way (their clients go on answering by themselves)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        with self._lock:
            for connection in self._open:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        try:
            if self.path.stat().st_ino == self._inode:  # not a socket a later server put in its place
                self.path.unlink()
        except OSError:
            pass

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve_session(self, connection: socket.socket, rfile: Any, wfile: Any) -> None:
        """One client's session: a hello, then its questions in turn, sharing one conversation."""
        if protocol.peer_uid(connection) != os.getuid():
            return
        hello = protocol.receive(rfile)
        options = AskOptions.from_dict(hello["options"])
        assistant = self._assistant_for(hello.get("identity", {}), options)
        if assistant is None:
            protocol.send(wfile, {"ok": False})
            return
        protocol.send(wfile, {"ok": True})
        with self._lock:
            self._open.add(connection)
        try:
            self._answer_questions(assistant, options, rfile, wfile)
        finally:
            with self._lock:
                self._open.discard(connection)

    def _answer_questions(self, assistant: Assistant, options: AskOptions, rfile: Any, wfile: Any) -> None:
        conversation = Conversation()
        while True:
            try:
                question = protocol.receive(rfile)["question"]
            except ProtocolError:
                return  # the session is over
            try:
                output = answer_text(assistant, question, options, conversation)
            except Exception as exc:  # noqa: BLE001 - the client answers this question itself, error and all
                protocol.send(wfile, {"error": f"{type(exc).__name__}: {exc}"})
                return
            with self._lock:
                self.answered += 1
            protocol.send(wfile, {"output": output})

    def _assistant_for(self, theirs: dict[str, str], options: AskOptions) -> Assistant | None:
        """The assistant for a client with this identity, or None when it must answer on its own."""
        if (options.generator or self.settings.generator) != "extractive":
            return None
        with self._lock:
            current = self._assistant
            version = current.searcher.version
            if theirs == protocol.identity(self.settings, version, self.code):
                return current
            if theirs != protocol.identity(self.settings, theirs.get("index", ""), self.code) or (
                    theirs["index"] != published_version(self.settings)):
                return None
            try:  # the index was rebuilt since: load the client's (the current) version, keeping the model
                loaded = Assistant.load(self.settings, embedder=current.searcher.embedder)
            except Exception:  # noqa: BLE001 - a broken or half-built index: the client reports it
                return None
            if loaded.searcher.version != theirs["index"]:
                return None
            self._assistant = loaded
            return loaded


def answering(path: Path) -> bool:
    """Whether a live process accepts connections on the socket at `path` (a stale file does not)."""
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True
