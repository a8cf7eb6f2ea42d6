"""What to ingest from the settings: the corpus directory's documents with their facts, and the chunk sizes.

>>> from ingest.settings import Settings
>>> chunking_params(Settings()).max_tokens
230
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.chunk import ChunkingParams
from ingest.corpus_status import corpus_status
from ingest.manifest import load_manifest
from ingest.models import SourceEntry
from ingest.settings import Settings

INGESTED_STATUSES = ("present", "modified", "extra")


@dataclass(frozen=True)
class CorpusSelection:
    """The files to read, and one `file: reason` line for each file of the folder that is refused."""

    files: list[tuple[Path, SourceEntry]]
    refused: list[str]


def select_corpus_files(settings: Settings, include_extras: bool = True) -> CorpusSelection:
    """Every manifest document found in `settings.corpus_dir` (as listed or modified), in manifest order,
    then the directory's other documents with facts inferred from the files themselves. Links that lead out
    of the folder, and anything but regular files, are refused (`ingest.corpus_status.refusal`).

    Without a manifest file every document is an extra; an invalid manifest raises `ManifestError`.
    """
    path = Path(settings.manifest_path)
    entries = load_manifest(path) if path.exists() else []
    wanted = INGESTED_STATUSES if include_extras else ("present", "modified")
    statuses = corpus_status(entries, settings.corpus_dir)
    return CorpusSelection(files=[(s.path, s.entry) for s in statuses if s.status in wanted],
                           refused=[f"{s.path.name}: skipped: {s.reason}" for s in statuses
                                    if s.status == "refused"])


def files_to_ingest(settings: Settings, include_extras: bool = True) -> list[tuple[Path, SourceEntry]]:
    """The files of `select_corpus_files`, without the refused ones' reasons."""
    return select_corpus_files(settings, include_extras).files


def chunking_params(settings: Settings) -> ChunkingParams:
    """The settings' chunk_* fields as `ChunkingParams`; raises `ValueError` when they are inconsistent."""
    return ChunkingParams(
        target_tokens=settings.chunk_target_tokens,
        max_tokens=settings.chunk_max_tokens,
        overlap_tokens=settings.chunk_overlap_tokens,
        min_tokens=settings.chunk_min_tokens,
    )
