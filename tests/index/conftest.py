"""Fixtures of the index tests: a small writable copy of the corpus with a data dir whose embedding cache is
seeded from the session's full build, so rebuilding it embeds only text no earlier build has seen."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.layout import CACHE_FILE
from ingest.settings import Settings

# Every Markdown and text document of the corpus, and one short PDF.
SMALL_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
    "oecd-ai-recommendation-2019.txt",
    "oecd-ai-recommendation-2024.md",
    "us-eo-14179-2025.md",
    "us-eo-2025-12-11-national-ai-policy-framework.md",
    "us-eo-14110-2023.pdf",
)


def copy_documents(shared_corpus: Path, corpus_dir: Path, names: tuple[str, ...] = SMALL_FILES) -> Path:
    """Writable copies of some corpus documents in `corpus_dir`."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(shared_corpus / name, corpus_dir / name)
    return corpus_dir


@pytest.fixture
def small_settings(tmp_path: Path, shared_corpus: Path, built_settings: Settings) -> Settings:
    """Settings over a copy of SMALL_FILES, with an empty index and a seeded embedding cache."""
    settings = built_settings.replace(corpus_dir=copy_documents(shared_corpus, tmp_path / "corpus"),
                                      data_dir=tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(built_settings.data_dir / CACHE_FILE, settings.data_dir / CACHE_FILE)
    return settings


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
