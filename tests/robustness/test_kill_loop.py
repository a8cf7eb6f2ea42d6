"""Many SIGKILLs of a real `policyqa index build --full`, at times spread over a whole build (`-m soak`; the
default run kills a build at five points in tests/index/test_crash_safety.py). After every kill the published
index loads and answers as before; every fourth round a build runs to its end and leaves at most two versions."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import Embedder
from index.layout import current_version_dir
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings
from tests.index.test_crash_safety import (
    BUILD_TIMEOUT_S,
    kill_when,
    results,
    start_build,
    versions,
    watch_stdout,
)

KILLS = 24  # README "Tests" quotes this figure

pytestmark = [pytest.mark.robustness, pytest.mark.soak, pytest.mark.slow]


def test_a_build_killed_at_random_times_never_harms_the_published_index(
        small_settings: Settings, session_embedder: Embedder, tmp_path: Path) -> None:
    build_index(small_settings, files_to_ingest(small_settings), embedder=session_embedder)
    expected = results(small_settings, session_embedder)
    started = time.monotonic()
    whole = start_build(small_settings, tmp_path)
    whole.communicate(timeout=BUILD_TIMEOUT_S)
    assert whole.returncode == 0
    duration = time.monotonic() - started  # one whole build, start to end, kills are spread over it

    chooser = random.Random(13)
    survived = 0
    for round_ in range(1, KILLS + 1):
        process = start_build(small_settings, tmp_path)
        watch_stdout(process, "")  # keep the pipe drained
        delay = chooser.uniform(0.05, duration)
        killed = kill_when(process, None, delay)
        assert current_version_dir(small_settings.index_dir) is not None, (round_, delay)
        assert results(small_settings, session_embedder) == expected, (round_, delay)
        survived += killed
        if round_ % 4 == 0:
            report = build_index(small_settings, files_to_ingest(small_settings), full=True,
                                 embedder=session_embedder)
            assert report.status == "built" and len(versions(small_settings)) <= 2, (round_, versions(small_settings))
            assert results(small_settings, session_embedder) == expected
    assert survived >= KILLS * 3 // 4, f"only {survived} of {KILLS} builds were still running when killed"
    print(f"{survived} builds killed mid-way, index intact after each")
