"""What an answer writer shows a chat model: a fixed system prompt, then short excerpts of the top passages.

>>> shown = excerpts(question, passages, max_passages=4, word_budget=300)  # doctest: +SKIP
>>> messages = answer_messages(question, "list", shown)  # doctest: +SKIP
>>> messages[1].content.splitlines()[1]  # doctest: +SKIP
'[1] EU Artificial Intelligence Act, p. 51, Chapter II PROHIBITED AI PRACTICES > Article 5 Prohibited AI practices'

Whole chunks would take a 2-core CPU half a minute to read; the sentences of each passage that share most words
with the question carry the answer in a fraction of that. The system prompt never changes, so llama.cpp reuses
its evaluated tokens from one question to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.chat.base import ChatMessage
from assistant.text import lexical_overlap, sentences
from index.models import Passage

DECLINE_TEXT = "The passages do not answer this question."
SYSTEM_PROMPT = (
    "You answer questions about AI-policy documents using only the numbered passages in the user's message, "
    "never your own knowledge. Answer in at most four short sentences. End each sentence with the number of the "
    "passage it comes from, in square brackets. Copy figures, dates, names and article numbers exactly as the "
    "passage writes them. For example: The Act prohibits social scoring [1]. Fines reach EUR 35 000 000 [2]. "
    f"If the passages do not answer the question, reply only: {DECLINE_TEXT}"
)
# Said after the question, so the fixed system prompt stays a shared prefix; the last word a small model reads
# is the one it follows best, so the citation rule is said again there.
CITE = "End every sentence with the number of its passage in square brackets, like [1]."
KIND_INSTRUCTIONS = {
    "list": 'Answer with a short list, one item per line, each line starting with "- " and ending with the number '
    "of its passage in square brackets, like [1].",
    "yesno": f"Begin with Yes or No, then give the reason. {CITE}",
    "amount": f"Give the amount exactly as the passage states it. {CITE}",
    "count": f"Give the number exactly as the passage states it. {CITE}",
    "date": f"Give the date or time limit exactly as the passage states it. {CITE}",
    "name": f"Name who or what it is exactly as the passage does. {CITE}",
    "definition": f"Give the definition as the passage states it. {CITE}",
    "comparison": f"Say what each document says, one sentence for each. {CITE}",
    # a compare column's summary (assistant.compare_summary): one sentence over the column's cited sentences
    "summary": "Answer with one short sentence of at most 25 words, starting with its subject (not with \"The "
               "passages\"), and end it with the numbers of the passages it draws on in square brackets, like [1][2].",
}
MAX_SENTENCES = 3  # of one passage
SECTION_WORDS = 14  # of a section path shown in a header: its last levels
_TITLE_END = re.compile(r"\s*[,(:]")


@dataclass(frozen=True)
class Excerpt:
    """What the model sees of passage `number`: a header naming where it is from, and its chosen sentences."""

    number: int
    header: str
    sentences: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(len(s.split()) for s in self.sentences)


def header(passage: Passage) -> str:
    """A short source line: the title up to its first comma, parenthesis or colon, the page, the section's end."""
    c = passage.chunk
    title = _TITLE_END.split(c.title, maxsplit=1)[0].strip() or c.title
    pages = f"p. {c.page_start}" if c.page_end <= c.page_start else f"pp. {c.page_start}–{c.page_end}"
    section = c.section.split()
    section_text = " ".join(section if len(section) <= SECTION_WORDS else ["…", *section[-SECTION_WORDS:]])
    return ", ".join(part for part in (title, pages, section_text) if part)


def excerpt(question: str, passage: Passage, number: int, word_budget: int) -> Excerpt:
    """The passage's sentences sharing most words with the question (up to MAX_SENTENCES, in their order, within
    `word_budget`); a lone hit comes with the sentence before it, no hit gives the opening sentences. One
    sentence longer than the budget is cut at it."""
    found = sentences(passage.chunk.text)
    overlap = [lexical_overlap(question, s) for s in found]
    hits = sorted((i for i in range(len(found)) if overlap[i] > 0), key=lambda i: (-overlap[i], i))
    if len(hits) == 1:
        hits.append(hits[0] - 1 if hits[0] > 0 else 1)
    ranked = [i for i in hits if i < len(found)] or list(range(len(found)))
    chosen: list[int] = []
    words = 0
    for i in ranked[:MAX_SENTENCES]:
        length = len(found[i].split())
        if chosen and words + length > word_budget:
            continue
        chosen.append(i)
        words += length
    texts = [found[i] for i in sorted(chosen)]
    if texts and words > word_budget:  # one long sentence: keep its opening words
        texts = [" ".join(texts[0].split()[:word_budget]) + " …"]
    return Excerpt(number, header(passage), tuple(texts))


def excerpts(question: str, passages: tuple[Passage, ...] | list[Passage], max_passages: int,
             word_budget: int) -> tuple[Excerpt, ...]:
    """Excerpts of the first `max_passages` passages sharing `word_budget` words; what one leaves, the next
    may use."""
    shown: list[Excerpt] = []
    left = word_budget
    top = list(passages[:max_passages])
    for number, passage in enumerate(top, start=1):
        part = excerpt(question, passage, number, left // (len(top) - number + 1))
        shown.append(part)
        left -= part.words
    return tuple(shown)


def answer_messages(question: str, kind: str, shown: tuple[Excerpt, ...]) -> tuple[ChatMessage, ...]:
    blocks = "\n\n".join(f"[{e.number}] {e.header}\n{' '.join(e.sentences)}" for e in shown)
    user = f"Passages:\n{blocks}\n\nQuestion: {question.strip()}\n{KIND_INSTRUCTIONS.get(kind, CITE)}"
    return ChatMessage("system", SYSTEM_PROMPT), ChatMessage("user", user)


def prompt_words(messages: tuple[ChatMessage, ...]) -> int:
    return sum(len(m.content.split()) for m in messages)
