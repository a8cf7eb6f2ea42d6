"""Thread counts are set once per process role, never changed by an encode: concurrent encodes and a sampler
of the count see the same number throughout; a query process that never loads torch limits numpy's BLAS, and
torch too when something loads it later."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import torch
from threadpoolctl import threadpool_info, threadpool_limits

from index.embed import QUERY_THREADS, Embedder, use_query_threads


def _blas_threads() -> dict[str, int]:
    return {info["filepath"]: info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}


def test_encoding_never_changes_the_thread_count_the_role_set(session_embedder: Embedder) -> None:
    before, blas_before = torch.get_num_threads(), _blas_threads()
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
        for threads in set(blas_before.values()):
            threadpool_limits(limits=threads, user_api="blas")


def test_a_query_process_without_torch_limits_blas_and_torch_when_it_comes() -> None:
    script = ("import sys; from threadpoolctl import threadpool_info; from index.embed import Embedder, "
              "use_query_threads; from ingest.settings import DEFAULT_EMBEDDER; use_query_threads(); "
              "e = Embedder.load(DEFAULT_EMBEDDER); e.encode(['Which AI practices does the Act prohibit?']); "
              "print('torch' in sys.modules, sorted({i['num_threads'] for i in threadpool_info() "
              "if i['user_api'] == 'blas'})); import torch; print(torch.get_num_threads())")
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == [f"False [{QUERY_THREADS}]", str(QUERY_THREADS)], done.stderr
