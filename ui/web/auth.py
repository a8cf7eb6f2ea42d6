"""The web UI's logins: the accounts (from --auth, a file of user:password lines, the settings), the admin who
alone may add documents and rebuild, and the throttle that refuses a client's logins for a while after
repeated failures (gradio's login route does not see the client, so an ASGI middleware around it does).

>>> throttle = LoginThrottle(clock=time.monotonic)
>>> throttle.retry_after("10.0.0.7")
0.0
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FREE_FAILURES = 5  # consecutive failed logins of one client before it must wait
FIRST_DELAY_S = 30.0  # the wait after the 5th failure; it doubles with each failure after that
MAX_DELAY_S = 3600.0
FORGET_AFTER_S = 24 * 3600.0  # a client idle this long starts afresh (bounds the memory held per client)
MAX_CLIENTS = 10_000  # clients remembered before the idle ones are forgotten
LOGIN_PATHS = frozenset({"/login", "/login/"})  # gradio's login route (gradio/routes.py)


class AuthError(ValueError):
    """A login credential or the file of them is malformed."""


@dataclass(frozen=True)
class Accounts:
    """Who may log in, and which of them is the admin (None: no admin set, every user may add and rebuild)."""

    logins: tuple[tuple[str, str], ...]
    admin: str | None = None

    def may_change_corpus(self, username: str | None) -> bool:
        return self.admin is None or username == self.admin


def parse_auth(value: str) -> tuple[str, str] | None:
    """"user:password" as a (user, password) pair; "" as None. Raises `AuthError` for another form.

    >>> parse_auth("ada:s3cret:x")
    ('ada', 's3cret:x')
    """
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise AuthError("auth must be given as user:password")
    return user.strip(), password


def read_auth_file(path: Path) -> tuple[tuple[str, str], ...]:
    """The user:password lines of `path` (blank lines and lines starting with # skipped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthError(f"{path}: cannot read the login file: {exc}") from exc
    logins = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            login = parse_auth(line)
        except AuthError:
            raise AuthError(f"{path}, line {number}: expected user:password") from None
        if login is not None:
            logins.append(login)
    if not logins:
        raise AuthError(f"{path}: no user:password line")
    return tuple(logins)


def accounts(auth: str = "", auth_file: Path | None = None, admin_auth: str = "") -> Accounts | None:
    """The accounts of --auth (or ui_auth), the login file and ui_admin_auth together; None when none is
    given (no login). Raises `AuthError` for a malformed one or a user given two passwords."""
    logins = [login for login in (parse_auth(auth),) if login is not None]
    if auth_file is not None:
        logins.extend(read_auth_file(auth_file))
    admin = parse_auth(admin_auth)
    if admin is not None:
        logins.append(admin)
    passwords: dict[str, str] = {}
    for user, password in logins:
        if passwords.setdefault(user, password) != password:
            raise AuthError(f"user {user!r} is given two different passwords")
    if not passwords:
        return None
    return Accounts(tuple(passwords.items()), admin[0] if admin else None)


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last_seen: float = 0.0


class LoginThrottle:
    """Consecutive failed logins per client: after the 5th, the client waits 30 s, and each further failure
    doubles the wait up to 1 h; a successful login forgets the client. `clock` gives seconds (monotonic); the
    counts and delays are parameters so that a test can wait a second rather than thirty."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, free_failures: int = FREE_FAILURES,
                 first_delay_s: float = FIRST_DELAY_S, max_delay_s: float = MAX_DELAY_S) -> None:
        self.clock = clock
        self.free_failures, self.first_delay_s, self.max_delay_s = free_failures, first_delay_s, max_delay_s
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()  # the app's routes run on its event loop, tests may call from threads

    def retry_after(self, client: str) -> float:
        """Seconds before `client` may try again; 0 when it may now."""
        with self._lock:
            record = self._records.get(client)
            return max(0.0, record.locked_until - self.clock()) if record else 0.0

    def failed(self, client: str) -> float:
        """Record a failed login; returns the wait it imposes (0 before the 5th consecutive failure)."""
        now = self.clock()
        with self._lock:
            if len(self._records) >= MAX_CLIENTS:
                self._forget_idle(now)
            record = self._records.setdefault(client, _Record())
            record.failures += 1
            record.last_seen = now
            if record.failures < self.free_failures:
                return 0.0
            delay = min(self.max_delay_s, self.first_delay_s * 2 ** (record.failures - self.free_failures))
            record.locked_until = now + delay
            return delay

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._records.pop(client, None)

    def _forget_idle(self, now: float) -> None:
        idle = [c for c, r in self._records.items()
                if now - r.last_seen > FORGET_AFTER_S and r.locked_until <= now]
        for client in idle:
            del self._records[client]


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class LoginThrottleMiddleware:
    """ASGI middleware around gradio's POST /login: a throttled client gets 429 with Retry-After before its
    password is looked at; the route's answer (200 accepted, 400 refused) is counted for the client."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], throttle: LoginThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        # the peer address: behind a reverse proxy, every client is the proxy (see README, Security)
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.throttle.retry_after(client)
        if wait > 0:
            await _too_many(send, wait)
            return
        status: list[int] = []

        async def observed(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, observed)
        if status and status[0] == 200:
            self.throttle.succeeded(client)
        elif status and status[0] in (400, 401):
            self.throttle.failed(client)


async def _too_many(send: Send, wait: float) -> None:
    seconds = max(1, round(wait + 0.49))
    body = json.dumps({"detail": f"Too many failed logins: try again in {seconds} s."}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", str(seconds).encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
