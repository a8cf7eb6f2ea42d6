"""Stream an answer: the pipeline runs in a worker thread and hands its text to a queue piece by piece; the
caller iterates over the growing text, then receives the finished `Answer`.

Text that arrives in one burst (the extractive writer composes its answer in a fraction of a second) is
revealed over a few steps, as a written answer would be; text that arrives slowly (a local model) is shown
as it comes. Either way the reader sees the answer grow, then its citations.

>>> for partial, answer in stream_answer(assistant, "What does the EU AI Act prohibit?"):  # doctest: +SKIP
...     print(partial if answer is None else answer.citations)
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from assistant.conversation import Conversation
from assistant.models import Answer
from assistant.pipeline import Assistant
from index.models import SearchFilters

MIN_INTERVAL_S = 0.05  # pieces arriving faster than this are shown together
REVEAL_STEPS = 6  # a burst of text is revealed a sixth of what is left at a time…
REVEAL_MIN_CHARS = 24  # …and at least this much: a 500-character answer takes about half a second
KEPT_TURNS = 20  # a conversation only needs its last turn; older ones are dropped to bound memory
_DONE = object()

TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class AskOptions:
    k: int | None = None
    generator: str | None = None
    filters: SearchFilters | None = None


def next_stop(text: str, shown: int) -> int:
    """How much of `text` to show after `shown` characters: a share of the rest, ending after a word.

    >>> next_stop("Employers may not use emotion recognition at work.", 0)  # 24 characters, to the word's end
    30
    >>> next_stop("short", 0)
    5
    """
    step = max(REVEAL_MIN_CHARS, math.ceil((len(text) - shown) / REVEAL_STEPS))
    stop = shown + step
    if stop >= len(text):
        return len(text)
    space = text.find(" ", stop)
    return len(text) if space < 0 else space + 1


def stream_call(call: Callable[[TokenSink], Answer],
                guard: AbstractContextManager[object] | None = None) -> Iterator[tuple[str, Answer | None]]:
    """Run `call(on_token)` in a worker thread; yield (text so far, None) while it streams, then (full text,
    answer). `guard` is held in the worker around the call, so that it is released when the call ends even
    if the caller stops iterating (a browser closed mid-answer). The worker's error is raised here."""
    pieces: queue.Queue[object] = queue.Queue()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            with guard or nullcontext():
                outcome["answer"] = call(pieces.put)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc
        finally:
            pieces.put(_DONE)

    threading.Thread(target=work, name="policyqa-answer", daemon=True).start()
    text, shown, done, last = "", 0, False, 0.0
    while True:
        # wait for more text only when all that came is shown; then let pieces gather for an interval
        batch = [pieces.get()] if not done and shown >= len(text) else []
        wait = MIN_INTERVAL_S - (time.monotonic() - last)
        if wait > 0:
            time.sleep(wait)
        if not done:
            batch += _drain(pieces)
            done = _DONE in batch
            text += "".join(p for p in batch if isinstance(p, str))
        if shown < len(text):
            shown = next_stop(text, shown)
            if not done or shown < len(text):  # the whole text is shown with its answer, below
                last = time.monotonic()
                yield text[:shown], None
                continue
        if done:
            break
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    answer = outcome["answer"]
    assert isinstance(answer, Answer)
    yield text, answer


def _drain(pieces: queue.Queue[object]) -> list[object]:
    batch = []
    while True:
        try:
            batch.append(pieces.get_nowait())
        except queue.Empty:
            return batch


def stream_answer(assistant: Assistant, question: str, conversation: Conversation | None = None,
                  options: AskOptions = AskOptions()) -> Iterator[tuple[str, Answer | None]]:
    """`Assistant.ask` streamed by `stream_call`; the conversation keeps its last KEPT_TURNS turns."""

    def ask(on_token: TokenSink) -> Answer:
        answer = assistant.ask(question, k=options.k, generator=options.generator, filters=options.filters,
                               conversation=conversation, on_token=on_token)
        if conversation is not None and len(conversation.turns) > KEPT_TURNS:
            del conversation.turns[:-KEPT_TURNS]
        return answer

    return stream_call(ask)
