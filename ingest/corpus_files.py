"""What to ingest from the settings: the corpus directory's documents with their facts, and the chunk sizes.

>>> from ingest.settings import Settings
>>> chunking_params(Settings()).max_tokens
230
"""

from __future__ import annotations

from pathlib import Path

from ingest.chunk import ChunkingParams
from ingest.corpus_status import corpus_status
from ingest.manifest import load_manifest
from ingest.models import SourceEntry
from ingest.settings import Settings

INGESTED_STATUSES = ("present", "modified", "extra")


def files_to_ingest(settings: Settings, include_extras: bool = True) -> list[tuple[Path, SourceEntry]]:
    """Every manifest document found in `settings.corpus_dir` (as listed or modified), in manifest order,
    then the directory's other documents with facts inferred from the files themselves.

    Without a manifest file every document is an extra; an invalid manifest raises `ManifestError`.
    """
    path = Path(settings.manifest_path)
    entries = load_manifest(path) if path.exists() else []
    wanted = INGESTED_STATUSES if include_extras else ("present", "modified")
    return [(s.path, s.entry) for s in corpus_status(entries, settings.corpus_dir) if s.status in wanted]


def chunking_params(settings: Settings) -> ChunkingParams:
    """The settings' chunk_* fields as `ChunkingParams`; raises `ValueError` when they are inconsistent."""
    return ChunkingParams(
        target_tokens=settings.chunk_target_tokens,
        max_tokens=settings.chunk_max_tokens,
        overlap_tokens=settings.chunk_overlap_tokens,
        min_tokens=settings.chunk_min_tokens,
    )
