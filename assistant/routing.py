"""Document and provision routing: a question that names a document ("the AI Act", "EO 14110", "the Playbook"), a
provision ("Article 10", "Annex III", "Sec. 4.2") or a NIST id ("MEASURE 2.9") is searched there first.

>>> router = Router.from_chunks(searcher.chunks)  # doctest: +SKIP
>>> router.route("What does Article 10 of the AI Act require of training data?").places  # doctest: +SKIP
('EU Artificial Intelligence Act (AI Act), Regulation (EU) 2024/1689 > Article 10 Data and data governance',)

Everything is read from the index: the documents' titles (from the manifest) give the names a question may use
(their words, their acronyms: "EO" is "Executive Order", "RMF" "Risk Management Framework"), and the chunks'
section paths give the provisions ("Article 10 …", "4.2 …", "MEASURE 2.9") and the kinds of unit a question may
name ("Article", "Annex", "Sec", "MEASURE"…). Pure: no search happens here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.models import SearchFilters
from ingest.models import Chunk

# A named document routes only when the name picks out a few documents; a word every title shares picks none.
MAX_ROUTED_DOCUMENTS = 3
# A one-word name that is an ordinary word ("Council" of "Recommendation of the Council") routes only when at least
# this share of the chunks using it are in the documents it names: 16 of the 138 chunks saying "Council" are in the
# OECD texts (the EU AI Act says it most), 4 of the 14 saying "Playbook" are in the Playbook.
MIN_OWN_SHARE = 0.25
# Words that name no document of their own: the subject of every title, jurisdictions (routed by
# `conversation.mentioned_jurisdictions`), and the capitalised words a question opens with.
GENERIC_WORDS = frozenset([
    "ai", "artificial", "intelligence", "the", "a", "an", "of", "on", "and", "in", "for", "to", "us", "u.s", "eu",
    "what", "how", "which", "who", "when", "where", "why", "does", "do", "is", "are", "can", "may", "under",
    "according", "must", "should", "would", "could", "has", "have", "if", "it", "its", "compare", "list", "name",
    "describe", "explain", "give", "summarise", "summarize", "tell", "i", "we", "my", "our", "and"])
# Abbreviations of unit kinds, as questions and section headings write them.
KIND_ALIASES = {"sec": "section", "art": "article", "arts": "article", "articles": "article", "sections": "section",
                "annexes": "annex", "recitals": "recital"}
# A unit at the start of a section path's part: "Article 10 Data…", "Annex III", "Recital (12)", "Sec. 4.",
# "MEASURE 2.9", "MAP 1: Context is", "Pillar II: …"; or a numbered subsection "4.2 Promoting…".
_PART_UNIT = re.compile(r"^(?:([A-Z][a-z]+|[A-Z]{2,8})\.?\s+\(?(\d+(?:\.\d+)*[a-z]?|[IVXLC]+|[A-Z])\)?"
                        r"(?=$|[\s:.,;)–-])|(\d+\.\d+(?:\.\d+)?)(?=\s))")
_MENTION = re.compile(r"\b([A-Za-z]+)\.?\s+\(?(\d+(?:\.\d+)*[a-z]?|[IVXLC]+|[A-Z])\b\)?(?![.\d]\d)")
_MENTION_LIST = re.compile(r"\s*(?:,|,? and|,? or|to)\s+\(?(\d+(?:\.\d+)*[a-z]?|[IVXLC]+)\b")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_POSSESSIVE = re.compile(r"['’]s\b")


def unit_key(kind: str, number: str) -> tuple[str, str]:
    """("section", "4.2") for "Sec. 4.2", ("annex", "iii") for "Annex III"; kinds and numbers lowercased."""
    kind = kind.lower().rstrip(".")
    return KIND_ALIASES.get(kind, kind), number.lower().strip("()")


def part_unit(part: str) -> tuple[str, str] | None:
    """The unit a section path's part opens with, as a `unit_key`; None when it opens with none.

    >>> part_unit("Article 10 Data and data governance"), part_unit("4.2 Promoting Innovation")
    (('article', '10'), ('section', '4.2'))
    >>> part_unit("MAP 1: Context is"), part_unit("Recital (12)"), part_unit("1(e)–1(f)")
    (('map', '1'), ('recital', '12'), None)
    """
    match = _PART_UNIT.match(part.strip())
    if match is None:
        return None
    if match.group(3):
        return unit_key("section", match.group(3))
    return unit_key(match.group(1), match.group(2))


def words_of(text: str) -> list[str]:
    """Lowercase tokens, possessives dropped: "America's AI Action Plan" → america, ai, action, plan."""
    return [t.lower() for t in _TOKEN.findall(_POSSESSIVE.sub("", text))]


@dataclass(frozen=True)
class Route:
    """Where a question is searched first: these documents, and within them these sections (all when empty)."""

    doc_ids: frozenset[str]
    sections: frozenset[str] = frozenset()
    places: tuple[str, ...] = ()  # shown to the reader: "<title>" or "<title> > <unit heading>"
    named: tuple[str, ...] = ()  # what the question named: "AI Act", "Article 10"

    def filters(self, base: SearchFilters | None = None) -> SearchFilters:
        """This route as search filters, within the jurisdictions of `base` (the question's own)."""
        jurisdictions = base.jurisdictions if base is not None else frozenset()
        return SearchFilters(jurisdictions=jurisdictions, doc_ids=self.doc_ids, sections=self.sections)

    def widened(self) -> Route | None:
        """The same documents without the section restriction; None when there was none."""
        if not self.sections:
            return None
        return Route(self.doc_ids, frozenset(), tuple(dict.fromkeys(p.split(" > ")[0] for p in self.places)),
                     self.named)


@dataclass(frozen=True)
class Unit:
    """One provision of one document: its heading and the section paths of its chunks."""

    doc_id: str
    heading: str
    sections: frozenset[str]


@dataclass(frozen=True)
class Router:
    titles: dict[str, str]  # document id → title
    title_words: dict[str, tuple[str, ...]]  # document id → its title's words
    units: dict[tuple[str, str], tuple[Unit, ...]] = field(default_factory=dict)  # unit key → its provisions
    kinds: frozenset[str] = frozenset()  # the unit kinds the sections use
    uses: dict[str, dict[str, int]] = field(default_factory=dict)  # title word → document id → chunks using it

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk]) -> Router:
        titles: dict[str, str] = {}
        found: dict[tuple[str, str], dict[str, tuple[str, set[str]]]] = {}
        chunk_words: list[tuple[str, set[str]]] = []
        for chunk in chunks:
            titles.setdefault(chunk.doc_id, chunk.title)
            chunk_words.append((chunk.doc_id, set(words_of(chunk.text))))
            for part in chunk.section.split(" > ") if chunk.section else ():
                key = part_unit(part)
                if key is not None:
                    found.setdefault(key, {}).setdefault(chunk.doc_id, (part.strip(), set()))[1].add(chunk.section)
        units = {key: tuple(Unit(doc, heading, frozenset(sections)) for doc, (heading, sections) in docs.items())
                 for key, docs in found.items()}
        title_words = {d: tuple(words_of(t)) for d, t in titles.items()}
        uses: dict[str, dict[str, int]] = {w: {} for words in title_words.values() for w in words}
        for doc_id, words in chunk_words:
            for word in words & uses.keys():
                uses[word][doc_id] = uses[word].get(doc_id, 0) + 1
        return cls(titles=titles, title_words=title_words, units=units,
                   kinds=frozenset(kind for kind, _ in units), uses=uses)

    def route(self, question: str) -> Route | None:
        """Where the question should be searched first, or None when it names no document or provision."""
        mentions = self.unit_mentions(question)
        docs, names = self.named_documents(_without(question, [m for m, _ in mentions]))
        provisions = [(m, u) for m, key in mentions for u in self.units.get(key, ()) if not docs or u.doc_id in docs]
        if provisions:
            in_docs = frozenset(u.doc_id for _, u in provisions)
            return Route(docs or in_docs,
                         frozenset(s for _, u in provisions for s in u.sections),
                         tuple(dict.fromkeys(f"{self.titles[u.doc_id]} > {u.heading}" for _, u in provisions)),
                         tuple(dict.fromkeys([*names, *(m for m, _ in provisions)])))
        if docs:
            return Route(docs, frozenset(), tuple(self.titles[d] for d in sorted(docs)), names)
        return None

    def unit_mentions(self, question: str) -> list[tuple[str, tuple[str, str]]]:
        """(as written, unit key) of each provision the question names whose kind the sections use:
        "Article 10", "Articles 9 and 15", "Annex III", "Sec. 4.2", "MEASURE 2.9"."""
        found: list[tuple[str, tuple[str, str]]] = []
        for match in _MENTION.finditer(question):
            key = unit_key(match.group(1), match.group(2))
            if key[0] not in self.kinds or not (match.group(1)[:1].isupper() or key[0] in KIND_ALIASES.values()):
                continue
            found.append((match.group(0).strip(" )"), key))
            rest = question[match.end():]
            while (more := _MENTION_LIST.match(rest)) is not None:  # "Articles 9, 10 and 15"
                found.append((f"{match.group(1)} {more.group(1)}", unit_key(key[0], more.group(1))))
                rest = rest[more.end():]
        return found

    def named_documents(self, question: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The documents the question names, and the names as written. A name is a run of capitalised words,
        acronyms or ids ("AI Act", "EO 14110", "M-25-21", "OECD Recommendation"); it names the documents
        whose titles hold each of its distinctive words (or spell an acronym of it), when they are few."""
        found: list[tuple[str, frozenset[str]]] = []
        for phrase in _name_runs(question):
            distinctive = [w for w in words_of(phrase) if w not in GENERIC_WORDS]
            if not distinctive:
                continue
            matched = frozenset(d for d, words in self.title_words.items()
                                if all(_in_title(w, words) for w in distinctive))
            if 0 < len(matched) <= MAX_ROUTED_DOCUMENTS and self._names_its_documents(phrase, distinctive, matched):
                found.append((phrase, matched))
        # "NIST's Generative AI Profile": the most specific name wins over one that holds it ("NIST")
        kept = [(p, d) for p, d in found if not any(other < d for _, other in found)]
        return frozenset(d for _, docs in kept for d in docs), tuple(p for p, _ in kept)

    def _names_its_documents(self, phrase: str, distinctive: list[str], matched: frozenset[str]) -> bool:
        """False for a one-word name that is an ordinary word used mostly in other documents."""
        if len(distinctive) > 1 or phrase.isupper() or any(c.isdigit() for c in phrase):
            return True
        counts = self.uses.get(distinctive[0], {})
        total = sum(counts.values())
        # the title itself is one use in its document: a few chunks more or less do not decide it
        own = sum(counts.get(d, 0) for d in matched) + len(matched)
        return total == 0 or own / (total + len(matched)) >= MIN_OWN_SHARE


def _name_runs(question: str) -> list[str]:
    """Runs of name-like tokens: capitalised, all capitals, or holding a digit (the question's first word
    only when it is an acronym or id, since every question opens with a capital)."""
    runs: list[list[str]] = []
    previous_end = -1
    for match in _TOKEN.finditer(question):
        token = match.group(0)
        name_like = token[:1].isupper() or any(c.isdigit() for c in token)
        if match.start() == 0 and not (token.isupper() and len(token) > 1 or any(c.isdigit() for c in token)):
            name_like = False
        if not name_like:
            previous_end = -1
            continue
        joined = previous_end >= 0 and question[previous_end:match.start()].strip() in ("", "-")
        if joined:
            runs[-1].append(token)
        else:
            runs.append([token])
        previous_end = match.end()
    return [" ".join(run) for run in runs]


def _in_title(word: str, title: Sequence[str]) -> bool:
    """A word of a name stands in a title: as one of its words, or as the initials of consecutive ones
    ("eo": "executive order"; "rmf": "risk management framework")."""
    if word in title:
        return True
    if len(word) < 2 or not word.isalpha():
        return False
    initials = "".join(w[0] for w in title)
    return word in {initials[i:i + len(word)] for i in range(len(initials) - len(word) + 1)} and len(word) >= 2


def _without(text: str, pieces: Sequence[str]) -> str:
    for piece in pieces:
        text = text.replace(piece, " ; ")
    return text
