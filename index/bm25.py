"""Sparse retrieval with BM25 (bm25s), with a tokenizer that keeps legal and framework identifiers whole."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import snowballstemmer

from ingest.models import Chunk

_IDENTIFIER = re.compile(
    r"\b(article|art\.|annex|recital|chapter|section|sec\.|govern|map|measure|manage|title)\s+"
    r"\(?([0-9]+(?:\.[0-9]+)*|[ivxlc]+)\)?(?![a-z0-9])")
_ABBREVIATED = {"art.": "article", "sec.": "section", "sec": "section"}
_TOKEN = re.compile(r"[a-z0-9]+(?:[-.^/][a-z0-9]+)*")
_STEMMER = snowballstemmer.stemmer("english")
_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which", "with", "shall", "should", "may", "can", "will", "not", "such", "any", "other", "than", "into", "within", "those", "these", "been", "also"])


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Snowball (Porter 2) stem of a plain word, so "prohibit" meets "prohibited"; identifiers stay as written."""
    return _STEMMER.stemWord(token) if token.isalpha() else token


def tokenize(text: str) -> list[str]:
    """Lowercase tokens; `Article 5` also yields `article_5`, `GOVERN 1.1` yields `govern_1.1`,
    and compound identifiers (`M-25-21`, `10^25`) are kept whole beside their parts.

    >>> tokenize("Article 5 prohibits M-25-21")
    ['article_5', 'articl', '5', 'prohibit', 'm-25-21', 'm', '25', '21']
    """
    lowered = text.lower()
    tokens = [f"{_ABBREVIATED.get(kind, kind)}_{number}" for kind, number in _IDENTIFIER.findall(lowered)]
    for token in _TOKEN.findall(lowered):
        if token in _STOPWORDS:
            continue
        tokens.append(stem(token))
        if not token.isalnum():
            tokens.extend(stem(part) for part in re.split(r"[-.^/]", token) if part and part not in _STOPWORDS)
    return tokens


def bm25_text(chunk: Chunk) -> str:
    """What BM25 indexes: the section path with the text, so "Article 5" finds the chunks of Article 5, and the
    lead-in of the list the chunk opens inside."""
    return "\n".join(part for part in (chunk.section, chunk.lead_in, chunk.text) if part)


def indexed_tokens(text: str) -> list[str]:
    """The tokens BM25 counts for an indexed text (a text with none counts one that no query has)."""
    return tokenize(text) or ["\x00"]


class BM25Index:
    """BM25 scores over a fixed, ordered list of texts (row i is the i-th text given)."""

    def __init__(self, model: bm25s.BM25) -> None:
        self.model = model

    @classmethod
    def build(cls, texts: list[str]) -> BM25Index:
        model = bm25s.BM25()
        model.index([indexed_tokens(t) for t in texts], show_progress=False)
        return cls(model)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize(query) if t in self.model.vocab_dict]
        if not tokens:
            return np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        return self.model.get_scores(tokens).astype(np.float32)

    def save(self, directory: Path) -> None:
        self.model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        return cls(bm25s.BM25.load(str(directory), show_progress=False, verbosity=0))
