"""Streaming and switch-over without a browser: the answer's text arrives piece by piece, the conversation
keeps its turns, and a background build swaps in a new assistant only when it completes."""

from __future__ import annotations

import itertools
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.conversation import Conversation
from assistant.models import Answer
from index.build import BuildReport
from ingest.settings import Settings
from ui.web import state as web_state
from ui.web.stream import AskOptions, stream_answer


@dataclass
class FakeAssistant:
    """Produces its answer in pieces, like a generator writing token by token; with a `gate`, each piece after
    the first waits until the reader has taken the text before it (no timing decides what arrives together)."""

    pieces: tuple[str, ...] = ("Employers ", "may ", "not ", "[1]")
    gate: queue.Queue[None] | None = None
    fail: bool = False
    asked: list[dict[str, Any]] = field(default_factory=list)
    searcher: Any = None
    writers: dict[str, Any] = field(default_factory=dict)

    def ask(self, question: str, *, conversation: Conversation | None = None, on_token: Any = None,
            **options: Any) -> Answer:
        self.asked.append({"question": question, **options})
        if self.fail:
            raise RuntimeError("the index is unreadable")
        for number, piece in enumerate(self.pieces):
            if self.gate is not None and number:
                self.gate.get(timeout=10)
            on_token(piece)
        answer = Answer(question=question, text="".join(self.pieces), citations=(), passages=(),
                        abstained=False)
        if conversation is not None:
            conversation.add(answer)
        return answer


def test_stream_yields_the_growing_text_then_the_answer() -> None:
    conversation = Conversation()
    gate: queue.Queue[None] = queue.Queue()
    assistant: Any = FakeAssistant(gate=gate)
    steps = []
    for step in stream_answer(assistant, "May employers…?", conversation, AskOptions(k=3)):
        steps.append(step)
        gate.put(None)  # the reader has this text: the writer may go on

    partial = [text for text, answer in steps if answer is None]
    assert partial == ["Employers ", "Employers may ", "Employers may not "]
    text, answer = steps[-1]
    assert text == "Employers may not [1]" and answer is not None and answer.text == text
    assert conversation.turns == [answer]


def test_a_burst_of_text_is_revealed_in_growing_steps_ending_at_word_ends() -> None:
    text = ("Employers may not use AI systems to infer the emotions of a natural person in the workplace, "
            "except for medical or safety reasons. [1] The prohibition applies from 2 February 2025. [2]")
    words = text.split(" ")
    assistant: Any = FakeAssistant(pieces=tuple(w + " " for w in words[:-1]) + (words[-1],))
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
    release, embedding = threading.Event(), threading.Event()
    builds: list[bool] = []

    def slow_build(settings: Settings, files: list[Any], full: bool = False, embedder: Any = None,
                   on_stage: Any = None) -> BuildReport:
        assert embedder == "embedder"  # the running assistant's embedder is reused
        on_stage("embed")
        builds.append(full)
        embedding.set()
        assert release.wait(10)
        return BuildReport(status="updated", full=full, added=["new-doc"], chunks=4)

    new = FakeAssistant(searcher=FakeSearcher(chunks=(1, 2, 3, 4)))
    monkeypatch.setattr(web_state.Assistant, "load", lambda settings, embedder=None: new)
    monkeypatch.setattr(web_state, "files_to_ingest", lambda settings: [])
    old = FakeAssistant(searcher=FakeSearcher(), writers={"llm": "loaded model"})
    state = web_state.AppState(Settings(corpus_dir=tmp_path, data_dir=tmp_path / "data"), old,  # type: ignore[arg-type]
                               build=slow_build)

    first = state.request_build()
    second = state.request_build(full=True)  # arrives during the first build: served by one more build
    assert embedding.wait(10)
    assert state.status.running and "embedding" in state.status.describe()
    assert state.assistant is old  # chat keeps answering from the current index meanwhile
    release.set()
    assert state.wait(second, timeout=10) and state.done(first)
    assert state.assistant is new and new.writers == {"llm": "loaded model"}
    assert builds == [False, True]
    status = state.status
    assert not status.running and "1 added" in status.describe() and "4 chunks" in status.describe()
