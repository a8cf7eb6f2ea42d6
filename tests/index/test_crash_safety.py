"""A real `policyqa index build --full` killed at several points, and two builds at once: the index that was
there before still loads and answers the same, and the next build cleans up after the dead one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import Embedder
from index.layout import VERSIONS_DIR, current_version_dir
from index.search import Searcher
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"

QUERIES = ("safety testing of dual-use foundation models", "trustworthy AI principles",
           "national policy framework for AI")
BUILD_TIMEOUT_S = 300


def results(settings: Settings, embedder: Embedder) -> list[list[str]]:
    searcher = Searcher.load(settings, embedder)
    return [[p.chunk.chunk_id for p in searcher.search(q, k=10)] for q in QUERIES]


def start_build(settings: Settings, cwd: Path) -> subprocess.Popen[str]:
    """`policyqa index build --full` in a child process, on the corpus and data dir of `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update(HF_HUB_OFFLINE="1", POLICYQA_MANIFEST_PATH=str(settings.manifest_path.resolve()),
               PYTHONUNBUFFERED="1")
    command = [sys.executable, "-c", "from ui.cli import main; main()", "--data-dir", str(settings.data_dir),
               "--corpus-dir", str(settings.corpus_dir), "index", "build", "--full"]
    return subprocess.Popen(command, cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def versions(settings: Settings) -> set[str]:
    folder = settings.index_dir / VERSIONS_DIR
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def kill_when(process: subprocess.Popen[str], ready: threading.Event | None, deadline_s: float,
              settings: Settings | None = None) -> bool:
    """SIGKILL the process once `ready` is set, a new version folder appears (when `settings` is given) or the
    deadline passes; False when it had already exited."""
    known = versions(settings) if settings is not None else set()
    started = time.monotonic()
    while process.poll() is None:
        if ready is not None and ready.is_set():
            break
        if settings is not None and versions(settings) - known:
            break
        if ready is None and settings is None and time.monotonic() - started >= deadline_s:
            break
        if time.monotonic() - started > BUILD_TIMEOUT_S:
            break
        time.sleep(0.002)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return alive


def watch_stdout(process: subprocess.Popen[str], marker: str) -> threading.Event:
    seen = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(marker):
                seen.set()

    threading.Thread(target=read, daemon=True).start()
    return seen


@pytest.mark.slow
def test_build_killed_at_any_point_leaves_the_previous_index_loadable(
        small_settings: Settings, session_embedder: Embedder, tmp_path: Path) -> None:
    build_index(small_settings, files_to_ingest(small_settings), embedder=session_embedder)
    published = current_version_dir(small_settings.index_dir)
    expected = results(small_settings, session_embedder)

    kills, unfinished = [], set()
    for point in ("after 1 s", "after 3 s", "[ingest]", "[embed]", "while writing the new version"):
        process = start_build(small_settings, tmp_path)
        if point.startswith("after"):
            watch_stdout(process, "")  # keep the pipe drained
            killed = kill_when(process, None, float(point.split()[1]))
        elif point.startswith("["):  # the stage the CLI has just announced
            killed = kill_when(process, watch_stdout(process, point), 0)
        else:
            watch_stdout(process, "")
            killed = kill_when(process, None, 0, settings=small_settings)
        kills.append((point, killed))
        now = current_version_dir(small_settings.index_dir)
        assert now is not None
        if killed and point.startswith("["):  # killed before it could publish
            assert now == published, point
        if point == "while writing the new version" and now == published:
            unfinished = versions(small_settings) - {published.name}  # type: ignore[union-attr]
            assert unfinished, "the kill came before the version folder was made"
        # Either the previous version or, if the build had just published, an identical new one.
        assert results(small_settings, session_embedder) == expected, point
        published = now
    assert all(killed for point, killed in kills if not point.startswith("after")), kills

    # The lock died with the process; the next build succeeds and removes the unfinished version.
    files = files_to_ingest(small_settings)
    report = build_index(small_settings, files, full=True, embedder=session_embedder)
    assert report.status == "built"
    assert len(versions(small_settings)) <= 2 and not versions(small_settings) & unfinished
    assert results(small_settings, session_embedder) == expected


@pytest.mark.slow
def test_two_builds_at_once_one_is_refused_and_the_index_stays_sound(
        small_settings: Settings, session_embedder: Embedder, tmp_path: Path) -> None:
    build_index(small_settings, files_to_ingest(small_settings), embedder=session_embedder)
    expected = results(small_settings, session_embedder)

    # The first build is paused while it holds the lock (it has announced its first stage), so the second one
    # certainly starts while the first is running, however fast either would be.
    first = start_build(small_settings, tmp_path)
    announced = watch_stdout(first, "[ingest]")
    assert announced.wait(BUILD_TIMEOUT_S), "the first build never reached its ingest stage"
    first.send_signal(signal.SIGSTOP)
    try:
        second = start_build(small_settings, tmp_path)
        out, err = second.communicate(timeout=BUILD_TIMEOUT_S)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 1, (out, err)
    assert "another index build is running" in err and "wait for it to finish" in err, err
    assert "Traceback" not in err and "Index rebuilt" not in out, (out, err)
    assert first.wait(timeout=BUILD_TIMEOUT_S) == 0, first.stderr.read() if first.stderr else ""
    assert results(small_settings, session_embedder) == expected
    assert Searcher.load(small_settings, session_embedder).backend.count() > 0


def child_pids(pid: int) -> set[int]:
    """Live processes whose parent is `pid`, read from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # the process ended while we looked
        if int(parent) == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux /proc")
def test_a_killed_build_leaves_no_worker_processes_behind(corpus_settings: Settings, shared_corpus: Path,
                                                          tmp_path: Path) -> None:
    # The EU AI Act keeps one worker reading for seconds while the other, done with its small file, sits idle.
    corpus = tmp_path / "two-documents"
    corpus.mkdir()
    for name in ("eu-ai-act-2024-1689.pdf", "japan-ai-basic-plan-trustworthy-ai-2026.txt"):
        (corpus / name).write_bytes((shared_corpus / name).read_bytes())
    process = start_build(corpus_settings.replace(corpus_dir=corpus, data_dir=tmp_path / "data"), tmp_path)
    watch_stdout(process, "")
    deadline = time.monotonic() + BUILD_TIMEOUT_S
    workers: set[int] = set()
    while len(workers) < 3 and process.poll() is None and time.monotonic() < deadline:
        workers = child_pids(process.pid)  # two readers and multiprocessing's resource tracker
        time.sleep(0.01)
    assert len(workers) >= 3, f"the build started {len(workers)} child processes"
    time.sleep(1.5)  # the workers are up and one has finished its file
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    gone_by = time.monotonic() + 15
    while any(running(pid) for pid in workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not [pid for pid in workers if running(pid)], "worker processes outlived the killed build"
