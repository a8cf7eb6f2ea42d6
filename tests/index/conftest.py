"""Fixtures of the index tests: `small_settings` and `small_cache` live in tests/conftest.py (the robustness
suite uses them too); SMALL_FILES and copy_documents are imported from here by index tests; a PostgreSQL server
with pgvector for the backend contract and pgvector tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import SMALL_FILES, copy_documents

__all__ = ["SMALL_FILES", "copy_documents"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The DSN of a PostgreSQL server with pgvector for this session: POLICYQA_TEST_PG_DSN when set (its user
    must be allowed to create databases and the vector extension), else a throwaway server of our own."""
    given = os.environ.get("POLICYQA_TEST_PG_DSN", "")
    if given:
        yield given
        return
    from tests.pg_server import throwaway_server

    with throwaway_server() as dsn:
        yield dsn


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"policyqa_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield make_conninfo(pg_server, dbname=name)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
