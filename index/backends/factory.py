"""The retrieval backend a setting names: `vector_store` picks one, each from its own module.

>>> backend = open_backend(Settings(vector_store="flat"))  # doctest: +SKIP
>>> sorted(BACKENDS)
['flat', 'hnsw', 'pgvector']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from index.backends.base import RetrievalBackend
from index.layout import BackendUnavailableError, IndexMismatchError, IndexNotBuiltError
from ingest.settings import Settings

# Each backend by the `vector_store` name that selects it: "module:class" with a `from_settings` constructor,
# imported only when chosen (the pgvector backend needs the `pg` extra, psycopg).
BACKENDS = {
    "flat": "index.backends.local:LocalBackend",
    "hnsw": "index.backends.local:LocalBackend",
    "pgvector": "index.backends.pgvector:PgVectorBackend",
}


def open_backend(settings: Settings) -> RetrievalBackend:
    """The backend of `settings.vector_store`; nothing is read until it is asked something."""
    if settings.vector_store not in BACKENDS:
        raise ValueError(f"unknown vector store '{settings.vector_store}'; valid stores are: "
                         f"{', '.join(BACKENDS)}")
    module_name, name = BACKENDS[settings.vector_store].split(":")
    opener: Callable[[Settings], RetrievalBackend] = getattr(importlib.import_module(module_name), name).from_settings
    return opener(settings)


def published_version(settings: Settings) -> str:
    """The version of the index that `settings` name as it stands now, whichever process published it (a build
    to local files or to PostgreSQL); "" when there is none, it cannot be read, or its server cannot be reached.
    Cheap: a long-running reader asks it at every request to know whether to reload."""
    backend = open_backend(settings)
    try:
        return backend.version()
    except (IndexNotBuiltError, IndexMismatchError, BackendUnavailableError, OSError, ValueError):
        return ""
    finally:
        backend.close()
