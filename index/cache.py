"""On-disk embedding cache keyed by (model fingerprint, sha256 of the embedded text)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """SQLite table of float32 vectors; a rebuild embeds only text it has not seen with this model."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.connection = sqlite3.connect(path, timeout=30)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, text_sha TEXT, vector BLOB, PRIMARY KEY (model, text_sha))")

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start:start + 500]
            rows = self.connection.execute(
                f"SELECT text_sha, vector FROM vectors WHERE model = ? AND text_sha IN ({','.join('?' * len(batch))})",
                [self.fingerprint, *batch])
            found.update({sha: np.frombuffer(blob, dtype=np.float32) for sha, blob in rows})
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(self.fingerprint, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()])

    def close(self) -> None:
        self.connection.close()


# Texts embedded between two writes to the cache: a killed build loses at most this much work (~10 s of the
# shipped model on two cores), and a write (one SQLite transaction) costs little beside it.
SAVE_EVERY = 256
# Texts given to `encode` at a time: the progress bar moves every second or two. The texts come sorted by
# length, so a small step pads no more than a large one.
ENCODE_STEP = 32


def embed_with_cache(texts: list[str], cache: EmbeddingCache, encode: Callable[[list[str]], np.ndarray],
                     save_every: int = SAVE_EVERY, progress: bool = False) -> tuple[np.ndarray, int]:
    """Vectors for `texts` in order, and how many had to be embedded (the rest came from the cache). New
    vectors reach the cache every `save_every` texts, as they are made, so that the build after a killed one
    embeds only what was not saved yet. `progress` shows a bar with the rate and the time left."""
    keys = [text_key(t) for t in texts]
    cached = cache.get_many(sorted(set(keys)))
    # Longest first across the whole build (characters stand in for tokens here), so that every part sent to
    # `encode` holds texts of similar length and its batches pad little.
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in cached}.items(),
                     key=lambda item: (-len(item[1]), item[0]))
    with tqdm(total=len(missing), desc="embed", unit="chunk", disable=not progress or not missing,
              smoothing=0.1) as bar:
        for start in range(0, len(missing), save_every):
            part = missing[start:start + save_every]
            new: dict[str, np.ndarray] = {}
            for step in range(0, len(part), ENCODE_STEP):
                piece = part[step:step + ENCODE_STEP]
                fresh = encode([t for _, t in piece])
                new.update({key: fresh[i] for i, (key, _) in enumerate(piece)})
                bar.update(len(piece))
            cache.put_many(new)
            cached.update(new)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.vstack([cached[k] for k in keys]).astype(np.float32), len(missing)
