"""The queue in front of the answer-writing model: first come first served, each waiter knows how many are
ahead, and a request leaves it when its writing ends, even when its page went away meanwhile."""

from __future__ import annotations

import threading
import time

from assistant.models import Answer
from ui.web.stream import stream_call
from ui.web.writer_queue import WriterQueue


def test_requests_are_served_in_arrival_order_and_see_how_many_are_ahead() -> None:
    writers = WriterQueue()
    tickets = [writers.join() for _ in range(3)]
    assert [writers.ahead(t) for t in tickets] == [0, 1, 2]
    served: list[int] = []
    seen: list[int] = []

    def request(ticket: int) -> None:
        ahead = writers.ahead(ticket)
        while ahead:
            seen.append(ahead)
            ahead = writers.wait(ticket, 5)
        served.append(ticket)
        time.sleep(0.05)  # writing
        writers.leave(ticket)

    threads = [threading.Thread(target=request, args=(t,)) for t in reversed(tickets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert served == tickets and sorted(seen) == [1, 1, 2] and len(writers) == 0


def test_a_request_given_up_while_waiting_lets_the_next_one_go_first() -> None:
    writers = WriterQueue()
    first, gone, last = writers.join(), writers.join(), writers.join()
    writers.leave(gone)
    writers.leave(gone)  # idempotent
    assert writers.ahead(last) == 1
    writers.leave(first)
    assert writers.wait(last, 0.1) == 0


def test_the_ticket_is_released_when_writing_ends_not_when_the_reader_stops() -> None:
    writers = WriterQueue()
    ticket, waiting = writers.join(), writers.join()
    finish = threading.Event()

    def write(on_token) -> Answer:  # type: ignore[no-untyped-def]
        on_token("Fines of up to ")
        finish.wait(5)
        return Answer(question="q", text="Fines of up to", citations=(), passages=(), abstained=False)

    stream = stream_call(write, writers.held(ticket))
    assert next(stream) == ("Fines of up to ", None)
    stream.close()  # the page went away mid-answer: the model is still writing
    assert writers.ahead(waiting) == 1
    finish.set()
    assert writers.wait(waiting, 5) == 0
