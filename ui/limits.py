"""Bounds on what a user may send, checked where a question enters (CLI, web UI) before any work.

>>> check_question("What does Article 5 prohibit?", max_chars=2000)
'What does Article 5 prohibit?'
"""

from __future__ import annotations


class QuestionTooLongError(ValueError):
    """A question longer than the max_question_chars setting."""


def check_question(question: str, max_chars: int) -> str:
    """`question` unchanged when it has at most `max_chars` characters (0: no bound); else QuestionTooLongError."""
    if max_chars and len(question) > max_chars:
        raise QuestionTooLongError(
            f"the question has {len(question):,} characters; at most {max_chars:,} are accepted "
            "(setting max_question_chars)")
    return question
