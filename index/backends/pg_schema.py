"""The PostgreSQL schema of the pgvector backend, and the SQL of its queries' parts.

>>> where_clause(SearchFilters(jurisdictions=frozenset({"eu"})))
('true AND jurisdiction = ANY(%(jurisdictions)s)', {'jurisdictions': ['eu']})

Tables: `policyqa_index` (one row: schema version, generation, the manifest without its documents),
`policyqa_documents` (one row a document: its record) and `policyqa_chunks` (one row a chunk). The chunks'
primary key (doc_id, position) leads with the document id and no index spans documents, so the chunks table can
be distributed by doc_id (Citus) with the two small tables as reference tables.
"""

from __future__ import annotations

from typing import Any

from index.models import SearchFilters

CHUNKS = "policyqa_chunks"
BUILDING = "policyqa_chunks_build"  # a full build fills this table, then renames it in the commit
# pg_advisory_lock key of builds: "policyqa" as eight bytes
BUILD_LOCK_KEY = int.from_bytes(b"policyqa", "big")
# HNSW parameters: pgvector's defaults for the graph; ef_search as the local HNSW store's search breadth
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
EF_SEARCH = 128
# The fields of a chunk that have their own column; the others travel in `meta`.
COLUMNS = ("chunk_id", "doc_id", "jurisdiction", "section", "kind", "text")
SETUP = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS policyqa_index (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    schema_version integer NOT NULL,
    generation bigint NOT NULL,
    chunk_count bigint NOT NULL DEFAULT 0,  -- BM25's N
    token_count bigint NOT NULL DEFAULT 0,  -- BM25's N times the mean chunk length
    manifest jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS policyqa_documents (
    doc_id text PRIMARY KEY,
    record jsonb NOT NULL
);
"""
CHUNKS_TABLE = """
CREATE TABLE {table} (
    doc_id text NOT NULL,
    position integer NOT NULL,
    chunk_id text NOT NULL,
    jurisdiction text NOT NULL,
    section text NOT NULL,
    kind text NOT NULL,
    text text NOT NULL,
    meta jsonb NOT NULL,
    embedding vector({dimension}) NOT NULL,
    lexemes tsvector GENERATED ALWAYS AS (to_tsvector('english', section || E'\\n' || text)) STORED,
    bm25_tf jsonb NOT NULL,  -- our tokenizer's tokens of the chunk with their counts
    bm25_len integer NOT NULL,  -- and how many there are
    CONSTRAINT {pkey} PRIMARY KEY (doc_id, position)
)
"""
# Index name suffixes; a full build creates them on its table after the rows are in (faster than row by row)
# and renames them with the table.
INDEXES = {
    "embedding": f"USING hnsw (embedding vector_cosine_ops) WITH (m = {HNSW_M}, ef_construction = "
                 f"{HNSW_EF_CONSTRUCTION})",
    "lexemes": "USING gin (lexemes)",
    "bm25_tf": "USING gin (bm25_tf)",
    "chunk_id": "(chunk_id)",
    "jurisdiction": "(jurisdiction)",
}
# The lexical rankings. "bm25" is ours: the tokens of index/bm25.py (identifiers such as article_5 kept whole,
# Snowball stems), scored as bm25s scores them (Lucene BM25, k1 1.5, b 0.75) with the index's own N, mean length
# and document frequencies, over the chunks holding any query token (GIN on bm25_tf). "fts" is PostgreSQL's
# full text: the question's words OR-ed (plainto_tsquery ANDs them, and a question's words are rarely all in one
# passage), English stems, ranked by ts_rank (no IDF); the 'simple' configuration reads the stems back as they are.
LEXICAL_RANKINGS = ("bm25", "fts")
# BM25's N and total length, set by every transaction that changes the chunks (one build at a time)
COUNTS = (f"chunk_count = (SELECT count(*) FROM {CHUNKS}), "
          f"token_count = (SELECT coalesce(sum(bm25_len), 0) FROM {CHUNKS})")
BM25_K1 = 1.5
BM25_B = 0.75
_ORDER = 'ORDER BY score DESC, c.doc_id COLLATE "C", c.position LIMIT %(depth)s'
FTS_RANKED = f"""
SELECT c.chunk_id, ts_rank(c.lexemes, q) AS score
FROM {CHUNKS} c, to_tsquery('simple', replace(plainto_tsquery('english', %(query)s)::text, ' & ', ' | ')) AS q
WHERE c.lexemes @@ q AND {{where}} {_ORDER}
"""
BM25_RANKED = f"""
WITH stats AS MATERIALIZED (
    SELECT chunk_count::float8 AS n, token_count::float8 / greatest(chunk_count, 1) AS avgdl FROM policyqa_index
), query AS MATERIALIZED (
    SELECT u.term, ln(1 + (stats.n - d.df + 0.5) / (d.df + 0.5)) AS idf
    FROM stats, unnest(%(terms)s::text[]) AS u(term),
         LATERAL (SELECT count(*) AS df FROM {CHUNKS} WHERE bm25_tf ? u.term) AS d
)
SELECT c.chunk_id, sum(query.idf * t.tf / (t.tf + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * c.bm25_len / stats.avgdl)))
       AS score
FROM {CHUNKS} c JOIN query ON c.bm25_tf ? query.term CROSS JOIN stats,
     LATERAL (SELECT (c.bm25_tf ->> query.term)::float8 AS tf) AS t
WHERE c.bm25_tf ?| %(terms)s::text[] AND {{where}}
GROUP BY c.chunk_id, c.doc_id, c.position {_ORDER}
"""


def where_clause(filters: SearchFilters | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of the filters and its parameters."""
    clauses, params = ["true"], {}
    for column, values in (("jurisdiction", filters.jurisdictions if filters else ()),
                           ("doc_id", filters.doc_ids if filters else ()),
                           ("section", filters.sections if filters else ())):
        if values:
            clauses.append(f"{column} = ANY(%({column}s)s)")
            params[f"{column}s"] = sorted(values)
    return " AND ".join(clauses), params
