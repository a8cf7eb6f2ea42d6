"""Reading a model's reply: its sentences with the passage numbers each claims, and whether it declined.

>>> sentences, declined = parse_reply("Emotion recognition at work is banned [1]. Fines reach 7 % [2][3].", 4)
>>> [(s.text, s.sources) for s in sentences]
[('Emotion recognition at work is banned.', (1,)), ('Fines reach 7 %.', (2, 3))]
>>> parse_reply("The provided passages don't answer this.", 4)
((), True)

The numbers are claims only: the pipeline's guards check every sentence against the passages it names.
"""

from __future__ import annotations

import re

from assistant.writers.base import DraftSentence
from ingest.sentences import sentence_spans

# "[2]", "[1, 3]", "[2-4]", "[Passage 2]"; adjacent groups and a full stop after them belong to the sentence.
_NUMBERS = r"(?:passages?\s*)?\d+(?:\s*(?:,|;|-|–|and)\s*(?:passages?\s*)?\d+)*"
_MARKERS = re.compile(rf"(?:\s*\[{_NUMBERS}\])+(?:\s*[.!?;:](?=\s|$))?", re.IGNORECASE)
_ONE_MARKER = re.compile(rf"\[({_NUMBERS})\]", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|^#+\s*")
_SOURCES_LABEL = re.compile(r"^(?:sources?|references?|citations?|passages?)\s*:?\s*$", re.IGNORECASE)
_RUNAWAY = re.compile(r"\n\s*(?:question|passages?)\s*:", re.IGNORECASE)
MAX_LINES = 12  # an answer's lines; past them a model is enumerating labels, not answering
_SHORT_OPENER = 2  # words of a lead like "Yes." or "No.": it opens the sentence that follows
_DECLINE = re.compile(
    r"^\W*(?:(?:i'?m sorry|sorry|unfortunately)\W+(?:but\W+)?)?(?:"
    r"(?:the |these )?(?:given |provided |numbered )?passages? (?:do(?:es)?n[o']t|do(?:es)? not|cannot|can't|fail to)"
    r" (?:directly |explicitly |clearly )?(?:answer|address|contain|mention|provide|say|cover|include|specify|"
    r"state|discuss)"
    r"|(?:there is )?no (?:information|answer|mention)\b"
    r"|i (?:cannot|can't|am unable to|could not|couldn't) (?:answer|find|determine)"
    r"|(?:the )?(?:answer|information) is not (?:in|found in|given in|provided in) the passages)",
    re.IGNORECASE)


def parse_reply(text: str, passage_count: int) -> tuple[tuple[DraftSentence, ...], bool]:
    """The reply's sentences (markers removed, numbers outside 1..passage_count dropped) and whether it is a
    decline: a first sentence saying the passages do not answer, with no sentence after it citing a passage.
    What follows a question the model went on to ask itself is not read."""
    found: list[DraftSentence] = []
    for line in answer_text(text).splitlines()[:MAX_LINES]:
        line = _EMPHASIS.sub("", line).strip()
        bullet = bool(_BULLET.match(line))
        found.extend(_line_sentences(_BULLET.sub("", line), passage_count, bullet, found))
    if found and _DECLINE.match(found[0].text) and not any(s.sources for s in found[1:]):
        return (), True
    return _once(found), False


def _once(found: list[DraftSentence]) -> tuple[DraftSentence, ...]:
    """Each sentence the first time it is written: a looping model repeats itself."""
    seen: set[str] = set()
    kept = []
    for sentence in found:
        if sentence.text.lower() not in seen:
            seen.add(sentence.text.lower())
            kept.append(sentence)
    return tuple(kept)


def answer_text(text: str) -> str:
    """The reply up to a "Question:" or "Passages:" line: a small model may go on to play both sides."""
    runaway = _RUNAWAY.search(text)
    return text[:runaway.start()] if runaway else text


def finished(text: str) -> bool:
    """True when a reply being written has said all it usefully will: it loops, starts a question of its own,
    or lists more lines than an answer has."""
    return (is_repeating(text) or _RUNAWAY.search(text) is not None
            or sum(1 for line in text.splitlines() if line.strip()) > MAX_LINES)


def is_repeating(text: str) -> bool:
    """True when the last complete sentence of a reply being written already appeared in it (a looping model)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?\]])\s+|\n+", text)]
    complete = [p for p in (parts if re.search(r"[.!?\]]\s*$", text) else parts[:-1]) if len(p) > 20]
    return len(complete) >= 2 and complete[-1] in complete[:-1]


def _line_sentences(line: str, passage_count: int, bullet: bool,
                    before: list[DraftSentence]) -> list[DraftSentence]:
    out: list[DraftSentence] = []
    cursor = 0
    segments: list[tuple[str, tuple[int, ...]]] = []
    for match in _MARKERS.finditer(line):
        segments.append((line[cursor:match.start()] + _closing(match.group(0)), _numbers(match.group(0),
                                                                                          passage_count)))
        cursor = match.end()
    segments.append((line[cursor:], ()))
    for segment, sources in segments:
        pieces = [p for p in _split(segment) if re.search(r"\w", p)]
        if not pieces or _SOURCES_LABEL.match(" ".join(pieces)):
            _add_sources(out or before, sources)  # markers alone on a line or after "Sources:"
            continue
        out.extend(DraftSentence(text=p, sources=(), bullet=bullet) for p in pieces[:-1])
        out.append(DraftSentence(text=pieces[-1], sources=sources, bullet=bullet))
    return out


def _closing(markers: str) -> str:
    """The punctuation after a marker group, kept at the end of the sentence."""
    tail = markers.rstrip()[-1:]
    return tail if tail in ".!?;:" else ""


def _numbers(markers: str, passage_count: int) -> tuple[int, ...]:
    numbers: list[int] = []
    for group in _ONE_MARKER.findall(markers):
        values = [int(v) for v in re.findall(r"\d+", group)]
        if len(values) == 2 and re.search(r"\d\s*[-–]\s*(?:passages?\s*)?\d", group, re.IGNORECASE):
            values = list(range(values[0], values[1] + 1)) if values[0] <= values[1] else values
        numbers.extend(v for v in values if 1 <= v <= passage_count and v not in numbers)
    return tuple(numbers)


def _split(segment: str) -> list[str]:
    """Sentences of a stretch of reply text, tidied: spaces before punctuation and doubled spaces removed."""
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", segment)).strip()
    pieces = [text[s:e].strip() for s, e in sentence_spans(text, semicolons=False)]
    merged: list[str] = []
    for piece in (p for p in pieces if p):
        if merged and len(merged[-1].split()) <= _SHORT_OPENER:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _add_sources(sentences: list[DraftSentence], sources: tuple[int, ...]) -> None:
    if not sentences or not sources:
        return
    last = sentences[-1]
    merged = last.sources + tuple(n for n in sources if n not in last.sources)
    sentences[-1] = DraftSentence(text=last.text, sources=merged, display=last.display, bullet=last.bullet)
