"""Fixtures of the index tests: `small_settings` and `small_cache` live in tests/conftest.py (the robustness
suite uses them too), as do the PostgreSQL fixtures `pg_server` and `pg_dsn` (the answer service's tests use
them too); SMALL_FILES and copy_documents are imported from here by index tests."""

from __future__ import annotations

from tests.conftest import SMALL_FILES, copy_documents

__all__ = ["SMALL_FILES", "copy_documents"]
