"""Where a built index lives on disk, and the manifest that describes it."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.models import Chunk

SCHEMA_VERSION = 3
CURRENT_FILE = "CURRENT"
VERSIONS_DIR = "versions"
MANIFEST_FILE = "manifest.json"
CHUNKS_FILE = "chunks.jsonl"
VECTORS_FILE = "vectors.faiss"
BM25_DIR = "bm25"
LOCK_FILE = "build.lock"
CACHE_FILE = "embedding-cache.sqlite"


class IndexNotBuiltError(Exception):
    """There is no index in the data directory yet."""


class IndexMismatchError(Exception):
    """The index on disk was built with another schema or model than the one asked for."""


class BuildLockedError(Exception):
    """Another build holds the lock on this index."""


class BackendUnavailableError(Exception):
    """The server of a retrieval backend (PostgreSQL) cannot be reached."""


@dataclass(frozen=True)
class DocumentRecord:
    file: str
    sha256: str
    chunk_ids: tuple[str, ...]
    entry: dict[str, Any]


@dataclass(frozen=True)
class IndexManifest:
    schema_version: int
    model_id: str
    model_fingerprint: str
    dimension: int
    vector_store: str
    build_params: dict[str, Any]  # chunker parameters and what is embedded: a change forces a full rebuild
    documents: dict[str, DocumentRecord]
    built_at: str
    build_seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # document id → why it could not be read
    failed_shas: dict[str, str] = field(default_factory=dict)  # document id → sha256 of the file that failed
    # document id → the id of the edition of the same text indexed instead (its reason is in `failures`)
    duplicate_of: dict[str, str] = field(default_factory=dict)

    @property
    def chunk_count(self) -> int:
        return sum(len(d.chunk_ids) for d in self.documents.values())

    def to_json(self) -> str:
        data = asdict(self)
        data["chunk_count"] = self.chunk_count
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> IndexManifest:
        data = json.loads(text)
        data.pop("chunk_count", None)
        data["documents"] = {k: DocumentRecord(**{**v, "chunk_ids": tuple(v["chunk_ids"])})
                             for k, v in data["documents"].items()}
        return cls(**data)


def read_chunks(version_dir: Path) -> list[Chunk]:
    with (version_dir / CHUNKS_FILE).open(encoding="utf-8") as handle:
        return [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]


def current_version_dir(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT_FILE
    if not pointer.exists():
        return None
    name = pointer.read_text().strip()
    path = index_dir / VERSIONS_DIR / name
    return path if path.is_dir() else None


def read_manifest(version_dir: Path) -> IndexManifest:
    manifest = IndexManifest.from_json((version_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    if manifest.schema_version != SCHEMA_VERSION:
        raise IndexMismatchError(
            f"the index in {version_dir} has schema version {manifest.schema_version}, this policyqa reads "
            f"version {SCHEMA_VERSION}: rebuild it with `policyqa index build --full`")
    return manifest


def fsync_tree(directory: Path) -> None:
    """Flush every file of a finished version to disk before it is published."""
    for path in directory.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish_version(index_dir: Path, name: str) -> None:
    """Point CURRENT at a finished version in one atomic rename."""
    temporary = index_dir / f"{CURRENT_FILE}.tmp"
    temporary.write_text(name)
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, index_dir / CURRENT_FILE)
    descriptor = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself survives a power cut only once the folder is flushed
    finally:
        os.close(descriptor)


def remove_leftovers(index_dir: Path, keep: str) -> None:
    """What killed builds left (run under the build lock): CURRENT.tmp, and version folders that never got
    their manifest, the last file a build writes. Finished versions stay: a running UI may still read one."""
    (index_dir / f"{CURRENT_FILE}.tmp").unlink(missing_ok=True)
    versions = index_dir / VERSIONS_DIR
    for path in versions.iterdir() if versions.exists() else []:
        if path.name != keep and not (path / MANIFEST_FILE).exists():
            shutil.rmtree(path, ignore_errors=True)


def remove_stale_versions(index_dir: Path, keep: set[str]) -> None:
    versions = index_dir / VERSIONS_DIR
    for path in versions.iterdir() if versions.exists() else []:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
