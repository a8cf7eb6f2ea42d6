"""The default writer: an answer made of the documents' own sentences, shaped by the kind of answer asked.

>>> writer = ExtractiveWriter(embedder, registry)  # doctest: +SKIP
>>> draft = writer.write(WriteRequest(question, analyse(question), tuple(passages)))  # doctest: +SKIP

Every sentence is a verbatim sentence of the passage it cites, so its support holds by construction; what is
shown may drop a list label ("(f)") or open with a short lead ("No.", "European Union:") that the citation
check verifies like any other text. A list question gets the items of the enumeration as bullets, a yes/no
question the provision that settles it first, an amount, date, count or name question the sentence holding
that kind of fact first, and a comparison one sentence per jurisdiction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.diversity import section_unit
from assistant.evidence import stems_of, topic_stems
from assistant.facts import facts_of_kind
from assistant.question import QuestionIntent, actors_named
from assistant.text import lexical_overlap, sentences
from assistant.writers.base import Draft, DraftSentence, TokenSink, WriteRequest
from index.embed import Embedder
from index.models import Passage
from index.term_match import asked_terms, matches
from ingest.registry import UNKNOWN, Registry

MIN_WORDS = 5
MAX_WORDS = 120
# A sentence that defines may be long (EO 14110's definitions run to 150 words): it is quoted whole.
DEFINITION_MAX_WORDS = 220
# Sentences are scored on their first words; embedding time grows with length and dominates `ask`.
SCORED_WORDS = 32
# Relevance = cosine + LEXICAL_WEIGHT × word overlap − RANK_PENALTY × passage rank: weights chosen on the
# shipped eval set (answer F1 and citation precision, sweep of 0.2–0.5 and 0.01–0.05).
LEXICAL_WEIGHT = 0.35
RANK_PENALTY = 0.03
# Two sentences closer than this (cosine) say the same thing; only the first is kept.
REDUNDANCY = 0.85
# Sentences below this share of the best relevance are not worth adding, nor a list whose lead-in is below it
# (0.75, 0.85 and 0.95 measured alike for lists on the shipped set).
RELATIVE_FLOOR = 0.85
# A sentence holding the kind of fact asked (an amount for "how much") rises by this much; one about an
# addressee the question does not ask about (Union institutions, for a question about companies) falls by it.
FACT_BONUS = 0.15
ADDRESSEE_PENALTY = 0.5  # a provision addressed to someone else does not answer: it falls out of reach
TOP_PASSAGES = 3  # sentences are drawn from these passages (more only for lists and comparisons)
# Three sentences: four and five raise key-fact recall on the shipped set by 0.007 and 0.016 but lower citation
# precision (0.347 → 0.346, 0.320).
MAX_SENTENCES = 3
MAX_ITEMS = 12
ITEM_WORDS = 70  # a list item longer than this is shown up to here, ending in "…"; the citation keeps it all
# bibliography entries and link lists are not answers
_REFERENCE = re.compile(r"https?://|www\.|\bet al\.|arXiv|\bdoi\b|Retrieved from|Accessed ", re.IGNORECASE)
# a sentence that ends in a colon announces a list, and a question ("Who is responsible for …?", the Playbook's
# suggested questions) asks: on their own they answer nothing
_ENDS_SENTENCE = re.compile(r"([.;!)”\"’]|[;,] (and|or))$")
_LABEL = re.compile(r"^\s*(?:\d{1,2}\.(?!\d)|\(\s*(?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\s*\)|[a-z]\)|\d{1,2}\)|[•▪●\-–])\s+")
_ITEM = re.compile(r"(?m)^\s*(?:\(\s*(?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\s*\)|[a-z]\)|[•▪●\-–]|\d{1,2}\.(?!\d))\s+\S")
_LEAD_IN = re.compile(r":\s*$")
_PROHIBITION = re.compile(r"\bshall be prohibited\b|\bprohibit|\bshall not\b|\bmay not\b|\bis not permitted\b",
                          re.IGNORECASE)
_EXCEPTION_QUESTION = re.compile(r"\b(exception|exceptions|exempt|exemption|derogation)\b", re.IGNORECASE)
_EXCEPTION = re.compile(r"\b(except|unless|does not apply|shall not apply|derogation|exempt)", re.IGNORECASE)
_PERMISSION_QUESTION = re.compile(r"^(may|can|could|is it (allowed|lawful|legal|permitted))\b", re.IGNORECASE)
# "When do the obligations start to apply?" is answered by the provision on application, not a transitional one
_APPLICATION_QUESTION = re.compile(r"\b(apply|applies|applicable|application|in force|effect|effective)\b",
                                   re.IGNORECASE)
_APPLICATION = re.compile(r"\b(shall apply from|applies from|shall apply as from|enter into force|"
                          r"entry into force|take effect|effective (on|as of))\b", re.IGNORECASE)
_SUPERLATIVE = re.compile(r"\b(largest|maximum|highest|biggest|most|max)\b", re.IGNORECASE)
_DEFINES = re.compile(r"\bmeans\b|\bis defined as\b|\brefers to\b|\bshall mean\b|\bis understood as\b",
                      re.IGNORECASE)
# "What technologies does EO 14110 give as examples of …?", "what might it contain?": the sentence that gives them
_EXAMPLES_QUESTION = re.compile(r"\b(examples?|contain|contains|include|includes|consist|consists)\b",
                                re.IGNORECASE)
_EXAMPLES = re.compile(r"\b(such as|may include|may contain|can include|for example|for instance|e\.g\.|"
                       r"examples (include|are))\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    passage_number: int  # 1-based position in the passages given: the source number
    position: int  # order of the sentence inside its passage
    text: str
    jurisdiction: str


def display_text(sentence: str) -> str:
    """The sentence as shown: without a leading list label ("3.", "(b)", "a)").

    >>> display_text("(f) the placing on the market … for medical or safety reasons;")
    'the placing on the market … for medical or safety reasons;'
    """
    return _LABEL.sub("", sentence, count=1).strip()


_LIST_ENDING = re.compile(r"\s*(?:[;,]\s*(?:and|or)?|:)\s*$")


def as_prose(sentence: str) -> str:
    """A list item shown as a sentence of the answer ends with a full stop, not with the ";", "; and" or "; or"
    that joined it to the next item (the citation keeps the quote as written).

    >>> as_prose("the use of AI systems to infer emotions … for medical or safety reasons; or")
    'the use of AI systems to infer emotions … for medical or safety reasons.'
    """
    return _LIST_ENDING.sub(".", sentence, count=1)


def candidates(passages: tuple[Passage, ...], top: int, fact_kind: str = "") -> list[Candidate]:
    """The sentences worth quoting from the top passages; for a question asking for a kind of fact, also those
    of the later passages that hold one, and those that hold one while announcing a list."""
    found: list[Candidate] = []
    for number, passage in enumerate(passages, start=1):
        for position, sentence in enumerate(sentences(passage.chunk.text)):
            longest = DEFINITION_MAX_WORDS if _DEFINES.search(sentence) else MAX_WORDS
            if not MIN_WORDS <= len(display_text(sentence).split()) <= longest or _REFERENCE.search(sentence):
                continue
            holds_fact = bool(fact_kind) and bool(facts_of_kind(sentence, fact_kind))
            if number > top and not holds_fact:
                continue
            if _ENDS_SENTENCE.search(sentence) or (holds_fact and _LEAD_IN.search(sentence)):
                found.append(Candidate(number, position, sentence, passage.chunk.jurisdiction))
    return found


def select(relevance: np.ndarray, sentence_vectors: np.ndarray, pool: list[Candidate], max_sentences: int,
           must_cover: tuple[str, ...] = ()) -> list[int]:
    """Greedy selection by relevance with a redundancy penalty; one sentence per jurisdiction in
    `must_cover` first, when the pool has one. Pure: returns indices into `pool`."""
    order = list(np.argsort(-relevance, kind="stable"))
    chosen: list[int] = []

    def novel(i: int) -> bool:
        return all(float(sentence_vectors[i] @ sentence_vectors[j]) < REDUNDANCY for j in chosen)

    for jurisdiction in must_cover:
        best = next((i for i in order if pool[i].jurisdiction == jurisdiction and novel(i)), None)
        if best is not None:
            chosen.append(int(best))
    floor = RELATIVE_FLOOR * float(relevance[order[0]]) if order else 0.0
    for i in order:
        if len(chosen) >= max_sentences:
            break
        if i in chosen or relevance[i] < floor:
            continue
        if sum(1 for j in chosen if pool[j].passage_number == pool[i].passage_number) >= 2:
            continue
        if novel(i):
            chosen.append(int(i))
    return chosen


def _head(sentence: str, words: int = SCORED_WORDS) -> str:
    """The opening words of a long sentence: enough to judge what it is about, at a fraction of the cost."""
    parts = sentence.split()
    return sentence if len(parts) <= words else " ".join(parts[:words])


def _addressee_shift(intent: QuestionIntent, passage: Passage) -> float:
    """Positive when the passage is addressed to whom the question asks about; negative when it is addressed
    to Union institutions and the question is not."""
    if not intent.actors:
        return 0.0
    named = set(actors_named(passage.chunk.section + " " + passage.chunk.text[:400]))
    if "union_institutions" in named and "union_institutions" not in intent.actors:
        return -ADDRESSEE_PENALTY
    return 0.0


def _largest_amount(text: str) -> float:
    values = []
    for fact in facts_of_kind(text, "amount"):
        try:
            values.append(float(fact.norm.rstrip("%")))
        except ValueError:
            continue
    return max(values, default=0.0)


@dataclass
class ExtractiveWriter:
    """Quotes the passages; needs the embedder only to score sentences against the question, and the registry to
    name the jurisdiction of each sentence of a comparison."""

    embedder: Embedder
    registry: Registry
    name: str = "extractive"

    def write(self, request: WriteRequest, on_token: TokenSink | None = None) -> Draft:
        intent, passages = request.intent, request.passages
        pool = self._pool(request)
        if not pool:
            return Draft((), self.name)
        vectors = self.embedder.encode(self.texts_to_embed(request))
        question_vector, sentence_vectors = vectors[0], vectors[1:]
        similarity = sentence_vectors @ question_vector
        relevance = self._relevance(request, pool, similarity)
        defined = _definition_asked(request)
        if defined is not None:
            return Draft((defined,), self.name, best_score=float(similarity.max()))
        if intent.kind == "list":
            listed = self._list(request, pool, relevance, question_vector)
            if listed:
                return Draft(listed, self.name, best_score=float(similarity.max()))
        must_cover = self._jurisdictions_to_cover(intent, passages) if intent.kind == "comparison" else ()
        max_sentences = max(MAX_SENTENCES, len(must_cover))
        chosen = _with_continuations(pool, _with_examples(
            request, pool, relevance, select(relevance, sentence_vectors, pool, max_sentences, must_cover),
            max_sentences))
        lead = self._lead(request, pool, relevance, chosen)
        ordered = sorted(chosen, key=lambda i: (i != lead, pool[i].passage_number, pool[i].position))
        if must_cover:
            ordered = self._by_jurisdiction(chosen, pool, must_cover)
        drafted = tuple(self._sentence(request, pool[i], first=(n == 0), labelled=bool(must_cover))
                        for n, i in enumerate(ordered))
        return Draft(drafted, self.name, best_score=float(similarity.max()))

    @staticmethod
    def _pool(request: WriteRequest) -> list[Candidate]:
        kind = request.intent.kind
        wide = kind in ("comparison", "list", "amount", "count", "date", "name")
        fact_kind = kind if kind in ("amount", "count", "date", "name") else ""
        return candidates(request.passages, TOP_PASSAGES + (2 if wide else 0), fact_kind)

    def texts_to_embed(self, request: WriteRequest) -> list[str]:
        """What `write` embeds for a request: the question, then the opening words of each candidate sentence
        (a caller writing many drafts can embed them all at once beforehand, in a memoising embedder)."""
        pool = self._pool(request)
        return [request.question, *[_head(c.text) for c in pool]] if pool else []

    def _relevance(self, request: WriteRequest, pool: list[Candidate], similarity: np.ndarray) -> np.ndarray:
        intent = request.intent
        lexical = np.array([lexical_overlap(request.question, c.text) for c in pool])
        relevance = similarity + LEXICAL_WEIGHT * lexical
        relevance -= RANK_PENALTY * np.array([c.passage_number for c in pool])
        relevance += np.array([_addressee_shift(intent, request.passages[c.passage_number - 1]) for c in pool])
        if intent.kind in ("amount", "count", "date", "name"):
            relevance += FACT_BONUS * np.array([bool(facts_of_kind(c.text, intent.kind)) for c in pool])
        if intent.kind == "date" and _APPLICATION_QUESTION.search(request.question):
            relevance += FACT_BONUS * np.array([bool(_APPLICATION.search(c.text)) for c in pool])
        if intent.kind == "definition":
            relevance += FACT_BONUS * np.array([bool(_DEFINES.search(c.text)) for c in pool])
        if _EXAMPLES_QUESTION.search(request.question):
            relevance += FACT_BONUS * np.array([bool(_EXAMPLES.search(c.text)) for c in pool])
        if intent.kind == "yesno" and _EXCEPTION_QUESTION.search(request.question):
            relevance += FACT_BONUS * np.array([bool(_EXCEPTION.search(c.text)) for c in pool])
        return relevance

    @staticmethod
    def _lead(request: WriteRequest, pool: list[Candidate], relevance: np.ndarray, chosen: list[int]) -> int | None:
        """The chosen sentence to say first: for a superlative amount, the one with the largest amount; for a
        fact question, the most relevant one holding that kind of fact; else the most relevant."""
        kind = request.intent.kind
        if not chosen:
            return None
        giving = [i for i in chosen if _EXAMPLES.search(pool[i].text)] \
            if _EXAMPLES_QUESTION.search(request.question) else []
        if giving:
            return max(giving, key=lambda i: float(relevance[i]))
        if kind in ("amount", "count", "date", "name"):
            holding = [i for i in chosen if facts_of_kind(pool[i].text, kind)]
            if holding and kind == "amount" and _SUPERLATIVE.search(request.question):
                return max(holding, key=lambda i: _largest_amount(pool[i].text))
            if holding:
                return max(holding, key=lambda i: float(relevance[i]))
        return max(chosen, key=lambda i: float(relevance[i]))

    @staticmethod
    def _jurisdictions_to_cover(intent: QuestionIntent, passages: tuple[Passage, ...]) -> tuple[str, ...]:
        if len(intent.jurisdictions) >= 2:
            return intent.jurisdictions
        present = dict.fromkeys(p.chunk.jurisdiction for p in passages[:TOP_PASSAGES + 2])
        return tuple(j for j in present if j != UNKNOWN)[:3]

    @staticmethod
    def _by_jurisdiction(chosen: list[int], pool: list[Candidate], order: tuple[str, ...]) -> list[int]:
        rank = {j: n for n, j in enumerate(order)}
        return sorted(chosen, key=lambda i: (rank.get(pool[i].jurisdiction, len(order)), pool[i].passage_number,
                                             pool[i].position))

    def _sentence(self, request: WriteRequest, candidate: Candidate, first: bool, labelled: bool) -> DraftSentence:
        shown = as_prose(display_text(candidate.text))
        if labelled:
            shown = f"{self.registry.name(candidate.jurisdiction)}: {_capitalised(shown)}"
        elif first and request.intent.kind == "yesno":
            section = request.passages[candidate.passage_number - 1].chunk.section
            shown = _with_polarity(request.question, f"{section} {candidate.text}", shown)
        return DraftSentence(candidate.text, (candidate.passage_number,), display=_capitalised(shown))

    def _list(self, request: WriteRequest, pool: list[Candidate], relevance: np.ndarray,
              question_vector: np.ndarray) -> tuple[DraftSentence, ...]:
        """The enumeration of the provision that shares most words with the question among those of the top
        passages that hold one (the most relevant first on a tie) and whose lead-in is about what is asked:
        its lead-in, then one bullet per item, gathered from every passage of that provision."""
        ranked = list(dict.fromkeys(pool[i].passage_number for i in np.argsort(-relevance, kind="stable")))
        wanted = topic_stems(request.question)
        by_overlap = sorted(ranked, key=lambda n: -len(wanted & stems_of(request.passages[n - 1].chunk.section,
                                                                          request.passages[n - 1].chunk.text)))
        for number in by_overlap:
            group = _same_provision(request.passages, number)
            items = enumeration([(n, request.passages[n - 1].chunk.text) for n in group])
            if len(items) >= 2:
                lead = _lead_in(request.passages, items[0][0], items[0][1])
                if not self._announces(request, pool, relevance, question_vector, lead or items[0]):
                    continue
                drafted = [DraftSentence(lead[1], (lead[0],), display=_capitalised(display_text(lead[1])))] \
                    if lead else []
                for n, item in items[:MAX_ITEMS]:
                    drafted.append(DraftSentence(item, (n,), display=_capitalised(_shortened(display_text(item))),
                                                 bullet=True))
                return tuple(drafted)
        return ()

    def _announces(self, request: WriteRequest, pool: list[Candidate], relevance: np.ndarray,
                   question_vector: np.ndarray, lead: tuple[int, str]) -> bool:
        """Whether a list's lead-in (its first item when it has none) is within reach of the most relevant
        sentence: "This Regulation lays down:" does not announce the seven principles a question asks for."""
        number, text = lead
        similarity = self.embedder.encode([_head(text)]) @ question_vector
        scored = Candidate(number, 0, text, request.passages[number - 1].chunk.jurisdiction)
        return float(self._relevance(request, [scored], similarity)[0]) >= RELATIVE_FLOOR * float(relevance.max())


def _with_examples(request: WriteRequest, pool: list[Candidate], relevance: np.ndarray, chosen: list[int],
                   max_sentences: int) -> list[int]:
    """For a question asking for examples, the most relevant sentence that gives some takes the last place when
    none chosen does (the definition it follows fills the first two of its passage's places), if it is within
    reach of the best (RELATIVE_FLOOR)."""
    if not chosen or not _EXAMPLES_QUESTION.search(request.question):
        return chosen
    if any(_EXAMPLES.search(pool[i].text) for i in chosen):
        return chosen
    floor = RELATIVE_FLOOR * float(relevance.max())
    giving = [i for i in np.argsort(-relevance, kind="stable")
              if _EXAMPLES.search(pool[i].text) and relevance[i] >= floor]
    return chosen if not giving else [*chosen[:max_sentences - 1], int(giving[0])]


def _with_continuations(pool: list[Candidate], chosen: list[int]) -> list[int]:
    """Each chosen sentence followed by the next sentence of its passage when that one carries it on ("… developed
    seven non-binding ethical principles." → "The seven principles include human agency and oversight; …"):
    what the first announces, the second states, and it cites the same passage."""
    at = {(c.passage_number, c.position): i for i, c in enumerate(pool)}
    continued: list[int] = []
    for i in chosen:
        continued.append(i)
        following = at.get((pool[i].passage_number, pool[i].position + 1))
        if following is not None and following not in chosen and following not in continued \
                and carries_on(pool[i].text, pool[following].text):
            continued.append(following)
    return continued


_COUNTED = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)"
# Only a count said again is a safe sign that the next sentence lists what the first announced: "The application
# of such rules …" or "This information shall …" also refer back, but to what they qualify, not to a list.
_REFERS_BACK = re.compile(rf"^(?:the|these|those)\s+({_COUNTED})\s+([\w-]+)", re.IGNORECASE)


def carries_on(sentence: str, following: str) -> bool:
    """Whether `following` opens by counting again what `sentence` announced ("The seven principles …" after
    "… developed seven non-binding ethical principles …").

    >>> carries_on("The AI HLEG developed seven ethical principles.", "The seven principles include accountability.")
    True
    >>> carries_on("The AI HLEG developed seven ethical principles.", "These rules apply to providers.")
    False
    >>> carries_on("It sets out two obligations.", "The three principles include accountability.")
    False
    """
    opening = _REFERS_BACK.match(display_text(following))
    return bool(opening) and re.search(rf"\b{opening.group(1)}\b", sentence, re.IGNORECASE) is not None \
        and bool(stems_of(opening.group(2)) & stems_of(sentence))


def _definition_asked(request: WriteRequest) -> DraftSentence | None:
    """For a question about what a term means whose first passage is that term's definition, the definition
    whole: a definition is one sentence, however many clauses (EO 14110's "dual-use foundation model" runs to
    150 words across semicolons), and quoting a clause of it would drop what the term requires."""
    first = request.passages[0].chunk if request.passages else None
    if request.intent.kind != "definition" or first is None or first.kind != "definition" or not first.term:
        return None
    if not matches(first, asked_terms(request.question, [first.term])):
        return None
    return DraftSentence(first.text, (1,), display=_capitalised(display_text(first.text)))


def list_items(text: str) -> list[str]:
    """The items of the enumeration in a passage, each from its label to the next label (verbatim).

    >>> list_items("The following shall be prohibited:\\n(a) the placing on the market;\\n(b) the use of AI;")
    ['(a) the placing on the market;', '(b) the use of AI;']
    """
    return [item for _, item in enumeration([(0, text)])]


def enumeration(texts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The items of one enumeration running through these (source, text) pieces: label-to-label spans of
    three words or more, of the label style most of them share ("(a)" items, not the "(i)" sub-items)."""
    pieces: list[tuple[int, str]] = []
    for source, text in texts:
        starts = [m.start() for m in _ITEM.finditer(text)]
        for start, end in zip(starts, [*starts[1:], len(text)]):
            # an item is one paragraph: a line after it without a label (a heading, the provision's closing
            # words, the next chunk of a window) is not part of it
            item = text[start:end].split("\n", 1)[0].strip()
            if len(item.split()) >= 3:
                pieces.append((source, item))
    families: list[str] = []
    for index, (_, item) in enumerate(pieces):
        previous = pieces[index - 1][1] if index else ""
        following = pieces[index + 1][1] if index + 1 < len(pieces) else ""
        families.append(_family(item, families[-1] if families else "", previous, following))
    counted = [f for f in families if f != "numbered"]  # numbered paragraphs hold lists; they are none
    common = max(counted, key=counted.count, default="")
    return [piece for piece, family in zip(pieces, families) if family == common]


_ROMAN = re.compile(r"^\((?:i{1,3}|iv|v|vi{1,3}|ix|x)\)")


def _family(item: str, previous_family: str, previous: str, following: str) -> str:
    """The style of an item's label: "(a)", "(i)", "a)", "1." or a bullet; one list uses one style. "(i)" is
    a letter only right after "(h)" and when no "(ii)" follows it."""
    head = item.lstrip()
    letter_i = (head.startswith("(i)") and previous.lstrip().startswith("(h)") and previous_family == "letters"
                and not following.lstrip().startswith("(ii)"))
    if _ROMAN.match(head) and not letter_i:
        return "roman"
    if head[:1] == "(":
        return "letters"
    if head[:1].isdigit():
        return "numbered"
    return "lettered" if head[:1].isalpha() else "bullet"


def _same_provision(passages: tuple[Passage, ...], number: int) -> list[int]:
    """The passages, this one among them, of the same document, unit (article, section) and numbered paragraph,
    in document order: the pieces of one enumeration."""
    unit = _unit(passages[number - 1])
    group = [n for n in range(1, len(passages) + 1) if _unit(passages[n - 1]) == unit]
    return sorted(group, key=lambda n: passages[n - 1].chunk.char_start)


def _unit(passage: Passage) -> tuple[str, str, str]:
    """Document, unit and paragraph number of a passage ("… > Article 5 … > 1(c)–1(ii)" is paragraph 1)."""
    section = passage.chunk.section
    paragraph = re.match(r"\d+", section.rsplit(" > ", 1)[-1]) if " > " in section else None
    return passage.chunk.doc_id, section_unit(section), paragraph.group(0) if paragraph else ""


def _lead_in(passages: tuple[Passage, ...], number: int, first_item: str) -> tuple[int, str] | None:
    """The sentence that says what the list is: the last sentence ending in a colon before its first item."""
    text = passages[number - 1].chunk.text
    at = text.find(first_item)
    announced = [s for s in sentences(text[:max(at, 0)]) if _LEAD_IN.search(s)]
    return (number, announced[-1]) if announced else None


def _shortened(text: str) -> str:
    words = text.split()
    return text if len(words) <= ITEM_WORDS else " ".join(words[:ITEM_WORDS]) + " …"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _with_polarity(question: str, provision: str, shown: str) -> str:
    """Open a yes/no answer with its verdict when the settling provision (its section and sentence) makes it
    plain: a permission question answered by a prohibition is a no; an exception question answered by an
    exception is a yes."""
    if _EXCEPTION_QUESTION.search(question) and _EXCEPTION.search(provision):
        return f"Yes. {_capitalised(shown)}"
    if _PERMISSION_QUESTION.match(question.strip()) and _PROHIBITION.search(provision):
        return f"No. {_capitalised(shown)}"
    return shown

