"""The evidence signals of a question's passages and drafted answer, which the abstention decision weighs.

>>> signals = evidence_signals(request, draft, filters, searcher.chunk_frequency)  # doctest: +SKIP
>>> signals.fact_found  # doctest: +SKIP
False

Pure functions over the question, the passages and the sentences drafted from them; the corpus enters only as
a word's chunk frequency.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.abstention import EvidenceSignals
from assistant.facts import facts_of_kind
from assistant.text import content_words
from assistant.writers.base import Draft, WriteRequest
from index.bm25 import stem
from index.models import Passage, SearchFilters

# Words every document of this corpus uses, or that only say what kind of answer is wanted: they say nothing
# about whether a passage answers the question.
GENERIC = frozenset(["ai", "artificial", "intelligence", "system", "systems", "model", "models", "use", "used",
                     "act", "policy", "policies", "law", "rules", "rule", "say", "says", "does", "document",
                     "documents", "regulation", "many", "much", "long", "largest", "maximum", "highest", "required",
                     "require", "requires", "allowed", "responsible", "apply", "applies", "date", "when", "who"])
_NAME = re.compile(r"(?<![\w'’])([A-Z][A-Za-z0-9\-]*[A-Za-z0-9])")
_NOT_NAMES = frozenset(["AI", "What", "How", "Which", "Who", "When", "Where", "Why", "Does", "Do", "Is", "Are",
                        "Can", "May", "Under", "In", "For", "The", "A", "An", "If", "According", "Must", "Should",
                        "Would", "Could", "Has", "Have"])
RARE_IN_CORPUS = 5  # a name found in fewer chunks than this is specific enough to be looked for
RARE_TERM = 25  # a word found in fewer chunks than this is specific enough that its absence matters
COUNT_WINDOW = 4  # a count answers "how many staff" when "staff" follows the number within this many words
_COUNTED = re.compile(r"\bhow many ([a-z\-]+)", re.IGNORECASE)
_QUOTED_TERM = re.compile(r"[‘'\"“]([^’'\"”]{3,60})[’'\"”]")
# What happened after the documents were written: "so far", "already", "the first company to be fined",
# "when will …", "the next meeting". The documents cannot report on it.
_LATER_EVENTS = re.compile(
    r"\b(so far|to date|currently|nowadays|next|latest|the first to|first (amended|revised|updated)|"
    r"the first (update|revision|amendment)|"
    r"the first (company|member state|country|state|agency|firm|provider|organisation|organization)s? to|"
    r"when will|will .+ (take place|be (held|revised|amended|updated|replaced|repealed))|"
    r"(has|have) (\w+ ){0,4}(been (designated|fined|amended|evaluated|published|issued)|issued|designated|"
    r"evaluated|withdrawn|adopted|enacted|signed up|committed to|published))\b", re.IGNORECASE)
# A question asking for a person, not a body: "Who is the director of …", "Who chaired …".
_PERSON_ASKED = re.compile(r"^who (is|was) the (director|head|chair|chairman|chairperson|president|minister|"
                           r"secretary|author)\b|^who (headed|chaired|led|signed|wrote)\b|"
                           r"\bwhich (minister|official|person)\b", re.IGNORECASE)
_INSTITUTION = re.compile(r"\b(office|council|board|committee|commission|agency|department|institute|act|plan|"
                          r"group|union|states|government|administration|ministry|parliament|secretariat|"
                          r"framework|profile|order|memorandum|process|center|centre|university)\b", re.IGNORECASE)


def topic_stems(question: str) -> set[str]:
    """Stems of the question's distinctive words."""
    return {stem(w) for w in content_words(question) if w not in GENERIC}


def stems_of(*texts: str) -> set[str]:
    return {stem(w) for text in texts for w in content_words(text)}


def _passage_text(passages: list[Passage]) -> str:
    return " ".join(f"{p.chunk.title} {p.chunk.section} {p.chunk.text}" for p in passages).lower()


def _word_in(word: str, text: str) -> bool:
    root = word[:-3] if word.endswith("ing") and len(word) > 6 else word.rstrip("s")
    return word in text or root in text


def missing_names(question: str, passages: list[Passage], chunk_frequency: Callable[[str], int]) -> list[str]:
    """Names the question asks about (capitalised, rare in the corpus, not short acronyms) that none of the
    passages mention: "Canada's AIDA", "the Bletchley Declaration" — a sign the documents do not cover it."""
    text = _passage_text(passages)
    found = []
    for match in _NAME.finditer(question):
        name = match.group(1)
        if match.start() == 0 or name in _NOT_NAMES or (name.isupper() and len(name) <= 4):
            continue
        if name.lower() not in text and chunk_frequency(name.lower()) < RARE_IN_CORPUS:
            found.append(name)
    return found


def missing_terms(question: str, passages: list[Passage], chunk_frequency: Callable[[str], int]) -> list[str]:
    """Rare words of the question that the corpus uses elsewhere but none of the passages contains
    ("watermarking", asked of a document that never mentions it). A word the corpus never uses is the
    asker's own wording, not a sign either way."""
    text = _passage_text(passages)
    return [w for w in dict.fromkeys(content_words(question)) if w not in GENERIC and len(w) > 3
            and not _word_in(w, text) and 0 < chunk_frequency(w) < RARE_TERM]


def asks_after_the_documents(question: str) -> bool:
    """Whether the question asks what happened after the documents were written ("so far", "when will").

    >>> asks_after_the_documents("Which companies' frontier models has CAISI evaluated so far?")
    True
    >>> asks_after_the_documents("When do the obligations for high-risk AI systems start to apply?")
    False
    """
    return bool(_LATER_EVENTS.search(question))


def fact_found(request: WriteRequest, draft: Draft) -> bool | None:
    """Whether the sentences chosen to answer hold the kind of fact asked, in a sentence (or its passage's
    heading) that shares a word with the question: an amount, a count (for "how many X", a number followed
    closely by X), a date, a name the question does not already give (a person's, when it asks for one), or,
    for a question about a quoted term, that term. None when the question asks for no such fact."""
    kind = request.intent.kind
    quoted = _QUOTED_TERM.search(request.question)
    if kind == "definition" and quoted:
        term = quoted.group(1).lower()
        return any(term in f"{p.chunk.section} {p.chunk.text}".lower() for p in request.passages[:5])
    if kind not in ("amount", "count", "date", "name"):
        return None
    counted = _COUNTED.search(request.question)
    topic = topic_stems(request.question)
    asked = request.question.lower()
    person = bool(_PERSON_ASKED.search(request.question))
    measure = measured(request.question) if kind == "amount" else set()
    for sentence in draft.sentences:
        facts = facts_of_kind(sentence.text, kind)
        if kind == "count" and counted:
            facts = [f for f in facts if _counts(sentence.text, f.text, counted.group(1))]
        if kind == "name":
            facts = [f for f in facts if f.text.lower() not in asked
                     and not (person and (len(f.text.split()) < 2 or _INSTITUTION.search(f.text)))]
        headings = " ".join(request.passages[n - 1].chunk.section for n in sentence.sources)
        said = stems_of(headings, sentence.text)
        if facts and (not topic or topic & said) and (not measure or measure & said):
            return True
    return False


# What an amount is of: a fine is answered by a sentence (or heading) on fines or penalties, not on funding.
MEASURES = (("fine", "fines", "penalty", "penalties", "sanction", "sanctions"), ("budget", "funding", "fund", "funds",
            "investment", "grant", "grants", "prize"), ("salary", "pay", "grade", "allowance", "remuneration"))


def measured(question: str) -> set[str]:
    """Stems of the words that say what an amount asked for is of ("fines" → fine, penalty, sanction)."""
    words = set(content_words(question))
    return {stem(w) for group in MEASURES if words & set(group) for w in group}


def _counts(sentence: str, number: str, noun: str) -> bool:
    at = sentence.find(number)
    following = content_words(sentence[at + len(number):])[:COUNT_WINDOW] if at >= 0 else []
    return any(stem(w) == stem(noun.lower()) for w in following)


def evidence_signals(request: WriteRequest, drafted: Draft, filters: SearchFilters | None,
                     chunk_frequency: Callable[[str], int]) -> EvidenceSignals:
    """What the passages and the drafted answer say about whether the question is answered."""
    top = list(request.passages[:5])
    intent = request.intent
    single = intent.jurisdictions[0] if len(intent.jurisdictions) == 1 else ""
    jurisdiction_found = None
    if single and (filters is None or not filters.jurisdictions or single in filters.jurisdictions):
        jurisdiction_found = any(p.chunk.jurisdiction == single for p in top)
    return EvidenceSignals(
        best_sentence_similarity=drafted.best_score,
        names_not_found=len(missing_names(request.question, top, chunk_frequency)),
        terms_not_found=len(missing_terms(request.question, top, chunk_frequency)),
        fact_found=fact_found(request, drafted),
        jurisdiction_found=jurisdiction_found, missing_jurisdiction=single,
        outside_corpus=intent.elsewhere[0] if intent.elsewhere else "",
        after_the_documents=asks_after_the_documents(request.question))
