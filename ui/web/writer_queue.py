"""The queue in front of the answer-writing model: a local model writes one answer at a time, first come first
served, and each waiting request knows how many are ahead of it. Extractive answers never pass through it.

>>> writers = WriterQueue()
>>> first, second = writers.join(), writers.join()
>>> writers.ahead(first), writers.ahead(second)
(0, 1)
>>> writers.leave(first)
>>> writers.ahead(second)
0
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriterQueue:
    """Tickets in arrival order; the first one may use the model. A ticket leaves when its request is done,
    or when its requester goes away while still waiting."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: list[int] = []
        self._issued = 0

    def join(self) -> int:
        """A ticket at the end of the queue."""
        with self._changed:
            self._issued += 1
            self._waiting.append(self._issued)
            return self._issued

    def ahead(self, ticket: int) -> int:
        """How many requests are before `ticket` (0: its turn, or it has left)."""
        with self._changed:
            return self._ahead(ticket)

    def wait(self, ticket: int, timeout: float) -> int:
        """Wait up to `timeout` seconds for the queue to move up to `ticket`; returns how many are still ahead
        of it (0: its turn)."""
        with self._changed:
            before = self._ahead(ticket)
            self._changed.wait_for(lambda: self._ahead(ticket) != before, timeout)
            return self._ahead(ticket)

    def _ahead(self, ticket: int) -> int:
        return self._waiting.index(ticket) if ticket in self._waiting else 0

    def leave(self, ticket: int) -> None:
        """Take `ticket` out of the queue (done, or given up); the next one's turn may come. Idempotent."""
        with self._changed:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
                self._changed.notify_all()

    @contextmanager
    def held(self, ticket: int) -> Iterator[None]:
        """Leave the queue when the block ends, however it ends."""
        try:
            yield
        finally:
            self.leave(ticket)

    def __len__(self) -> int:
        with self._changed:
            return len(self._waiting)
