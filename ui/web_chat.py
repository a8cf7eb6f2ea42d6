"""Stream an answer: `Assistant.ask` runs in a worker thread and hands its text to a queue piece by piece;
the caller iterates over the growing text, then receives the finished `Answer`.

>>> for partial, answer in stream_answer(assistant, "What does the EU AI Act prohibit?"):  # doctest: +SKIP
...     print(partial if answer is None else answer.citations)
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from assistant.conversation import Conversation
from assistant.models import Answer
from assistant.pipeline import Assistant
from index.models import SearchFilters

MIN_INTERVAL_S = 0.05  # pieces arriving faster than this are shown together
KEPT_TURNS = 20  # a conversation only needs its last turn; older ones are dropped to bound memory
_DONE = object()


@dataclass(frozen=True)
class AskOptions:
    k: int | None = None
    generator: str | None = None
    filters: SearchFilters | None = None


def stream_answer(assistant: Assistant, question: str, conversation: Conversation | None = None,
                  options: AskOptions = AskOptions(),
                  guard: AbstractContextManager[object] | None = None) -> Iterator[tuple[str, Answer | None]]:
    """Yield (text so far, None) while the answer is produced, then (full text, answer). `guard` is held
    around the question (a lock for a generator that answers one question at a time). The worker's error,
    if any, is raised here."""
    pieces: queue.Queue[object] = queue.Queue()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            with guard or nullcontext():
                outcome["answer"] = assistant.ask(question, k=options.k, generator=options.generator,
                                                  filters=options.filters, conversation=conversation,
                                                  on_token=pieces.put)
            if conversation is not None and len(conversation.turns) > KEPT_TURNS:
                del conversation.turns[:-KEPT_TURNS]
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc
        finally:
            pieces.put(_DONE)

    threading.Thread(target=work, name="policyqa-ask", daemon=True).start()
    text, done, last = "", False, 0.0
    while not done:
        batch = [pieces.get()]
        wait = MIN_INTERVAL_S - (time.monotonic() - last)
        if wait > 0:
            time.sleep(wait)
        while True:
            try:
                batch.append(pieces.get_nowait())
            except queue.Empty:
                break
        done = _DONE in batch
        grown = "".join(p for p in batch if isinstance(p, str))
        if grown:
            text += grown
            last = time.monotonic()
            if not done:
                yield text, None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    answer = outcome["answer"]
    assert isinstance(answer, Answer)
    yield text, answer
