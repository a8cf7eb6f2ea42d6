"""Load benchmark of the web UI: concurrent conversations through `gradio_client` against `policyqa ui` served
on 127.0.0.1; prints latency percentiles and the server's peak memory, and fails on any unanswered request.

Run from the repository root (needs a built index):
    .venv/bin/python bench/load_bench.py [--data-dir .policyqa] [--conversations 20] [--turns 5]

Each conversation is one client session (its own server-side conversation) asking eval-set questions with
follow-ups ("What are the penalties for that?") between them, so follow-up rewriting is under load too.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from bench_paths import EVAL_SET, REPO

from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.metrics import percentile
from index.layout import current_version_dir
from ingest.settings import load_settings

HOST = "127.0.0.1"  # loopback only
FOLLOW_UPS = ("What are the penalties for that?", "And what about the US?", "And what about the EU?",
              "Who does that apply to?", "And what about Japan?")
MAX_CONVERSATIONS = 50
MAX_TURNS = 10


@dataclass
class Conversation:
    questions: list[str]
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def plan_conversations(questions: list[str], count: int, turns: int, seed: int = 7) -> list[Conversation]:
    """`count` conversations of `turns` questions: eval questions, every second turn a follow-up."""
    rng = random.Random(seed)
    plans = []
    for _ in range(count):
        asked = []
        for turn in range(turns):
            asked.append(rng.choice(FOLLOW_UPS) if turn % 2 == 1 else rng.choice(questions))
        plans.append(Conversation(asked))
    return plans


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_serving(url: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode} before serving")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer on {url} within {timeout:.0f} s")


class MemorySampler:
    """Peak resident memory of a process: the kernel's high-water mark, checked by sampling as well."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read(self, keys: tuple[str, ...] = ("VmHWM", "VmRSS")) -> int:
        """kB: the largest of the /proc status fields `keys` (VmHWM is the peak, VmRSS the current)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines())
        except (OSError, ValueError):
            return 0
        return max(int(fields.get(k, "0 kB").split()[0]) for k in keys)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.read())
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak_kb = max(self.peak_kb, self.read())
        self._stop.set()
        self._thread.join()


def run_conversation(url: str, plan: Conversation, k: int, timeout: float, deadline: float) -> Conversation:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
    for question in plan.questions:
        if time.monotonic() > deadline:
            plan.errors.append(f"not asked (time budget spent): {question}")
            continue
        started = time.perf_counter()
        try:
            job = client.submit(question, [], k, [], [], "extractive", api_name="/ask")
            outputs = job.result(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            plan.errors.append(f"{question}: {type(exc).__name__}: {exc}")
            continue
        plan.latencies.append(time.perf_counter() - started)
        problem = answer_problem(outputs)
        if problem:
            plan.errors.append(f"{question}: {problem}")
    client.close()
    return plan


def answer_problem(outputs: Any) -> str:
    """Why the /ask outputs are not a complete answer, or ""."""
    try:
        history, markdown = outputs[1], outputs[6]
        last = history[-1]
        content = last["content"]
        text = "".join(p.get("text", "") for p in content) if isinstance(content, list) else str(content)
    except (IndexError, KeyError, TypeError) as exc:
        return f"unexpected outputs ({exc})"
    if last["role"] != "assistant" or not text.strip():
        return "no answer"
    if text.startswith("Sorry, answering failed"):
        return text
    if not markdown:
        return "no Markdown answer"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(".policyqa"), help="holds the built index")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="corpus directory (default: settings)")
    parser.add_argument("--conversations", type=int, default=20, help=f"at most {MAX_CONVERSATIONS}")
    parser.add_argument("--turns", type=int, default=5,
                        help=f"questions per conversation, at most {MAX_TURNS}")
    parser.add_argument("-k", type=int, default=10, help="passages per answer")
    parser.add_argument("--request-timeout", type=float, default=180.0, help="seconds one answer may take")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds the whole run may take")
    args = parser.parse_args()
    conversations = max(1, min(args.conversations, MAX_CONVERSATIONS))
    turns = max(1, min(args.turns, MAX_TURNS))

    settings = load_settings(overrides={"data_dir": args.data_dir, "corpus_dir": args.corpus_dir})
    if current_version_dir(settings.index_dir) is None:
        print(f"no index in {settings.index_dir}: build one first "
              f"(policyqa --data-dir {args.data_dir} index build)", file=sys.stderr)
        return 1
    items, _ = load_eval_set(EVAL_SET)
    plans = plan_conversations([item.question for item in items], conversations, turns)

    port = free_port()
    url = f"http://{HOST}:{port}/"
    command = [sys.executable, "-c", "from ui.cli import main; main()", "--data-dir", str(settings.data_dir),
               "--corpus-dir", str(settings.corpus_dir), "ui", "--host", HOST, "--port", str(port)]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            started = time.monotonic()
            wait_until_serving(url, server, timeout=180)
            print(f"server up on {url} in {time.monotonic() - started:.1f} s (pid {server.pid})")
            with MemorySampler(server.pid) as memory:
                idle_kb = memory.read(("VmRSS",))
                began = time.perf_counter()
                deadline = time.monotonic() + args.budget
                with ThreadPoolExecutor(conversations) as pool:
                    futures = [pool.submit(run_conversation, url, plan, args.k, args.request_timeout,
                                           deadline) for plan in plans]
                    done = [future.result() for future in futures]
                wall = time.perf_counter() - began
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace")[-4000:])
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    latencies = [s for plan in done for s in plan.latencies]
    errors = [e for plan in done for e in plan.errors]
    asked = conversations * turns
    print(f"{conversations} concurrent conversations x {turns} questions = {asked} requests in {wall:.1f} s "
          f"({len(latencies) / wall:.2f} answers/s)")
    if latencies:
        print(f"latency: p50 {percentile(latencies, 50):.2f} s, p95 {percentile(latencies, 95):.2f} s, "
              f"max {max(latencies):.2f} s, mean {statistics.mean(latencies):.2f} s")
    print(f"server RSS: {idle_kb / 1024:.0f} MB before the load, peak {memory.peak_kb / 1024:.0f} MB")
    if errors:
        print(f"{len(errors)} of {asked} requests failed:", file=sys.stderr)
        for error in errors[:20]:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"all {asked} requests answered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
