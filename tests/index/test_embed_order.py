"""Embedding in batches of similar length (index/embed.py, index/cache.py): on real chunks of the corpus, the
vectors equal those of embedding each batch as the chunks come, and come back in the order of the texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build import embedding_text
from index.cache import EmbeddingCache, embed_with_cache
from index.embed import Embedder, length_order
from ingest.pipeline import IngestResult


def corpus_texts(ingested: IngestResult, count: int) -> list[str]:
    """`count` embedded texts spread over the whole corpus, so that their lengths differ widely."""
    texts = [embedding_text(chunk, "title+section") for chunk in ingested.chunks]
    picked = np.random.default_rng(7).choice(len(texts), count, replace=False)
    return [texts[i] for i in picked]


def unsorted_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Each batch embedded on its own, in the order the texts come: nothing is reordered."""
    size = embedder.batch_size
    return np.vstack([embedder.model.encode(texts[i:i + size], batch_size=size, normalize_embeddings=True)
                      for i in range(0, len(texts), size)])


def test_length_order_puts_the_longest_first_and_keeps_ties_in_order() -> None:
    assert length_order([3, 9, 3, 5]).tolist() == [1, 3, 0, 2]
    assert length_order([]).tolist() == []


def test_sorted_embedding_gives_the_vectors_of_unsorted_embedding_in_the_texts_order(
        ingested_corpus: IngestResult, session_embedder: Embedder) -> None:
    texts = corpus_texts(ingested_corpus, 120)
    tokens = [session_embedder.count_tokens(t) for t in texts]
    assert max(tokens) > 4 * min(tokens), "the sample must mix short and long chunks"
    assert length_order(tokens).tolist() != list(range(len(texts))), "the sample must not come sorted"
    sorted_vectors = session_embedder.encode(texts)
    reference = unsorted_vectors(session_embedder, texts)
    assert sorted_vectors.shape == reference.shape == (len(texts), session_embedder.dimension)
    np.testing.assert_allclose(sorted_vectors, reference, atol=2e-5)
    # row i is the vector of text i: each row is nearest to its own reference row
    assert (np.argmax(sorted_vectors @ reference.T, axis=1) == np.arange(len(texts))).all()


def test_embed_with_cache_embeds_longest_first_across_parts_and_returns_vectors_in_order(
        tmp_path: Path, ingested_corpus: IngestResult, session_embedder: Embedder) -> None:
    texts = corpus_texts(ingested_corpus, 60)
    seen: list[list[str]] = []

    def encode(part: list[str]) -> np.ndarray:
        seen.append(part)
        return session_embedder.encode(part)

    cache = EmbeddingCache(tmp_path / "cache.sqlite", session_embedder.fingerprint)
    try:
        vectors, embedded = embed_with_cache(texts, cache, encode, save_every=16)
    finally:
        cache.close()
    assert embedded == len(texts)
    lengths = [len(t) for part in seen for t in part]
    assert lengths == sorted(lengths, reverse=True)
    assert [len(part) for part in seen] == [16, 16, 16, 12]  # within a part of 16, steps of ENCODE_STEP (32)
    np.testing.assert_allclose(vectors, unsorted_vectors(session_embedder, texts), atol=2e-5)


def test_the_progress_bar_shows_count_rate_and_time_left_on_stderr(
        tmp_path: Path, ingested_corpus: IngestResult, session_embedder: Embedder,
        capsys: pytest.CaptureFixture[str]) -> None:
    texts = corpus_texts(ingested_corpus, 70)
    cache = EmbeddingCache(tmp_path / "cache.sqlite", session_embedder.fingerprint)
    try:
        embed_with_cache(texts, cache, session_embedder.encode, progress=True)
        embed_with_cache(texts, cache, session_embedder.encode, progress=True)  # all cached: no bar
    finally:
        cache.close()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "embed: 100%" in captured.err and "70/70" in captured.err
    assert "chunk/s]" in captured.err and "<00:00" in captured.err  # rate, and the time left once done
    assert "32/70" in captured.err  # it moved before the end, one step of 32 at a time
    assert captured.err.count("embed:") == captured.err.count("embed: ")  # one bar only
