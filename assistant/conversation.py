"""Conversation turns, and the rule-based rewrite of a follow-up into a standalone query."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Answer

JURISDICTION_TERMS: dict[str, tuple[str, ...]] = {
    "eu": ("eu", "european union", "europe", "european", "ai act", "brussels"),
    "us": ("US", "U.S.", "USA", "united states", "america", "american", "nist", "executive order", "omb",
           "federal", "white house", "action plan", "ai rmf", "rmf"),
    "oecd": ("oecd",),
    "japan": ("japan", "japanese", "basic plan"),
    "g7": ("g7", "hiroshima"),
}
_FOLLOW_UP_OPENERS = re.compile(
    r"^(and|but|also|what about|how about|and what about|and how about|same for|what of|and in|in)\b[\s,]*",
    re.IGNORECASE)
_PRONOUNS = re.compile(r"\b(it|its|they|them|their|this|that|these|those|there|the same)\b", re.IGNORECASE)


def mentioned_jurisdictions(text: str) -> tuple[str, ...]:
    """Jurisdictions a question names, in a fixed order."""
    found = []
    for jurisdiction, terms in JURISDICTION_TERMS.items():
        # all-capital terms (US) are matched as written, so the pronoun "us" is not the United States
        if any(re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", text,
                         0 if term.isupper() else re.IGNORECASE) for term in terms):
            found.append(jurisdiction)
    return tuple(found)


def _strip_jurisdictions(text: str) -> str:
    for terms in JURISDICTION_TERMS.values():
        for term in sorted(terms, key=len, reverse=True):
            text = re.sub(rf"(?<![A-Za-z])(the )?{re.escape(term)}(?![A-Za-z])", " ", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


def is_follow_up(question: str) -> bool:
    words = question.split()
    return bool(_FOLLOW_UP_OPENERS.match(question.strip())) or (
        len(words) <= 6 and bool(_PRONOUNS.search(question)))


def rewrite_follow_up(question: str, previous: str) -> str:
    """A standalone query: the follow-up plus the previous question's subject. When the follow-up names
    another jurisdiction, the previous question's jurisdictions are dropped.

    >>> rewrite_follow_up("And what about the US?", "How does the EU AI Act treat emotion recognition at work?")
    'US: How does treat emotion recognition at work?'
    >>> rewrite_follow_up("What about penalties?", "What does the EU AI Act prohibit?")
    'What does the EU AI Act prohibit? penalties'
    """
    if not previous or not is_follow_up(question):
        return question
    rest = question.strip()
    while _FOLLOW_UP_OPENERS.match(rest):
        rest = _FOLLOW_UP_OPENERS.sub("", rest, count=1)
    rest = rest.strip(" ?.")
    subject = previous.strip()
    if mentioned_jurisdictions(rest):
        subject = _strip_jurisdictions(subject)
        return f"{rest.removeprefix('the ').removeprefix('The ')}: {subject}"
    return f"{subject} {rest}".strip()


@dataclass
class Conversation:
    """The turns so far; each turn's standalone question is what a later follow-up builds on."""

    turns: list[Answer] = field(default_factory=list)

    @property
    def last_question(self) -> str:
        return (self.turns[-1].standalone_question or self.turns[-1].question) if self.turns else ""

    def standalone(self, question: str) -> str:
        return rewrite_follow_up(question, self.last_question)

    def add(self, answer: Answer) -> None:
        self.turns.append(answer)
