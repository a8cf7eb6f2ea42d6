"""The checkable facts of a text (amounts, percentages, numbers, dates, years, ids, names), matched across
wordings.

>>> [(f.kind, f.norm) for f in extract_facts("Fines up to EUR 35 000 000 or 7 % apply from 2 August 2026.")]
[('amount', '35000000'), ('percent', '7%'), ('date', '2026-08-02')]
>>> fact_in("35 million", "administrative fines of up to EUR 35 000 000")
True
>>> fact_in("seven percent", "up to 7 % of its total worldwide annual turnover")
True

Rules, each shown by an example:

Amounts carry a currency (before or after) or a scale word; the currency is dropped, so wordings meet:
>>> {f.norm for s in ("EUR 35 000 000", "€35,000,000", "35 000 000 EUR", "35 million")
...  for f in extract_facts(s)}
{'35000000'}

An amount in words ("trillions of dollars") is one too, matched as written:
>>> [(f.kind, f.norm) for f in extract_facts("led to trillions of dollars of investments")]
[('amount', 'trillions of dollars')]

Percentages, in figures or words:
>>> {f.norm for s in ("7 %", "7%", "7 per cent", "seven percent") for f in extract_facts(s)}
{'7%'}

Dates, day-month-year, month-day-year or ISO; a month and a year alone give a partial date:
>>> {f.norm for s in ("2 August 2026", "August 2, 2026", "2026-08-02", "2.8.2026", "02/08/2026")
...  for f in extract_facts(s)}
{'2026-08-02'}
>>> [(f.kind, f.norm) for f in extract_facts("in August 2026, not in 2027")]
[('date', '2026-08'), ('year', '2027')]

A year is stated by any date in it, a month by any day in it, a day without its year by that day in any year
(not the other way round):
>>> fact_in("2026", "from 2 August 2026"), fact_in("2 August 2026", "in 2026")
(True, False)
>>> fact_in("November 1", "on 1 November 2023"), fact_in("November 1, 2023", "on November 1")
(True, False)
>>> [f.norm for f in extract_facts("a work plan by the end of the year")]  # a deadline in words
['end of the year']

Ids of provisions and documents, however spaced or abbreviated:
>>> {f.norm for s in ("Article 5(1)(f)", "Art. 5(1)(f)", "Article 5 (1) (f)", "point (f) of Article 5(1)")
...  for f in extract_facts(s)}
{'article 5(1)(f)'}
>>> [f.norm for f in extract_facts("Annex III, Recital (44), Sec. 4.2, Section 4.1(a)(i)(A), GOVERN 1.1, "
...                                   "MAP 2.3")]
['annex iii', 'recital 44', 'section 4.2', 'section 4.1(a)(i)(a)', 'govern 1.1', 'map 2.3']
>>> [f.norm for f in extract_facts("M-25-21 replaces M-24-10; EO 14110 and Executive Order 14179")]
['m-25-21', 'm-24-10', 'eo 14110', 'eo 14179']
>>> [f.norm for f in extract_facts("Articles 16, 22 and 23 of Regulation (EU) 2024/1689")]
['article 16', 'article 22', 'article 23', 'regulation 2024/1689']

A broader id is stated by a narrower one:
>>> fact_in("Article 5", "Article 5(1)(f) prohibits"), fact_in("Article 5(1)(f)", "Article 5 prohibits")
(True, False)

Compute thresholds: "10^25", and "10 25" or "1025" near "floating point operations" (the exponent lost when
the PDF's text was extracted) are one amount:
>>> [f.norm for f in extract_facts("greater than 1025 floating point operations")]
['1e25']
>>> fact_in("10^25", "measured in floating point operations is greater than 1025.")
True

Numbers in figures or words ("twice" is 2; "one" only with a scale word: "one of" is no count):
>>> [(f.kind, f.norm) for f in extract_facts("four functions, twenty-one days, 1,500 staff, one of them")]
[('number', '4'), ('number', '21'), ('number', '1500')]

Not facts: list labels, footnote and recital labels in parentheses, page and paragraph numbers, citation
marks, page counters and URLs:
>>> extract_facts("3. Deployers shall (1) see p. 12 and paragraph 2 [1], 31/144, http://x.eu/2024/1689")
[]

Names: runs of capitalised words (with "of", "for", "on", "and" inside), acronyms, and a few bodies named by
one word; not an ordinary word that opens a sentence, nor the jurisdiction or the document itself:
>>> [f.text for f in extract_facts("The AI Office and the European Artificial Intelligence Board advise.")]
['AI Office', 'European Artificial Intelligence Board']
>>> [f.text for f in extract_facts("Providers inform the National Institute of Standards and Technology.")]
['National Institute of Standards and Technology']
>>> [f.text for f in extract_facts("Each Chief AI Officer tells OMB; NIST and OECD agree. The EU AI Act")]
['Chief AI Officer', 'OMB', 'NIST', 'OECD']

Names match case-insensitively, plurals and known acronyms included:
>>> fact_in("AI Office", "the ai office"), fact_in("NIST", "National Institute of Standards and Technology")
(True, True)

A key fact string that holds no fact ("medical or safety reasons") is matched as a phrase, words normalised;
the words beside the facts of a key ("four functions") must all stand in the text:
>>> fact_in("medical or safety reasons", "Medical or Safety reasons"), fact_in("four rules", "4 rules")
(True, True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assistant.text import content_words

FACT_KINDS = ("amount", "percent", "number", "date", "year", "id", "name")


@dataclass(frozen=True)
class Fact:
    kind: str  # one of FACT_KINDS
    text: str  # as written in the text
    norm: str  # canonical form used for matching


# --- text preparation ---------------------------------------------------------------------------------------

# One-for-one replacements, so a match's offsets in the prepared text are its offsets in the original.
_SAME_WIDTH = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2008": " ",
                             "\u2011": "-", "\u2010": "-", "\u2019": "'", "\u00b2": "2", "\u00b3": "3",
                             "\u00b9": "1", "\u2070": "0", "\u2074": "4", "\u2075": "5", "\u2076": "6",
                             "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u2212": "-", "\t": " "})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


_LINE_BREAK_HYPHEN = re.compile(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])")


def _plain(text: str) -> str:
    """Lowercase words and digits separated by single spaces, padded with a space on each side."""
    folded = unicodedata.normalize("NFKC", text).translate(_SAME_WIDTH).lower()
    return " " + _NON_ALNUM.sub(" ", folded).strip() + " "


def _readings(text: str) -> tuple[str, ...]:
    """The plain text, and (when a line ends in a hyphen) the plain text with the hyphenated words joined:
    "federated learn-\ning" is "federated learning", but "non-\nsector" stays "non sector" too."""
    joined = _LINE_BREAK_HYPHEN.sub("", text)
    return (_plain(text),) if joined == text else (_plain(text), _plain(joined))


def _says(readings: tuple[str, ...], phrase: str) -> bool:
    """A plain phrase stands in one of the readings, as whole words (a last word may take a plural "s")."""
    phrase = phrase.strip()
    plural = rf"{re.escape(phrase[:-1])}(?:y|ies)" if phrase.endswith("y") else rf"{re.escape(phrase)}s?"
    pattern = re.compile(rf" {plural} ")
    return phrase != "" and any(pattern.search(reading) for reading in readings)


# --- numbers ------------------------------------------------------------------------------------------------

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "twice": 2, "thrice": 3,
          "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12,
           "bn": 10**9}
_WORD = "(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_WORD_NUMBER = rf"{_WORD}(?:[- ]{_WORD})?"
_SCALE = r"(?:hundred|thousand|million|billion|trillion|bn)"
# 35,000,000 | 35 000 000 (groups of three) | 35 | 1.5
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)|\d+(?:\.\d+)?"
_QUANTITY = rf"(?:{_DIGITS}|(?i:{_WORD_NUMBER}))(?:\s?(?i:{_SCALE})\b)*"
# A number neither glued to a word or another number ("G7", "COVID-19", "operations.12", "2024/1689").
_BEFORE = r"(?<![\w.,/$€£¥])(?<![A-Za-z]-)"
_AFTER = r"(?![\w/]|[.,]\d)"


def _value(quantity: str) -> Decimal | None:
    """The value of "35 000 000", "1.5 billion", "twenty-one", "seven"; None for anything else."""
    words = quantity.lower().replace(",", "").replace("-", " ").split()
    digits = ""
    while words and re.fullmatch(r"\d+(?:\.\d+)?", words[0]):
        digits += words.pop(0)  # "35 000 000" arrives as three groups of one number
    try:
        value = Decimal(digits) if digits else Decimal(0)
    except InvalidOperation:
        return None
    seen_word = False
    for word in words:
        if word in _UNITS and not digits:
            value += _UNITS[word]
            seen_word = True
        elif word in _SCALES and (digits or seen_word):
            value *= _SCALES[word]
        else:
            return None
    return value if digits or seen_word else None


def _number_norm(value: Decimal) -> str:
    """Canonical digits: no grouping, no trailing decimal zeros ("35000000", "1.5")."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the rules, in the order they claim text ----------------------------------------------------------------

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
# Capitalised or in capitals ("JULY 2025" on a cover), never lowercase ("it may 2025" is no date).
_MONTH = (r"(?=[A-Z])((?i:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?))"
          r"(?![A-Za-z])")
_GROUPS = r"(?:\s?\(\s?(?:[0-9a-z]{1,4}|[A-Z])\s?\))*"  # "(1)(f)", "(a)(i)(A)"
_REF = rf"\d+[a-z]?{_GROUPS}(?:,?\s*points?\s*\([0-9a-z]{{1,4}}\))?"
_REF_LIST = rf"{_REF}(?:\s*(?:,|and/or|and|or|to)\s*{_REF})*"
_SECTION_REF = rf"\d+(?:\.\d+)*[a-z]?{_GROUPS}"
_SECTION_LIST = rf"{_SECTION_REF}(?:\s*(?:,|and|or|to)\s*{_SECTION_REF})*"
_TIME_UNIT = re.compile(
    r"\s*(?:-|\s)?(?:calendar |working |business )?(?:days?|weeks?|months?|years?|hours?)\b", re.IGNORECASE)
_COMPUTE_CONTEXT = re.compile(r"floating|integer or|\bflops?\b|operations", re.IGNORECASE)

# Numbers that label something: list items, sections, footnotes and recitals; pages and paragraphs.
_LABELS = (
    r"(?m:^)[ \t]*\(?\d{1,3}[.)](?=\s)",  # "3. Deployers", "1) the"
    r"(?m:^)[ \t]*\d+(?:\.\d+)+\.?(?=\s+[A-Z])",  # "5.1 Govern"
    r"(?<=[.;:])\s+\d{1,3}\.(?=\s+[A-Z(])",  # "… year. 4. Non-compliance"
    r"\(\d{1,3}\)",  # "(44)", "(1)"
    r"\b(?:p|pp|[Pp]ages?)\.?\s*\d+(?:\s*[-–]\s*\d+)?\b",
    r"\b(?:[Ss]ub)?[Pp]aragraphs?\s+\d+(?:\s*(?:,|and|or)\s*\d+)*",
    r"\b\d+/\d+(?:/\w+)?",  # "31/144"
)

# A month's name starts with one of these: a text without any cannot hold a date in words.
_MONTH_NEEDS = tuple(m[:3].capitalize() for m in _MONTHS) + tuple(m[:3].upper() for m in _MONTHS)

Builder = Callable[[re.Match[str]], list[Fact] | None]


def _ref_norm(prefix: str, ref: str) -> str:
    """ "5 (1) (f)" or "5(1), point (f)" -> "article 5(1)(f)"."""
    number = re.match(r"\d+(?:\.\d+)*[a-z]?", ref)
    groups = re.findall(r"\(\s?([0-9a-z]{1,4}|[A-Z])\s?\)", ref[number.end():] if number else ref)
    return f"{prefix} {number.group(0) if number else ref}" + "".join(f"({g.lower()})" for g in groups)


def _ref_list(kind_prefix: str, ref: str = _REF) -> Builder:
    """Each reference of "Articles 16, 22 and 23" as its own id."""
    def build(m: re.Match[str]) -> list[Fact]:
        refs = list(re.finditer(ref, m.group("refs")))
        return [Fact("id", m.group(0) if len(refs) == 1 else r.group(0), _ref_norm(kind_prefix, r.group(0)))
                for r in refs]
    return build


def _id(template: str, lower: bool = True) -> Builder:
    def build(m: re.Match[str]) -> list[Fact]:
        norm = template.format(*[g or "" for g in m.groups()])
        return [Fact("id", m.group(0), norm.lower() if lower else norm)]
    return build


def _point_of_article(m: re.Match[str]) -> list[Fact]:
    norm = _ref_norm("article", m.group(2) + m.group(3)) + f"({m.group(1)})"
    return [Fact("id", m.group(0), norm)]


def _annex(m: re.Match[str]) -> list[Fact]:
    norm = f"annex {m.group(1).lower()}" + (f"({m.group(2)})" if m.group(2) else "") + (
        f"({m.group(3)})" if m.group(3) else "")
    return [Fact("id", m.group(0), norm)]


def _skip(m: re.Match[str]) -> list[Fact]:
    return []  # claimed, so that no later rule reads a fact in it


def _date(day: int | None, month: str, year: str) -> str:
    number = _MONTHS[month.lower()[:3]]
    return f"{year}-{number:02d}" + (f"-{day:02d}" if day else "")


def _day_month_year(m: re.Match[str]) -> list[Fact] | None:
    day = int(m.group(1))
    return [Fact("date", m.group(0), _date(day, m.group(2), m.group(3)))] if 1 <= day <= 31 else None


def _month_day_year(m: re.Match[str]) -> list[Fact] | None:
    day = int(m.group(2))
    return [Fact("date", m.group(0), _date(day, m.group(1), m.group(3)))] if 1 <= day <= 31 else None


def _iso_date(m: re.Match[str]) -> list[Fact] | None:
    if not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
        return None
    return [Fact("date", m.group(0), m.group(0))]


def _dotted_date(m: re.Match[str]) -> list[Fact] | None:
    """ "12.7.2024", day first as the Official Journal writes it."""
    day, month = int(m.group(1)), int(m.group(2))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return [Fact("date", m.group(0), f"{m.group(3)}-{month:02d}-{day:02d}")]


def _slashed_date(m: re.Match[str]) -> list[Fact] | None:
    """ "31/03/2021" day first, "03/31/2021" month first when the day shows it; day first when both could be
    months, as the OECD's list of adherents writes them ("03/05/2024" is 3 May 2024)."""
    first, second = int(m.group(1)), int(m.group(2))
    day, month = (second, first) if second > 12 >= first else (first, second)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return [Fact("date", m.group(0), f"{m.group(3)}-{month:02d}-{day:02d}")]


def _day_of_year(day: int, month: str, text: str) -> list[Fact] | None:
    """A day without its year ("November 1"): stated by that day of any year."""
    if not 1 <= day <= 31:
        return None
    return [Fact("date", text, f"--{_MONTHS[month.lower()[:3]]:02d}-{day:02d}")]


def _month_day(m: re.Match[str]) -> list[Fact] | None:
    return _day_of_year(int(m.group(2)), m.group(1), m.group(0))


def _day_month(m: re.Match[str]) -> list[Fact] | None:
    return _day_of_year(int(m.group(1)), m.group(2), m.group(0))


def _month_year(m: re.Match[str]) -> list[Fact]:
    return [Fact("date", m.group(0), _date(None, m.group(1), m.group(2)))]


def _quantity_fact(kind: str, suffix: str = "") -> Builder:
    def build(m: re.Match[str]) -> list[Fact] | None:
        value = _value(m.group("q"))
        return None if value is None else [Fact(kind, m.group(0), _number_norm(value) + suffix)]
    return build


def _power_of_ten(m: re.Match[str]) -> list[Fact]:
    return [Fact("amount", m.group(0), f"1e{int(m.group(1))}")]


def _lost_exponent(m: re.Match[str]) -> list[Fact] | None:
    """ "1025" or "10 25" read as 10^25 only beside words about computing operations."""
    context = m.string[max(0, m.start() - 100): m.end() + 60]
    if not _COMPUTE_CONTEXT.search(context):
        return None
    return [Fact("amount", m.group(0), f"1e{int(m.group(1))}")]


def _amount_in_words(m: re.Match[str]) -> list[Fact]:
    return [Fact("amount", m.group(0), " ".join(m.group(0).lower().split()))]


def _quantity(m: re.Match[str]) -> list[Fact] | None:
    if m.group("percent"):
        return _quantity_fact("percent", "%")(m)
    if m.group("currency"):
        return _quantity_fact("amount")(m)
    return _number(m)


def _number(m: re.Match[str]) -> list[Fact] | None:
    quantity = m.group("q")
    if quantity.lower() == "one":
        return None  # "one of", "no one", "the one": rarely a count
    value = _value(quantity)
    if value is None:
        return None
    if re.fullmatch(r"(?:19|20)\d\d", quantity):
        return [Fact("year", quantity, quantity)]
    return [Fact("number", m.group(0), _number_norm(value))]


_RULES: tuple[tuple[re.Pattern[str], Builder, tuple[str, ...]], ...] = (
    # never facts: links, citation marks, page references and counters
    (re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+"), _skip, ("http", "www.", "@")),
    (re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]"), _skip, ("[",)),
    # ids
    (re.compile(r"\b(Regulation|Directive|Decision)\s*(?:\((?:EU|EC|EEC|Euratom)\)\s*)?(?:No\.?\s*)?"
                r"(\d{2,4}/\d{1,4}(?:/(?:EU|EC|EEC|JHA))?)"),
     _id("{} {}"), ("Regulation", "Directive", "Decision")),
    (re.compile(rf"\bpoints?\s+\(([0-9a-z]{{1,4}})\)\s+of\s+[Aa]rticle\s+(\d+[a-z]?)({_GROUPS})"),
     _point_of_article, ("point",)),
    (re.compile(r"\b(?:sub)?paragraph\s+(\d+)\s+of\s+[Aa]rticle\s+(\d+[a-z]?)\b"),
     _id("article {1}({0})"), ("paragraph",)),
    (re.compile(rf"\b(?:[Aa]rticles?|ARTICLE|Arts?\.)\s*(?P<refs>{_REF_LIST})"),
     _ref_list("article"), ("rticle", "ARTICLE", "Art.", "Arts.")),
    (re.compile(r"\b[Aa]nnex(?:es)?\s+([IVXLC]+)\b(?:,?\s*points?\s+(\d+)(?:\s*\(([a-z])\))?)?"),
     _annex, ("nnex",)),
    (re.compile(r"\bANNEX\s+([IVXLC]+)\b()()"), _annex, ("ANNEX",)),
    (re.compile(r"\b[Rr]ecitals?\s*\(?(\d+)\)?"), _id("recital {}"), ("ecital",)),
    (re.compile(r"\b(?:[Cc]hapter|CHAPTER)\s+([IVXLC]+|\d+)\b"), _id("chapter {}"), ("hapter", "CHAPTER")),
    (re.compile(rf"(?:\b[Ss]ec\.|\b[Ss]ections?|\bSECTION|§)\s*(?P<refs>{_SECTION_LIST})"),
     _ref_list("section", _SECTION_REF), ("ec", "SECTION", "§")),
    (re.compile(r"\b(GOVERN|MAP|MEASURE|MANAGE)\s+(\d+(?:\.\d+)?)\b"),
     _id("{} {}"), ("GOVERN", "MAP", "MEASURE", "MANAGE")),
    (re.compile(r"\b(GV|MP|MS|MG)-(\d+\.\d+)-(\d{3})\b"), _id("{}-{}-{}"), ("GV-", "MP-", "MS-", "MG-")),
    (re.compile(r"\bM-(\d{2})-(\d{2})\b"), _id("m-{}-{}"), ("M-",)),
    (re.compile(r"\b(?:Executive\s+Orders?|E\.\s?O\.|EO)\s*(?:\(E\.?O\.?\)\s*)?(?:No\.\s*)?(1\d{4})\b"),
     _id("eo {}"), ("Executive", "E.", "EO")),
    (re.compile(r"\b(?:NIST\s+)?(AI|SP)\s+(\d{3}-\d+(?:r\d)?)\b"), _id("nist {} {}"), ("AI ", "SP ")),
    (re.compile(r"\bAI RMF\s+(\d\.\d)\b"), _id("ai rmf {}"), ("AI RMF",)),
    (re.compile(r"\b(\d+)\s+U\.\s?S\.\s?C\.\s*(?:§\s*)?(\d+[a-z]?)((?:\([0-9a-zA-Z]{1,4}\))*)"),
     _id("{} usc {}{}"), ("U.",)),
    (re.compile(r"\b(?:Public\s+Law|Pub\.\s?L\.)\s*(?:No\.\s*)?(\d+-\d+)"),
     _id("public law {}"), ("Public", "Pub.")),
    (re.compile(r"\b(Table|Figure)\s+(\d+(?:\.\d+)?)\b"), _id("{} {}"), ("Table", "Figure")),
    # dates
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+((?:19|20)\d\d)\b"),
     _day_month_year, _MONTH_NEEDS),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s?,?\s+((?:19|20)\d\d)\b"),
     _month_day_year, _MONTH_NEEDS),
    (re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"), _iso_date, ()),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b"), _dotted_date, ()),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b"), _slashed_date, ()),
    (re.compile(rf"\b{_MONTH}\s+((?:19|20)\d\d)\b"), _month_year, _MONTH_NEEDS),
    (re.compile(r"\b[Ee]nd of (?:the|this) year\b"),
     lambda m: [Fact("date", m.group(0), "end of the year")], ("nd of th",)),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"), _month_day, _MONTH_NEEDS),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}"), _day_month, _MONTH_NEEDS),
    # never facts: labels, page and paragraph numbers
    (re.compile("|".join(_LABELS)), _skip, ()),
    # quantities
    (re.compile(rf"(?:\bEUR|\bUSD|\bGBP|\bJPY|\bCHF|US\$|€|\$|£|¥)\s?(?P<q>{_QUANTITY}){_AFTER}"),
     _quantity_fact("amount"), ("EUR", "USD", "GBP", "JPY", "CHF", "$", "€", "£", "¥")),
    (re.compile(r"\b(?:(?:tens|hundreds) of )?(?:thousands|millions|billions|trillions) of "
                r"(?:dollars|euros|yen)\b", re.IGNORECASE),
     _amount_in_words, ("housands", "illions", "HOUSANDS", "ILLIONS")),
    (re.compile(r"\b10\s?(?:\^|\*\*)\s?(\d{1,2})\b|\b1e\+?(\d{1,2})\b"),
     lambda m: [Fact("amount", m.group(0), f"1e{int(m.group(1) or m.group(2))}")], ("10", "1e")),
    (re.compile(r"(?<![\w.,/])10 ?([12]\d)\b(?![.,]\d|/)"), _lost_exponent, ("10",)),
    # a number, a percentage or an amount with its currency after it, in one pass over the text
    (re.compile(rf"{_BEFORE}(?P<q>{_QUANTITY})"
                rf"(?:\s?(?P<percent>%|(?i:per\s?cent|percent|percentage points?)\b)"
                rf"|\s?(?P<currency>(?:EUR|euros?|USD|US dollars|dollars|yen|GBP)\b)|{_AFTER})"),
     _quantity, ()),
)

# --- names --------------------------------------------------------------------------------------------------

# "Co-operation" and "General-Purpose", but "AI-enabling" is the acronym "AI" and a lowercase word.
_CAPITAL = r"(?:[A-Z][a-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|[A-Z][A-Z0-9]*(?:-[A-Z0-9][A-Za-z0-9]*)*)"
_GAP = r"(?: ?\n ?| )"
_NAME_RUN = re.compile(
    rf"(?<![\w'-]){_CAPITAL}(?:(?:{_GAP}(?:of the|for the|of|for|on|and){_GAP}|{_GAP}){_CAPITAL})*(?!['\w])")
_CONNECTORS = frozenset(["of", "the", "for", "on", "and"])
# Words that open a run without belonging to the name ("The AI Office", "Each Chief AI Officer").
_LEADING = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "such", "each", "every", "any", "all", "some", "no",
     "both", "either", "neither", "its", "their", "our", "his", "her", "in", "on", "at", "by", "for", "from",
     "to", "with", "under", "within", "into", "upon", "of", "as", "if", "when", "where", "while", "whether",
     "although", "though", "it", "they", "we", "he", "she", "i", "you", "and", "or", "but", "nor", "not",
     "also", "only", "other", "another", "new", "further", "section"])
# Small words that cut a run written in title case ("Trustworthy AI Is the Goal", "Can Japan Become").
_TITLE_BREAKS = _LEADING | frozenset(
    ["is", "are", "was", "were", "be", "been", "can", "could", "will", "would", "should", "may", "might",
     "must", "do", "does", "how", "what", "why", "who", "which", "become", "becomes", "toward", "towards"])
# Acronyms that are not names: general terms, units, labels, roman numerals, and the jurisdictions themselves
# (an answer says "EU" where the law says "Union").
_NOT_ACRONYMS = frozenset(
    ["AI", "ML", "IT", "ICT", "API", "PDF", "FLOP", "FLOPS", "EO", "OJ", "ELI", "NB", "NOTE", "ANNEX",
     "CHAPTER", "SECTION", "ARTICLE", "TITLE", "PART", "EU", "US", "USA", "UK", "UN", "EN", "ISO", "IEC",
     "URL", "FAQ", "CEO", "TBD", "N/A", "OK", "EC", "EEC"])
# Words of six letters or more written in capitals that name something rather than head a chapter.
_LONG_ACRONYMS = frozenset(["GOVERN", "MEASURE", "MANAGE", "CENELEC", "UNESCO", "FAST-41", "CAIOC", "NAIRR"])
# Names so general in this corpus that a sentence using them states nothing checkable: the jurisdictions and
# the documents themselves (an answer says "the AI Act" where the text says "this Regulation").
GENERIC_NAMES = frozenset([
    "european union", "united states", "united states of america", "member state", "member states",
    "union", "ai act", "eu ai act", "artificial intelligence act", "ai rmf", "nist ai rmf",
    "ai risk management framework", "artificial intelligence", "federal government", "government",
    "official journal of the european union", "official journal"])
# Bodies named by a single word in the documents ("the Commission shall").
_ONE_WORD_BODIES = frozenset(["Commission", "Board", "Council", "Parliament", "Congress"])
# Forms of one name; the first is its canonical form.
_ALIASES: tuple[tuple[str, ...], ...] = (
    ("national institute of standards and technology", "nist"),
    ("office of management and budget", "omb", "0mb"),  # "0MB": the memorandum's PDF text
    ("organisation for economic co operation and development",
     "organization for economic co operation and development",
     "organisation for economic cooperation and development",
     "organization for economic cooperation and development", "oecd"),
    ("office of science and technology policy", "ostp"),
    ("european artificial intelligence board", "ai board"),
    ("chief ai officer", "caio"),
    ("group of seven", "g7"),
)
_CANONICAL = {form: group[0] for group in _ALIASES for form in group}
_FORMS = {group[0]: group for group in _ALIASES}


def _name_norm(name: str) -> str:
    """Lowercase words, the last one singular ("Chief AI Officers" -> "chief ai officer"), aliases as one."""
    plain = _plain(name).strip()
    if plain in GENERIC_NAMES:
        return plain
    if plain.endswith("ies"):
        plain = plain[:-3] + "y"
    else:
        plain = re.sub(r"(?<=[a-z]{4})(?<![su])s$", "", plain)
    return _CANONICAL.get(plain, plain)


def _is_acronym(word: str) -> bool:
    """ "OMB", "G7", "CAISI"; a long word in capitals is a heading's word ("MEASURES", "INNOVATION") unless it
    names something in this corpus ("GOVERN", "CENELEC")."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    return (len(word) >= 2 and word.upper() == word and len(letters) >= 1 and word not in _NOT_ACRONYMS
            and not re.fullmatch(r"[IVXLC]+", word) and (len(letters) <= 5 or word in _LONG_ACRONYMS))


def _name_facts(prepared: str, original: str) -> Iterator[tuple[int, Fact]]:
    for m in _NAME_RUN.finditer(prepared):
        words = [(m.start() + w.start(), w.group(0)) for w in re.finditer(r"\S+", m.group(0))]
        for pieces in _title_parts(words):
            for start, end, capitals in _split_acronym_pairs(pieces):
                if not _names_something(capitals):
                    continue
                if len(capitals) >= 2 and all(w.upper() == w for w in capitals) and sum(
                        len(w) >= 5 for w in capitals) >= 2:
                    continue  # a heading in capitals ("PROHIBITED AI PRACTICES")
                text = original[start:end]
                norm = _name_norm(text)
                if norm in GENERIC_NAMES or not norm:
                    continue
                yield start, Fact("name", " ".join(text.split()), norm)


def _title_parts(words: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """A run cut at capitalised small words of a title ("Trustworthy AI Is the Goal"), leading ones dropped
    ("The AI Office", "Each Chief AI Officer")."""
    part: list[tuple[int, str]] = []
    for start, word in words:
        if word[0].isupper() and word.lower() in _TITLE_BREAKS:
            if part:
                yield part
            part = []
        elif part or word not in _CONNECTORS:
            part.append((start, word))
    if part:
        yield part


def _names_something(capitals: list[str]) -> bool:
    """Two telling words ("Chief AI Officer"), a general acronym before a noun ("AI Office"), an acronym
    ("OMB") or a one-word body; not a word before a general acronym ("Compliant AI", "Trustworthy AI"), not
    labels ("EN OJ L")."""
    telling = [w for w in capitals
               if w not in _NOT_ACRONYMS and len(w) > 1 and not re.fullmatch(r"[IVXLC]+", w)]
    if len(telling) >= 2:
        return True
    if len(telling) == 1:
        word = telling[0]
        return (_is_acronym(word) or word in _ONE_WORD_BODIES
                or (len(capitals) >= 2 and capitals[-1] == word and capitals[0] in _NOT_ACRONYMS))
    return False


def _split_acronym_pairs(pieces: list[tuple[int, str]]) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, capitalised words) of each name in a run: "NIST and OMB" is two, "Office of Management and
    Budget" one. Connectors left at the end of a cut run are dropped."""
    while pieces and pieces[-1][1] in _CONNECTORS:
        pieces = pieces[:-1]
    if not pieces:
        return
    words = [w for _, w in pieces]
    if "and" in words and all(_is_acronym(w) for w in words if w != "and"):
        for start, word in pieces:
            if word != "and":
                yield start, start + len(word), [word]
        return
    yield pieces[0][0], pieces[-1][0] + len(pieces[-1][1]), [w for w in words if w not in _CONNECTORS]


# --- public API ---------------------------------------------------------------------------------------------

def _facts_with_spans(text: str) -> list[tuple[int, int, Fact]]:
    """Every fact with its offsets; each rule claims its text (blanked out) before the next rule reads it."""
    prepared = text.translate(_SAME_WIDTH)
    found: list[tuple[int, int, Fact]] = []
    for pattern, build, needs in _RULES:
        if needs and not any(word in text for word in needs):
            continue  # none of the words the rule starts from: the text cannot match it
        claimed: list[tuple[int, int]] = []
        for m in pattern.finditer(prepared):
            facts = build(m)
            if facts is None:
                continue
            claimed.append(m.span())
            as_written = text[m.start(): m.end()]
            found += [(m.start(), m.end(), Fact(f.kind, as_written if len(facts) == 1 else f.text, f.norm))
                      for f in facts]
        for start, end in claimed:
            prepared = prepared[:start] + "\x00" * (end - start) + prepared[end:]
    for start, fact in _name_facts(prepared, text):
        found.append((start, start + len(fact.text), fact))
    found.sort(key=lambda item: item[0])
    return found


def extract_facts(text: str) -> list[Fact]:
    """Every fact in the text, in the order it stands."""
    return [fact for _, _, fact in _facts_with_spans(text)]


def _parse_key(key: str) -> list[Fact]:
    # A key fact that is only "10 25" has no context to show it is an exponent; a key is short, so take it so.
    lost = re.fullmatch(r"\s*10\s?\^?\s?([12]\d)\s*", key)
    if lost:
        return [Fact("amount", key, f"1e{int(lost.group(1))}")]
    return extract_facts(key)


def _stated(fact: Fact, facts: list[Fact], readings: tuple[str, ...]) -> bool:
    if fact.kind == "name":
        return any(_says(readings, form) for form in _FORMS.get(fact.norm, (fact.norm,)))
    if fact.kind == "number" and _says(readings, fact.norm):
        return True  # the passage may read it inside an id: "29" of "29 U.S.C. 201"
    for other in facts:
        if fact.kind in ("amount", "number") and other.kind in ("amount", "number"):
            if other.norm == fact.norm:
                return True
        elif fact.kind in ("date", "year") and other.kind in ("date", "year"):
            if other.norm == fact.norm or other.norm.startswith(fact.norm + "-") or (
                    fact.norm.startswith("--") and other.norm.endswith(fact.norm[1:])):
                return True
        elif fact.kind == other.kind and (other.norm == fact.norm or other.norm.startswith(
                (fact.norm + "(", fact.norm + "."))):
            return True
    return False


def fact_in(fact: Fact | str, text: str) -> bool:
    """Whether `text` states the fact, in whatever wording. A string is parsed first (a key fact like "7 %");
    a string with no fact in it is looked for as a phrase; the words beside its facts must be in `text`."""
    facts = extract_facts(text)
    readings = _readings(text)
    if isinstance(fact, Fact):
        return _stated(fact, facts, readings)
    wanted = _parse_key(fact)
    if not wanted:
        return _says(readings, _plain(fact))
    if not all(_stated(f, facts, readings) for f in wanted):
        return False
    rest = fact
    for f in wanted:
        rest = rest.replace(f.text, " ")
    words = {w for reading in readings for w in reading.split()}
    return all(w in words or w.rstrip("s") in words or w + "s" in words for w in _plain(" ".join(
        content_words(rest))).split())


def facts_of_kind(text: str, answer_kind: str) -> list[Fact]:
    """The facts of `text` that can answer a question of `answer_kind` (assistant.question.ANSWER_KINDS).

    "amount": amounts and percentages; "count": numbers (not years, not labels); "date": dates, years, and
    numbers of days, weeks, months or years (a "how long" question); "name": names, and the ids of orders,
    memoranda and acts ("which order"); any other kind: every fact.

    >>> text = "Within 15 days of 2 August 2026, four bodies pay EUR 5 000."
    >>> [f.norm for f in facts_of_kind(text, "date")], [f.norm for f in facts_of_kind(text, "count")]
    (['15', '2026-08-02'], ['15', '4'])
    """
    spans = _facts_with_spans(text)
    if answer_kind == "amount":
        return [f for _, _, f in spans if f.kind in ("amount", "percent")]
    if answer_kind == "count":
        return [f for _, _, f in spans if f.kind == "number"]
    if answer_kind == "date":
        return [f for _, end, f in spans if f.kind in ("date", "year")
                or (f.kind == "number" and _TIME_UNIT.match(text, end))]
    if answer_kind == "name":
        return [f for _, _, f in spans if f.kind == "name" or (f.kind == "id" and re.match(
            r"(eo|m-|regulation|directive|decision|nist|public law) ?", f.norm))]
    return [f for _, _, f in spans]
