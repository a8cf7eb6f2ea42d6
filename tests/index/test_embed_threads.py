"""Torch's thread count is set once per process role, never changed by an encode: concurrent encodes and a
sampler of the count see the same number throughout."""

from __future__ import annotations

import threading

import torch

from index.embed import QUERY_THREADS, Embedder, use_query_threads


def test_encoding_never_changes_the_thread_count_the_role_set(session_embedder: Embedder) -> None:
    before = torch.get_num_threads()
    torch.set_num_threads(2)  # as a build on two cores would run
    seen: set[int] = set()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            seen.add(torch.get_num_threads())

    def encode() -> None:
        for _ in range(5):
            session_embedder.encode(["Which AI practices does the Act prohibit?"])

    try:
        sampler = threading.Thread(target=sample)
        sampler.start()
        workers = [threading.Thread(target=encode) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        done.set()
        sampler.join()
        assert seen == {2}
        use_query_threads()
        assert torch.get_num_threads() == QUERY_THREADS
        vector = session_embedder.encode(["Which AI practices does the Act prohibit?"])
        assert vector.shape == (1, session_embedder.dimension) and torch.get_num_threads() == QUERY_THREADS
    finally:
        torch.set_num_threads(before)
