"""An embedder that remembers what it has encoded: the crosswalk scores the same item sentence against every
document, and the same passages' sentences against several items of a frame.

>>> memo = MemoEmbedder.of(embedder)  # doctest: +SKIP
>>> memo.encode(["a sentence"]) is not None, len(memo.vectors)  # doctest: +SKIP
(True, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from index.embed import Embedder


@dataclass
class MemoEmbedder(Embedder):
    """The vectors of `encode` are those of the wrapped model; each distinct text is encoded once per instance
    (make one per piece of work: it never forgets)."""

    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, embedder: Embedder) -> MemoEmbedder:
        return cls(**{f.name: getattr(embedder, f.name) for f in fields(Embedder)})

    def encode(self, texts: list[str], progress: bool = False, bulk: bool = False) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, super().encode(missing, progress, bulk)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])
