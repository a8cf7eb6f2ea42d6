"""The PostgreSQL backend: one table of chunks with their metadata, a pgvector HNSW index (cosine) for the dense
side and a generated `tsvector` (GIN) for the lexical side; filters are WHERE clauses, a changed document is
replaced in one transaction, and an advisory lock keeps two builds apart (schema: index/backends/pg_schema.py).

>>> backend = PgVectorBackend("postgresql://policyqa@localhost/policyqa")  # doctest: +SKIP
>>> backend.dense(query_vector, depth=5, filters=SearchFilters(jurisdictions=frozenset({"eu"})))  # doctest: +SKIP
[('eu-ai-act-2024-1689:3f2a…', 0.62), ...]
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

import numpy as np
import psycopg
from psycopg.conninfo import conninfo_to_dict

from index.backends.base import Ranked
from index.backends.pg_schema import (
    BM25_RANKED,
    BUILD_LOCK_KEY,
    BUILDING,
    CHUNKS,
    CHUNKS_TABLE,
    COLUMNS,
    COUNTS,
    EF_SEARCH,
    FTS_RANKED,
    INDEXES,
    LEXICAL_RANKINGS,
    SETUP,
    where_clause,
)
from index.bm25 import bm25_text, indexed_tokens, tokenize
from index.layout import (
    SCHEMA_VERSION,
    BackendUnavailableError,
    BuildLockedError,
    DocumentRecord,
    IndexManifest,
    IndexMismatchError,
    IndexNotBuiltError,
)
from index.models import SearchFilters
from ingest.models import Chunk
from ingest.settings import Settings


def describe_dsn(dsn: str) -> str:
    """host:port/dbname of a connection string, without its password."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(an unreadable connection string)"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def vector_text(vector: np.ndarray) -> str:
    """pgvector's text form of a vector: "[0.1,0.2,…]" (float32 values survive the round trip)."""
    return str(np.asarray(vector, dtype=np.float32).tolist()).replace(" ", "")


def _row(chunk: Chunk, position: int, vector: np.ndarray) -> tuple[Any, ...]:
    data = chunk.to_dict()
    meta = {k: v for k, v in data.items() if k not in COLUMNS}
    tokens = indexed_tokens(bm25_text(chunk))
    return (chunk.doc_id, position, chunk.chunk_id, chunk.jurisdiction, chunk.section, chunk.kind, chunk.text,
            json.dumps(meta, ensure_ascii=False), vector_text(vector),
            json.dumps(Counter(tokens), ensure_ascii=False), len(tokens))


def _chunk(meta: dict[str, Any], values: tuple[Any, ...]) -> Chunk:
    return Chunk.from_dict({**meta, **dict(zip(COLUMNS, values))})


class PgVectorBackend:
    """Chunks in PostgreSQL with pgvector; see the module docstring."""

    def __init__(self, dsn: str, lexical_ranking: str = "bm25") -> None:
        if lexical_ranking not in LEXICAL_RANKINGS:
            raise ValueError(f"unknown lexical ranking '{lexical_ranking}'; valid rankings are: "
                             f"{', '.join(LEXICAL_RANKINGS)}")
        self.dsn = dsn
        self.lexical_ranking = lexical_ranking
        self.where = describe_dsn(dsn)
        self._reader: psycopg.Connection[Any] | None = None
        self._reader_lock = threading.Lock()
        self._builder: psycopg.Connection[Any] | None = None
        self._full = False

    @classmethod
    def from_settings(cls, settings: Settings) -> PgVectorBackend:
        return cls(settings.pg_dsn, settings.pg_lexical)

    def _connect(self, autocommit: bool) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.dsn, autocommit=autocommit, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise BackendUnavailableError(f"cannot connect to PostgreSQL at {self.where}: "
                                          f"{str(exc).strip().splitlines()[-1]}") from exc

    def _query(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of one read, on the reading connection (opened on first use, shared by threads in turn)."""
        with self._reader_lock:
            if self._reader is None or self._reader.closed:
                self._reader = self._connect(autocommit=True)
                # filtered HNSW scans go on until they have enough rows that pass the WHERE clause
                self._reader.execute("SET hnsw.iterative_scan = relaxed_order")
                self._reader.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
            return self._reader.execute(query, params).fetchall()  # type: ignore[arg-type]

    def close(self) -> None:
        for connection in (self._reader, self._builder):
            if connection is not None:
                connection.close()

    def manifest(self) -> IndexManifest:
        try:
            rows = self._query(
                "SELECT i.schema_version, i.manifest, coalesce(jsonb_object_agg(d.doc_id, d.record) "
                "FILTER (WHERE d.doc_id IS NOT NULL), '{}') FROM policyqa_index i "
                "LEFT JOIN policyqa_documents d ON true GROUP BY i.id")
        except psycopg.errors.UndefinedTable:
            rows = []
        if not rows:
            raise IndexNotBuiltError(f"no index in the PostgreSQL database {self.where}: "
                                     "run `policyqa index build` first")
        schema_version, data, documents = rows[0]
        if schema_version != SCHEMA_VERSION:
            raise IndexMismatchError(
                f"the index in the PostgreSQL database {self.where} has schema version {schema_version}, this "
                f"policyqa reads version {SCHEMA_VERSION}: rebuild it with `policyqa index build --full`")
        return IndexManifest.from_json(json.dumps({**data, "documents": documents}))

    def version(self) -> str:
        """`pg-<generation>-<row version>`: the generation counts the builds, and the row's transaction id
        (`xmin`) tells a recreated table from the old one, whose generation also started at 1 (a running
        service would otherwise keep the old index)."""
        try:
            rows = self._query("SELECT generation, xmin FROM policyqa_index")
        except psycopg.errors.UndefinedTable:
            rows = []
        if not rows:
            raise IndexNotBuiltError(f"no index in the PostgreSQL database {self.where}: "
                                     "run `policyqa index build` first")
        return f"pg-{rows[0][0]}-{rows[0][1]}"

    def count(self) -> int:
        return int(self._query(f"SELECT count(*) FROM {CHUNKS}")[0][0])

    def chunks(self) -> list[Chunk]:
        rows = self._query(f"SELECT meta, {', '.join(COLUMNS)} FROM {CHUNKS} "
                           'ORDER BY doc_id COLLATE "C", position')
        return [_chunk(row[0], row[1:]) for row in rows]

    def dense(self, vector: np.ndarray, depth: int, filters: SearchFilters | None) -> Ranked:
        where, params = where_clause(filters)
        rows = self._query(
            f"SELECT chunk_id, 1 - (embedding <=> %(vector)s::vector) FROM {CHUNKS} WHERE {where} "
            f"ORDER BY embedding <=> %(vector)s::vector LIMIT %(depth)s",
            {**params, "vector": vector_text(vector), "depth": depth})
        # relaxed_order may return a few rows out of order: sort them (ties by chunk id, as the query saw them)
        return sorted(((chunk_id, float(score)) for chunk_id, score in rows), key=lambda item: -item[1])

    def _lexical(self, query: str, where: str, params: dict[str, Any], depth: int | None) -> Ranked:
        """(chunk id, score) of the chunks matching `where` that the query's words score above 0, best first
        (`depth` None: all of them)."""
        if self.lexical_ranking == "fts":
            rows = self._query(FTS_RANKED.format(where=where), {**params, "query": query, "depth": depth})
        else:
            terms = tokenize(query)
            rows = self._query(BM25_RANKED.format(where=where), {**params, "terms": terms, "depth": depth}) \
                if terms else []
        return [(chunk_id, float(score)) for chunk_id, score in rows if score > 0]

    def lexical(self, query: str, depth: int, filters: SearchFilters | None) -> Ranked:
        where, params = where_clause(filters)
        return self._lexical(query, where, params, depth)

    def lexical_scores(self, query: str, chunk_ids: list[str]) -> np.ndarray:
        scores = dict(self._lexical(query, "c.chunk_id = ANY(%(ids)s)", {"ids": chunk_ids}, None))
        return np.array([scores.get(c, 0.0) for c in chunk_ids], dtype=np.float32)

    def vectors(self, chunk_ids: list[str]) -> np.ndarray:
        rows = self._query(f"SELECT chunk_id, embedding::real[] FROM {CHUNKS} WHERE chunk_id = ANY(%(ids)s)",
                           {"ids": chunk_ids})
        found = {chunk_id: values for chunk_id, values in rows}
        missing = [c for c in chunk_ids if c not in found]
        if missing:
            raise KeyError(f"chunks not in the PostgreSQL index {self.where}: {missing[:3]}")
        return np.array([found[c] for c in chunk_ids], dtype=np.float32).reshape(len(chunk_ids), -1)

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """A session advisory lock, held by the build's own connection: it dies with a killed build."""
        connection = self._connect(autocommit=False)
        try:
            locked = connection.execute("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK_KEY]).fetchone()
            connection.commit()
            if not locked or not locked[0]:
                raise BuildLockedError(f"another index build is running on the PostgreSQL database {self.where} "
                                       f"(advisory lock {BUILD_LOCK_KEY}); wait for it to finish")
            self._builder = connection
            yield
        finally:
            self._builder = None
            connection.close()  # rolls back what was not committed, and releases the lock

    def _building(self) -> psycopg.Connection[Any]:
        if self._builder is None:
            raise RuntimeError("no build in progress: call begin() under build_lock() first")
        return self._builder

    def begin(self, full: bool, dimension: int) -> None:
        """A full build fills a new table in one transaction; an incremental one changes the table in place,
        one transaction per document."""
        connection = self._building()
        connection.execute(SETUP)
        connection.commit()
        self._full = full or not self._table_exists(CHUNKS)
        if self._full:
            connection.execute(f"DROP TABLE IF EXISTS {BUILDING}")
            connection.execute(CHUNKS_TABLE.format(table=BUILDING, dimension=int(dimension),
                                                    pkey=f"{BUILDING}_pkey"))

    def _table_exists(self, table: str) -> bool:
        row = self._building().execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()
        return bool(row and row[0])

    def _write_rows(self, table: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
        columns = "doc_id, position, chunk_id, jurisdiction, section, kind, text, meta, embedding, bm25_tf, bm25_len"
        with self._building().cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for position, (chunk, vector) in enumerate(zip(chunks, vectors)):
                copy.write_row(_row(chunk, position, vector))

    def replace_document(self, doc_id: str, record: DocumentRecord, chunks: list[Chunk],
                         vectors: np.ndarray) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"document {doc_id}: {len(chunks)} chunks but {len(vectors)} vectors")
        if self._full:  # the new table is written in the build's one transaction
            self._write_rows(BUILDING, chunks, vectors)
            return
        with self._document_transaction() as connection:
            connection.execute(f"DELETE FROM {CHUNKS} WHERE doc_id = %s", [doc_id])
            self._write_rows(CHUNKS, chunks, vectors)
            connection.execute("INSERT INTO policyqa_documents VALUES (%s, %s) ON CONFLICT (doc_id) DO UPDATE "
                               "SET record = EXCLUDED.record", [doc_id, json.dumps(asdict(record))])

    def delete_document(self, doc_id: str) -> None:
        if self._full:
            self._building().execute(f"DELETE FROM {BUILDING} WHERE doc_id = %s", [doc_id])
            return
        with self._document_transaction() as connection:
            connection.execute(f"DELETE FROM {CHUNKS} WHERE doc_id = %s", [doc_id])
            connection.execute("DELETE FROM policyqa_documents WHERE doc_id = %s", [doc_id])

    @contextmanager
    def _document_transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """One document's change and its record, committed together with a new generation, or not at all."""
        connection = self._building()
        try:
            yield connection
            connection.execute(f"UPDATE policyqa_index SET generation = generation + 1, {COUNTS}")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise

    def commit(self, manifest: IndexManifest) -> None:
        """An incremental build records its manifest; a full one indexes its table and puts it in place of the
        old one, with the documents and the manifest, in the transaction that wrote it."""
        connection = self._building()
        data = asdict(manifest)
        documents = data.pop("documents")
        try:
            if self._full:
                self._index_and_swap(connection)
                connection.execute("DELETE FROM policyqa_documents")
                with connection.cursor() as cursor:
                    cursor.executemany("INSERT INTO policyqa_documents VALUES (%s, %s)",
                                       [(d, json.dumps(r)) for d, r in documents.items()])
            connection.execute(
                "INSERT INTO policyqa_index (schema_version, generation, manifest) VALUES (%s, 1, %s) "
                "ON CONFLICT (id) DO UPDATE SET schema_version = EXCLUDED.schema_version, "
                "generation = policyqa_index.generation + 1, manifest = EXCLUDED.manifest",
                [manifest.schema_version, json.dumps(data)])
            connection.execute(f"UPDATE policyqa_index SET {COUNTS}")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise

    def _index_and_swap(self, connection: psycopg.Connection[Any]) -> None:
        for suffix, definition in INDEXES.items():
            connection.execute(f"CREATE INDEX {BUILDING}_{suffix} ON {BUILDING} {definition}")
        connection.execute(f"DROP TABLE IF EXISTS {CHUNKS}")
        connection.execute(f"ALTER TABLE {BUILDING} RENAME TO {CHUNKS}")
        connection.execute(f"ALTER TABLE {CHUNKS} RENAME CONSTRAINT {BUILDING}_pkey TO {CHUNKS}_pkey")
        for suffix in INDEXES:
            connection.execute(f"ALTER INDEX {BUILDING}_{suffix} RENAME TO {CHUNKS}_{suffix}")
