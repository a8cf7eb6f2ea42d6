"""Conversation turns, and the rule-based rewrite of a follow-up into a standalone query."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Answer
from ingest.registry import Registry

_FOLLOW_UP_OPENERS = re.compile(
    r"^(and|but|also|what about|how about|and what about|and how about|same for|what of|and in|in)\b[\s,]*",
    re.IGNORECASE)
_PRONOUNS = re.compile(r"\b(it|its|they|them|their|this|that|these|those|there|the same)\b", re.IGNORECASE)
_DANGLING = re.compile(r"\s+(?i:under|in|of|by|for|from)\s*(?=[?.!,]|$)")


def _term_pattern(term: str) -> str:
    # all-capital terms (US) are matched as written, so the pronoun "us" is not the United States
    return re.escape(term) if term.isupper() else f"(?i:{re.escape(term)})"


def mentioned_jurisdictions(text: str, registry: Registry) -> tuple[str, ...]:
    """The registry's jurisdictions a question names, in the registry's order."""
    return tuple(j.code for j in registry.jurisdictions
                 if any(re.search(rf"(?<![A-Za-z]){_term_pattern(term)}(?![A-Za-z])", text) for term in j.terms))


def _mentions(registry: Registry) -> re.Pattern[str]:
    """A mention: "the EU AI Act's", "the US NIST AI RMF" (a run of jurisdiction terms is one mention)."""
    terms = sorted({t for j in registry.jurisdictions for t in j.terms}, key=len, reverse=True)
    if not terms:
        return re.compile(r"(?!)()")  # matches nothing
    any_term = "|".join(_term_pattern(t) for t in terms)
    return re.compile(rf"(?<![A-Za-z])(?:(?i:the)\s+)?(?:{any_term})(?:\s+(?:{any_term}))*(?![A-Za-z])(['’]s)?")


def with_jurisdiction(question: str, jurisdiction: str, registry: Registry) -> str:
    """The question asked of another jurisdiction: its first mention of one is replaced by that one's phrase,
    later ones dropped; a question that names none gets the jurisdiction at its end.

    >>> with_jurisdiction("How does the EU AI Act treat emotion recognition at work?", "us", registry)  # doctest: +SKIP
    'How does US federal policy treat emotion recognition at work?'
    >>> with_jurisdiction("Which practices are prohibited?", "japan", registry)  # doctest: +SKIP
    'Which practices are prohibited in Japan?'
    """
    target = registry.get(jurisdiction)
    mentions = list(_mentions(registry).finditer(question))
    if not mentions:
        body = question.rstrip(" ?.")
        return f"{body} in {target.short}?"
    first = mentions[0]
    phrase = target.phrase
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


def rewrite_follow_up(question: str, previous: str, registry: Registry) -> str:
    """A standalone question: the previous question asked of the jurisdiction the follow-up names, or the
    previous question with the follow-up's subject added.

    >>> rewrite_follow_up("And what about the US?", "What transparency obligations apply to providers of "
    ...                   "generative AI systems under the EU AI Act?", registry)  # doctest: +SKIP
    'What transparency obligations apply to providers of generative AI systems under US federal policy?'
    >>> rewrite_follow_up("What about penalties?", "What does the EU AI Act prohibit?", registry)  # doctest: +SKIP
    'What does the EU AI Act prohibit, and what about penalties?'
    """
    if not previous or not is_follow_up(question):
        return question
    rest = question.strip()
    while _FOLLOW_UP_OPENERS.match(rest):
        rest = _FOLLOW_UP_OPENERS.sub("", rest, count=1)
    rest = rest.strip(" ?.")
    subject = previous.strip()
    named = mentioned_jurisdictions(rest, registry)
    if named:
        return with_jurisdiction(subject, named[0], registry)
    return f"{subject.rstrip(' ?.')}, and what about {rest}?" if rest else subject


@dataclass
class Conversation:
    """The turns so far; each turn's standalone question is what a later follow-up builds on."""

    turns: list[Answer] = field(default_factory=list)

    @property
    def last_question(self) -> str:
        return (self.turns[-1].standalone_question or self.turns[-1].question) if self.turns else ""

    def standalone(self, question: str, registry: Registry) -> str:
        return rewrite_follow_up(question, self.last_question, registry)

    def add(self, answer: Answer) -> None:
        self.turns.append(answer)
