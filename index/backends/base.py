"""What a retrieval backend does for the searcher and the build: the `RetrievalBackend` Protocol.

A backend holds the chunks of an index with their vectors and lexical statistics. It answers dense and lexical
searches with the filters applied inside it, and a build changes it one document at a time:

>>> backend = open_backend(settings)  # doctest: +SKIP
>>> with backend.build_lock():  # doctest: +SKIP
...     backend.begin(full=False, dimension=384)
...     backend.replace_document("eu-ai-act-2024-1689", record, chunks, vectors)
...     backend.delete_document("old-doc")
...     backend.commit(manifest)
>>> backend.dense(query_vector, depth=10, filters=None)[0]  # doctest: +SKIP
('eu-ai-act-2024#0042', 0.71)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import numpy as np

from index.layout import DocumentRecord, IndexManifest
from index.models import SearchFilters
from ingest.models import Chunk

# (chunk id, score) pairs, best first.
Ranked = list[tuple[str, float]]


@runtime_checkable  # pydantic checks the fields of `Searcher` (a dataclass) when a model holds one
class RetrievalBackend(Protocol):
    """Reads answer from the last committed build; a build is `begin`, document changes, `commit`.

    A build that dies before `commit` leaves every document as it was before the build or as one
    `replace_document` left it, never half of one; a local backend publishes nothing until `commit`."""

    def manifest(self) -> IndexManifest:
        """The documents, model and parameters of the committed index; IndexNotBuiltError when there is none,
        IndexMismatchError when it was written by another schema."""
        ...

    def version(self) -> str:
        """Changes whenever a build commits: a long-running reader reloads when it sees a new one.
        IndexNotBuiltError when there is no index."""
        ...

    def close(self) -> None:
        """Let go of what the backend holds open (a server connection); it reopens when asked again."""
        ...

    def count(self) -> int: ...

    def chunks(self) -> list[Chunk]:
        """Every chunk, by document id then position in the document."""
        ...

    def dense(self, vector: np.ndarray, depth: int, filters: SearchFilters | None) -> Ranked:
        """The `depth` chunks of highest inner product (cosine: vectors are normalised) among those the filters
        accept."""
        ...

    def lexical(self, query: str, depth: int, filters: SearchFilters | None) -> Ranked:
        """The `depth` chunks of highest lexical score among those the filters accept; none scoring 0."""
        ...

    def lexical_scores(self, query: str, chunk_ids: list[str]) -> np.ndarray:
        """The lexical score of each of these chunks for `query`, on the scale `lexical` ranks by."""
        ...

    def vectors(self, chunk_ids: list[str]) -> np.ndarray:
        """The stored vectors of these chunks, in order."""
        ...

    def build_lock(self) -> AbstractContextManager[None]:
        """Held for a whole build; raises BuildLockedError at once when another build holds it."""
        ...

    def begin(self, full: bool, dimension: int) -> None:
        """Start a build from the committed index, or from nothing when `full`."""
        ...

    def replace_document(self, doc_id: str, record: DocumentRecord, chunks: list[Chunk],
                         vectors: np.ndarray) -> None:
        """The document's chunks become these (row i of `vectors` is chunks[i]'s vector)."""
        ...

    def delete_document(self, doc_id: str) -> None: ...

    def commit(self, manifest: IndexManifest) -> None:
        """Make the build the index that reads see, with this manifest."""
        ...
