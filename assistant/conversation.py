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


# How a jurisdiction is written into a question in place of another one's: a noun phrase that fits wherever
# "the EU AI Act" stood ("How does … treat", "under …").
JURISDICTION_PHRASES = {"eu": "the EU AI Act", "us": "US federal policy", "oecd": "the OECD AI Principles",
                        "japan": "Japan's AI policy", "g7": "the G7 Hiroshima AI Process"}
_JURISDICTION_NAMES = {"eu": "the EU", "us": "the US", "oecd": "the OECD", "japan": "Japan", "g7": "the G7"}


def _term_pattern(term: str) -> str:
    return re.escape(term) if term.isupper() else f"(?i:{re.escape(term)})"


_ANY_TERM = "|".join(_term_pattern(t) for t in sorted({t for ts in JURISDICTION_TERMS.values() for t in ts},
                                                       key=len, reverse=True))
# "the EU AI Act's", "the US NIST AI RMF": a run of jurisdiction terms is one mention
_MENTION = re.compile(rf"(?<![A-Za-z])(?:(?i:the)\s+)?(?:{_ANY_TERM})(?:\s+(?:{_ANY_TERM}))*(?![A-Za-z])(['’]s)?")
_DANGLING = re.compile(r"\s+(?i:under|in|of|by|for|from)\s*(?=[?.!,]|$)")


def with_jurisdiction(question: str, jurisdiction: str) -> str:
    """The question asked of another jurisdiction: its first mention of one is replaced, later ones dropped;
    a question that names none gets the jurisdiction at its end.

    >>> with_jurisdiction("How does the EU AI Act treat emotion recognition at work?", "us")
    'How does US federal policy treat emotion recognition at work?'
    >>> with_jurisdiction("Which practices are prohibited?", "japan")
    'Which practices are prohibited in Japan?'
    """
    mentions = list(_MENTION.finditer(question))
    if not mentions:
        body = question.rstrip(" ?.")
        return f"{body} in {_JURISDICTION_NAMES[jurisdiction]}?"
    first = mentions[0]
    phrase = JURISDICTION_PHRASES[jurisdiction]
    if first.group(1):
        phrase += "’" if phrase.endswith("s") else first.group(1)
    if first.start() == 0:
        phrase = phrase[0].upper() + phrase[1:]
    pieces, last = [], 0
    for index, match in enumerate(mentions):
        pieces.append(question[last:match.start()])
        pieces.append(phrase if index == 0 else "")
        last = match.end()
    pieces.append(question[last:])
    rewritten = _DANGLING.sub("", re.sub(r"\s+", " ", "".join(pieces))).strip()
    return re.sub(r"\s+([?.!,])", r"\1", rewritten)


def is_follow_up(question: str) -> bool:
    words = question.split()
    return bool(_FOLLOW_UP_OPENERS.match(question.strip())) or (
        len(words) <= 6 and bool(_PRONOUNS.search(question)))


def rewrite_follow_up(question: str, previous: str) -> str:
    """A standalone question: the previous question asked of the jurisdiction the follow-up names, or the
    previous question with the follow-up's subject added.

    >>> rewrite_follow_up("And what about the US?", "What transparency obligations apply to providers of "
    ...                   "generative AI systems under the EU AI Act?")
    'What transparency obligations apply to providers of generative AI systems under US federal policy?'
    >>> rewrite_follow_up("What about penalties?", "What does the EU AI Act prohibit?")
    'What does the EU AI Act prohibit, and what about penalties?'
    """
    if not previous or not is_follow_up(question):
        return question
    rest = question.strip()
    while _FOLLOW_UP_OPENERS.match(rest):
        rest = _FOLLOW_UP_OPENERS.sub("", rest, count=1)
    rest = rest.strip(" ?.")
    subject = previous.strip()
    named = mentioned_jurisdictions(rest)
    if named:
        return with_jurisdiction(subject, named[0])
    return f"{subject.rstrip(' ?.')}, and what about {rest}?" if rest else subject


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
