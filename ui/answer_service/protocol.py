"""What the answer endpoint and its clients agree on: where the socket lives, the identity a client must
share with the server to be answered by it, the options of a question, and one JSON message per line.

>>> options = AskOptions(k=5, generator=None, jurisdictions=("eu",), doc_ids=(), as_json=False)
>>> AskOptions.from_dict(json.loads(json.dumps(options.to_dict()))) == options
True
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from index.backends.factory import published_version
from index.models import SearchFilters
from ingest.fact_edits import fact_edits_stamp, with_facts_stamp
from ingest.settings import Settings

PROTOCOL_VERSION = 1
RUN_DIR = "run"  # created 0700: only its owner can reach the socket inside
SOCKET_FILE = "ask.sock"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # an answer with its passages as JSON is well under 1 MB
# The packages whose code shapes an answer and its rendering: a server running older code is not used.
_CODE_PACKAGES = ("ingest", "index", "assistant", "ui")


class ProtocolError(Exception):
    """The other side sent something that is not a message of this protocol, or hung up."""


@dataclass(frozen=True)
class AskOptions:
    """The options of `policyqa ask` that change an answer or its rendering."""

    k: int | None
    generator: str | None
    jurisdictions: tuple[str, ...]
    doc_ids: tuple[str, ...]
    as_json: bool

    @property
    def filters(self) -> SearchFilters:
        return SearchFilters(jurisdictions=frozenset(self.jurisdictions), doc_ids=frozenset(self.doc_ids))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "jurisdictions": list(self.jurisdictions), "doc_ids": list(self.doc_ids)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AskOptions:
        values = {f.name: data[f.name] for f in fields(cls)}
        return cls(**{**values, "jurisdictions": tuple(values["jurisdictions"]),
                      "doc_ids": tuple(values["doc_ids"])})


def socket_path(settings: Settings) -> Path:
    return settings.data_dir / RUN_DIR / SOCKET_FILE


def index_version(settings: Settings) -> str:
    """The published index version (local files or PostgreSQL, whichever holds it) with the stamp of the edited
    document facts read with it, as `Searcher.facts_version` names what is loaded; "" without an index. Read, not
    loaded: a long-running reader compares it at every request to know whether to reload."""
    return with_facts_stamp(published_version(settings), fact_edits_stamp(settings.data_dir))


def settings_key(settings: Settings) -> str:
    """Equal for equal settings, wherever the process was started (paths are made absolute)."""
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    resolved = {name: str(Path(value).resolve()) if isinstance(value, Path) else value
                for name, value in values.items()}
    return hashlib.sha256(json.dumps(resolved, sort_keys=True, default=str).encode()).hexdigest()[:16]


def code_key() -> str:
    """Identifies the policyqa code and the interpreter: names, sizes and change times of the sources (a few
    hundred stat calls, about a millisecond), so an edited or reinstalled policyqa never serves old output."""
    digest = hashlib.sha256(f"{PROTOCOL_VERSION}\x1f{sys.prefix}\x1f{sys.version}".encode())
    root = Path(__file__).resolve().parents[2]
    for package in _CODE_PACKAGES:
        for file in sorted((root / package).rglob("*.py")):
            stat = file.stat()
            digest.update(f"{file.relative_to(root)}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def identity(settings: Settings, version: str, code: str) -> dict[str, str]:
    """What client and server must share: data directory, settings, index version and code."""
    return {"data_dir": str(settings.data_dir.resolve()), "settings": settings_key(settings),
            "index": version, "code": code}


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (Linux SO_PEERCRED)."""
    credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return int(uid)


def send(stream: Any, message: dict[str, Any]) -> None:
    """Write one message: a line of JSON (json.dumps escapes every newline inside strings)."""
    stream.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    stream.flush()


def receive(stream: Any) -> dict[str, Any]:
    """Read one message; ProtocolError when the other side hung up or sent something else."""
    line = stream.readline(MAX_MESSAGE_BYTES)
    if not line.endswith(b"\n"):
        raise ProtocolError("connection closed" if not line else "message too long or cut off")
    try:
        message = json.loads(line)
    except ValueError as exc:
        raise ProtocolError(f"not JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise ProtocolError("not a JSON object")
    return message
