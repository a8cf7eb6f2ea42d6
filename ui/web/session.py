"""One browser session's chat: the pipeline's conversation and every turn as shown (the question, the answer
as it streams, then the answer, and the answer a model wrote for it), with the key each shown answer goes by.

>>> session = ChatSession()
>>> turn = session.start("May employers use AI to detect how their staff feel?")
>>> turn.key, turn.written_key
('1', '1w')
>>> parse_citation_ref("1w-2")
('1w', 2)

The chat is rendered from the session on every update, so two events of one session (an answer being
written while the next question is answered) never overwrite each other's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.conversation import Conversation
from assistant.models import Answer

KEPT_TURNS = 50  # a session shows and exports this many turns; older ones are dropped to bound memory
_REF = re.compile(r"^(\d+w?)-(\d+)$")


@dataclass
class Turn:
    """A question and what was shown for it. `partial` is the text so far while an answer streams;
    `writing` says where the written answer is (waiting, being written) or holds its text so far."""

    number: int
    question: str
    answer: Answer | None = None
    partial: str = ""
    error: str = ""
    written: Answer | None = None
    writing: str = ""
    writing_partial: bool = False  # `writing` is the written answer's text so far, not a status line

    @property
    def key(self) -> str:
        return str(self.number)

    @property
    def written_key(self) -> str:
        return f"{self.number}w"


@dataclass
class ChatSession:
    """The conversation the pipeline continues, the turns shown, and which answer the sources panel shows."""

    conversation: Conversation = field(default_factory=Conversation)
    turns: list[Turn] = field(default_factory=list)
    focus: str = ""  # key of the answer whose sources are shown
    dropped: int = 0  # turns dropped from the start to bound memory
    copy_whole: bool = False  # the copy box holds the whole conversation, not only the answer in focus

    def start(self, question: str) -> Turn:
        """A new turn for `question`; the oldest turn is dropped beyond KEPT_TURNS."""
        number = self.turns[-1].number + 1 if self.turns else 1
        turn = Turn(number, question)
        self.turns.append(turn)
        if len(self.turns) > KEPT_TURNS:
            self.dropped += len(self.turns) - KEPT_TURNS
            del self.turns[:-KEPT_TURNS]
        return turn

    def answer_of(self, key: str) -> Answer | None:
        """The answer shown under `key` ("3": turn 3's answer, "3w": the answer written for it), or None."""
        for turn in self.turns:
            if key == turn.key:
                return turn.answer
            if key == turn.written_key:
                return turn.written
        return None

    @property
    def focused(self) -> Answer | None:
        return self.answer_of(self.focus) if self.focus else None

    @property
    def last_answered(self) -> Turn | None:
        """The latest turn whose answer is complete."""
        return next((t for t in reversed(self.turns) if t.answer is not None), None)


def parse_citation_ref(ref: str) -> tuple[str, int] | None:
    """("3w", 2) for "3w-2": citation 2 of the answer written for turn 3; None for anything else."""
    match = _REF.match(ref.strip()) if isinstance(ref, str) else None
    return (match.group(1), int(match.group(2))) if match else None


def citation_ref(key: str, n: int) -> str:
    return f"{key}-{n}"
