"""What a question asks for: the kind of answer, who it is about, which jurisdictions it names, its language.

>>> analyse("What is the largest penalty an organisation can face under the EU AI Act?", registry).kind
'amount'
>>> analyse("May employers use AI to detect how their staff feel?", registry).kind
'yesno'

`registry` is the corpus's (`ingest.registry`): the jurisdictions a question may name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.conversation import mentioned_jurisdictions
from assistant.text import STOPWORDS
from ingest.registry import Registry

# The kinds of answer a question can ask for; `open` is anything else (how, why, what does X say).
ANSWER_KINDS = ("yesno", "amount", "count", "date", "name", "list", "definition", "comparison", "open")

# Who a rule is addressed to, as the documents name them; a question about companies is not answered by a
# provision that fines Union institutions.
ACTOR_TERMS: dict[str, tuple[str, ...]] = {
    "companies": ("company", "companies", "organisation", "organization", "organisations", "organizations",
                  "business", "businesses", "undertaking", "undertakings", "firm", "firms", "enterprise",
                  "enterprises", "sme", "smes"),
    "union_institutions": ("union institution", "union institutions", "union bodies", "eu institutions",
                           "european data protection supervisor", "edps"),
    "providers": ("provider", "providers", "developer", "developers"),
    "deployers": ("deployer", "deployers", "user of", "users of", "employer", "employers"),
    "agencies": ("agency", "agencies", "federal agencies", "department", "departments", "chief ai officer",
                 "caio"),
    "member_states": ("member state", "member states", "national competent authorit", "market surveillance"),
}

_COMPARISON = re.compile(r"\b(compare|comparison|contrast|differ|differs|difference|differences|versus|vs\.?|"
                         r"similar|similarities|in common|whereas|how do .+ and .+ (approach|treat|define|handle))\b",
                         re.IGNORECASE)
# "What additional obligations …", "What minimum risk management practices …": up to three words may qualify
# the things listed, none of them the question's verb
_LIST = re.compile(r"\b(which|what) ((?!is\b|are\b|does\b|do\b)[\w-]+ ){0,3}(practices|principles|functions|"
                   r"categories|obligations|requirements|characteristics|actions|areas|uses|systems|rights|steps|"
                   r"elements|measures|recommendations|pillars|values|criteria|types|kinds|duties|conditions|"
                   r"safeguards)\b|\blist\b|\bname (the|all)\b|\benumerate\b|\bwhat are the\b", re.IGNORECASE)
_DEFINITION = re.compile(r"\b(define|defines|defined|definition|meaning of|what is meant by|what does .+ mean|"
                         r"what counts as|what is an?|what are)\b", re.IGNORECASE)
_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\b(what|which) (minimum |maximum )?age\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\bhow much\b|\b(penalty|penalties|fine|fines|amount|budget|salary|grade|fee|fees|"
                     r"threshold|turnover|funding|percentage|pay|allowance|share|proportion)\b", re.IGNORECASE)
_CONDITION = re.compile(r"^when (is|are|does|do) .+\b(considered|deemed|regarded|classified|treated|count|counts)\b|"
                        r"^when (a|an|the|it|they|an?y?)\b", re.IGNORECASE)
_DEFINITION_WHO = re.compile(r"^who (counts|qualifies|is considered|is regarded|is treated) as\b", re.IGNORECASE)
_AMOUNT_ASKED = re.compile(r"\b(largest|maximum|highest|how much|amount|up to|level)\b|\bwhat (\w+ ){0,3}(penalty|"
                           r"penalties|fine|fines|amount|budget|salary|grade|fee|fees|turnover|funding|allowance|"
                           r"percentage|share)\b", re.IGNORECASE)
_DATE = re.compile(r"^(when|by when|until when|since when)\b|\b(what date|which date|deadline|what year|which year|"
                   r"start to apply|apply from|enter into force|entry into force|come into (force|effect)|"
                   r"take effect|how long|how soon|within how many|timeline|by what date)\b", re.IGNORECASE)
_NAME = re.compile(r"^(who|whom|whose)\b|\b(which|what) (body|bodies|agency|agencies|office|authority|authorities|"
                   r"official|officials|person|people|document|organisation|organization|institution|committee|"
                   r"board|department|order|memo|memorandum|company|companies|firm|firms|member state|country|"
                   r"countries|city|minister|ministry|ministries|adherents|state|states|court|regulator)\b|"
                   r"^in which (city|country|member state)\b", re.IGNORECASE)
_YESNO = re.compile(r"^(is|are|does|do|did|can|could|may|might|must|should|shall|will|would|has|have|was|"
                    r"were)\b", re.IGNORECASE)
# Latin letters make most of an English question; a question mostly in another script is not read.
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_ENGLISH_WORDS = frozenset(["the", "what", "which", "how", "does", "is", "are", "of", "and", "ai", "who", "when",
                            "can", "may", "do", "in", "a", "to", "for", "under", "act", "about"])


# Jurisdictions and bodies whose own rules the corpus does not hold: a question about "China's rules" or
# "California's SB 1047" is not answered by the EU's or the US federal texts.
OUTSIDE_JURISDICTIONS = ("China", "Chinese", "Canada", "Canadian", "United Kingdom", "UK", "U.K.", "Britain",
                         "British", "South Korea", "Korea", "Korean", "India", "Indian", "Brazil", "Brazilian",
                         "Singapore", "Australia", "Australian", "New Zealand", "California", "Colorado", "Texas",
                         "Illinois", "Utah", "New York", "Council of Europe", "Germany", "German", "France",
                         "French", "Italy", "Italian", "Spain", "Spanish", "Russia", "Russian", "Israel", "Taiwan",
                         "Switzerland", "Swiss", "Mexico", "Chile", "Argentina", "Kenya", "Nigeria", "South Africa",
                         "Indonesia", "Vietnam", "Saudi Arabia", "United Arab Emirates", "UAE", "United Nations",
                         "UNESCO")
_OUTSIDE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(n) for n in sorted(OUTSIDE_JURISDICTIONS, key=len,
                                                                                  reverse=True)) + r")(?![A-Za-z])")


@dataclass(frozen=True)
class QuestionIntent:
    """What the question asks for. `actors` are the addressees it names (keys of `ACTOR_TERMS`); `elsewhere`
    the jurisdictions outside the corpus it asks about, when it names none of the corpus's own."""

    kind: str
    actors: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    english: bool = True
    elsewhere: tuple[str, ...] = ()


def answer_kind(question: str, registry: Registry) -> str:
    """The kind of answer asked; a comparison and a count win over the words inside them."""
    text = question.strip()
    if _COMPARISON.search(text) or len(mentioned_jurisdictions(text, registry)) >= 2:
        return "comparison"
    if _COUNT.search(text):
        return "count"
    if _DEFINITION_WHO.search(text):
        return "definition"
    if _DATE.search(text) and not _CONDITION.search(text):
        return "date"
    if _YESNO.match(text):
        return "yesno"
    if _NAME.search(text):
        return "name"
    if re.search(r"\bhow much\b|\bwhat (share|percentage|proportion)\b", text, re.IGNORECASE) or (
            _AMOUNT.search(text) and _AMOUNT_ASKED.search(text)):
        return "amount"
    if _LIST.search(text):
        return "list"
    if _DEFINITION.search(text):
        return "definition"
    return "open"


def actors_named(question: str) -> tuple[str, ...]:
    lowered = question.lower()
    return tuple(actor for actor, terms in ACTOR_TERMS.items()
                 if any(re.search(rf"(?<![a-z]){re.escape(term)}", lowered) for term in terms))


def is_english(question: str) -> bool:
    """False for a question written mostly in another script, or in Latin letters without English words."""
    letters = _LETTER.findall(question)
    if not letters:
        return True
    if len(_LATIN.findall(question)) / len(letters) < 0.5:
        return False
    words = re.findall(r"[a-z]+", question.lower())
    return len(words) < 3 or any(w in _ENGLISH_WORDS or w in STOPWORDS for w in words)


def outside_jurisdictions(question: str, registry: Registry) -> tuple[str, ...]:
    """The jurisdictions outside the corpus a question names, unless it asks about one of the corpus's own
    (a comparison with an outside one is still one the documents cannot make).

    >>> outside_jurisdictions("What fine amounts do China's rules on generative AI services impose?", registry)
    ('China',)
    >>> outside_jurisdictions("How does America's AI Action Plan treat China?", registry)
    ()
    >>> outside_jurisdictions("How does Japan's AI Basic Plan compare with South Korea's AI Basic Act?", registry)
    ('South Korea',)

    """
    if mentioned_jurisdictions(question, registry) and answer_kind(question, registry) != "comparison":
        return ()
    return tuple(dict.fromkeys(m.group(1) for m in _OUTSIDE.finditer(question)))


def analyse(question: str, registry: Registry) -> QuestionIntent:
    return QuestionIntent(kind=answer_kind(question, registry), actors=actors_named(question),
                          jurisdictions=mentioned_jurisdictions(question, registry), english=is_english(question),
                          elsewhere=outside_jurisdictions(question, registry))
