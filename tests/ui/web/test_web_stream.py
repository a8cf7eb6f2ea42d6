"""Streaming and switch-over without a browser: the answer's text arrives piece by piece, the conversation
keeps its turns, and a background build swaps in a new assistant only when it completes."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.conversation import Conversation
from assistant.models import Answer
from index.build import BuildReport
from ingest.settings import Settings
from ui import web_state
from ui.web.stream import AskOptions, stream_answer


@dataclass
class FakeAssistant:
    """Produces its answer in timed pieces, like a generator writing token by token."""

    pieces: tuple[str, ...] = ("Employers ", "may ", "not ", "[1]")
    delay: float = 0.08
    fail: bool = False
    asked: list[dict[str, Any]] = field(default_factory=list)
    searcher: Any = None
    writers: dict[str, Any] = field(default_factory=dict)

    def ask(self, question: str, *, conversation: Conversation | None = None, on_token: Any = None,
            **options: Any) -> Answer:
        self.asked.append({"question": question, **options})
        if self.fail:
            raise RuntimeError("the index is unreadable")
        for piece in self.pieces:
            time.sleep(self.delay)
            on_token(piece)
        answer = Answer(question=question, text="".join(self.pieces), citations=(), passages=(),
                        abstained=False)
        if conversation is not None:
            conversation.add(answer)
        return answer


def test_stream_yields_the_growing_text_then_the_answer() -> None:
    conversation = Conversation()
    assistant: Any = FakeAssistant()
    steps = list(stream_answer(assistant, "May employers…?", conversation, AskOptions(k=3)))

    partial = [text for text, answer in steps if answer is None]
    assert partial == ["Employers ", "Employers may ", "Employers may not "]
    text, answer = steps[-1]
    assert text == "Employers may not [1]" and answer is not None and answer.text == text
    assert conversation.turns == [answer]


def test_a_burst_of_text_is_revealed_in_growing_steps_ending_at_word_ends() -> None:
    text = ("Employers may not use AI systems to infer the emotions of a natural person in the workplace, "
            "except for medical or safety reasons. [1] The prohibition applies from 2 February 2025. [2]")
    words = text.split(" ")
    assistant: Any = FakeAssistant(pieces=tuple(w + " " for w in words[:-1]) + (words[-1],), delay=0.0)
    steps = list(stream_answer(assistant, "May employers…?"))

    partial = [shown for shown, answer in steps if answer is None]
    assert len(partial) >= 3, partial
    assert all(b.startswith(a) and len(b) > len(a) for a, b in itertools.pairwise(partial))
    assert all(shown.endswith(" ") for shown in partial) and text.startswith(partial[-1])
    assert steps[-1][0] == text and steps[-1][1] is not None


def test_stream_raises_the_workers_error() -> None:
    with pytest.raises(RuntimeError, match="unreadable"):
        list(stream_answer(FakeAssistant(fail=True), "q"))  # type: ignore[arg-type]


@dataclass
class FakeSearcher:
    embedder: object = "embedder"
    chunks: tuple[int, ...] = (1, 2, 3)


def test_build_runs_in_the_background_and_switches_assistants_when_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    builds: list[bool] = []

    def slow_build(settings: Settings, files: list[Any], full: bool = False, embedder: Any = None,
                   on_stage: Any = None) -> BuildReport:
        assert embedder == "embedder"  # the running assistant's embedder is reused
        on_stage("embed")
        builds.append(full)
        release.wait(5)
        return BuildReport(status="updated", full=full, added=["new-doc"], chunks=4)

    new = FakeAssistant(searcher=FakeSearcher(chunks=(1, 2, 3, 4)))
    monkeypatch.setattr(web_state.Assistant, "load", lambda settings, embedder=None: new)
    monkeypatch.setattr(web_state, "files_to_ingest", lambda settings: [])
    old = FakeAssistant(searcher=FakeSearcher(), writers={"llm": "loaded model"})
    state = web_state.AppState(Settings(corpus_dir=tmp_path), old, build=slow_build)  # type: ignore[arg-type]

    first = state.request_build()
    second = state.request_build(full=True)  # arrives during the first build: served by one more build
    time.sleep(0.2)
    assert state.status.running and "embedding" in state.status.describe()
    assert state.assistant is old  # chat keeps answering from the current index meanwhile
    release.set()
    assert state.wait(second, timeout=5) and state.done(first)
    assert state.assistant is new and new.writers == {"llm": "loaded model"}
    assert builds == [False, True]
    status = state.status
    assert not status.running and "1 added" in status.describe() and "4 chunks" in status.describe()
