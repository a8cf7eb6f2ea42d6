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
    CONSTRAINT {pkey} PRIMARY KEY (doc_id, position)
)
"""
# Index name suffixes; a full build creates them on its table after the rows are in (faster than row by row)
# and renames them with the table.
INDEXES = {
    "embedding": f"USING hnsw (embedding vector_cosine_ops) WITH (m = {HNSW_M}, ef_construction = "
                 f"{HNSW_EF_CONSTRUCTION})",
    "lexemes": "USING gin (lexemes)",
    "chunk_id": "(chunk_id)",
    "jurisdiction": "(jurisdiction)",
}
# The lexical query: the words of the question OR-ed (plainto_tsquery ANDs them, and a question's words are
# rarely all in one passage), stemmed and stop-worded by PostgreSQL's English configuration; the 'simple'
# configuration reads the stemmed lexemes back as they are.
QUERY = "to_tsquery('simple', replace(plainto_tsquery('english', %(query)s)::text, ' & ', ' | '))"


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
