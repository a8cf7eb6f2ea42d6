"""A sentence-transformers model of the plain shape (a BERT encoder, mean pooling, L2 normalisation) run without
sentence-transformers or transformers: the same vectors as sentence-transformers (within 1e-6). Importing those
libraries cost a one-shot `policyqa ask` three to four seconds of a cold start on two cores.

The forward pass is written once and runs on one of two kernel sets. A call of a few texts (a query, the
sentences an answer scores) runs on numpy, so that answering never imports torch (0.9-1.3 s of a one-shot `ask`
on two cores); a bulk call (a build's chunks), a larger one and every int8 call run on torch, whose fused
kernels embed a build's chunks 1.6 times as fast as numpy does on two threads (README, Benchmarks).

>>> encoder = BertSentenceEncoder.load(Path(get_model_path()))  # doctest: +SKIP
>>> encoder.encode(["Prohibited AI practices"], batch_size=8).shape  # doctest: +SKIP
(1, 384)

`load` returns None for a model of any other shape (another architecture, pooling, a prompt, a Dense layer):
sentence-transformers then loads it.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.int8 import int8_linear, is_down_projection, pack_int8

# modules.json of the plain shape: the encoder at the folder's root, mean pooling, then (optionally) normalise
_PLAIN_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                  "sentence_transformers.models.Normalize"]
_MEAN_ONLY = {"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False,
              "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}

# A float32 call of at most this many texts runs on numpy. Answering a question embeds 1-23 texts a call (p50
# 8, over the shipped eval set); a build embeds thousands.
NUMPY_MAX_TEXTS = 64


@dataclass
class BertSentenceEncoder:
    """What Embedder asks of a sentence-transformers model: encode, tokenizer, max_seq_length, dimension."""

    weights: dict[str, np.ndarray]  # arrays by their names in model.safetensors
    config: dict[str, Any]  # the BERT config.json
    batcher: Any  # a `tokenizers.Tokenizer` that truncates and pads a batch as sentence-transformers does
    counter: Any  # the same tokenizer, neither truncating nor padding
    max_seq_length: int
    packed: dict[str, Any] = field(default_factory=dict)  # int8 linear layers by weight name (`int8`)

    def int8(self) -> BertSentenceEncoder:
        """The same model with its encoder's linear layers in int8 but the FFN down-projections (`index.int8`);
        embeddings and layer norms stay float32."""
        linears = {name.removesuffix(".weight") for name, array in self.weights.items()
                   if name.startswith("encoder.") and name.endswith(".weight") and array.ndim == 2
                   and not is_down_projection(name)}
        return replace(self, packed={name: pack_int8(self.weights[f"{name}.weight"], self.weights[f"{name}.bias"])
                                     for name in sorted(linears)})

    def in_float32(self) -> BertSentenceEncoder:
        """The same model with every linear layer in float32 (the weights are shared, not copied)."""
        return replace(self, packed={})

    @classmethod
    def load(cls, folder: Path) -> BertSentenceEncoder | None:
        """The model in `folder` when it has the plain shape and its files, else None."""
        try:
            modules = json.loads((folder / "modules.json").read_text())
            config = json.loads((folder / "config.json").read_text())
            st_config = json.loads((folder / "sentence_bert_config.json").read_text())
            pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text())
            prompts = json.loads((folder / "config_sentence_transformers.json").read_text())
        except (OSError, ValueError, IndexError, KeyError):
            return None
        plain = ([m.get("type") for m in modules] in (_PLAIN_MODULES, _PLAIN_MODULES[:2])
                 and modules[0].get("path") == "" and config.get("model_type") == "bert"
                 and config.get("position_embedding_type", "absolute") == "absolute"
                 and config.get("hidden_act") == "gelu" and not st_config.get("do_lower_case")
                 and all(pooling.get(k, False) == v for k, v in _MEAN_ONLY.items())
                 and not prompts.get("prompts") and not prompts.get("default_prompt_name")
                 and (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file())
        if not plain:
            return None
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        max_length = int(st_config.get("max_seq_length") or config["max_position_embeddings"])
        try:
            batcher = Tokenizer.from_file(str(folder / "tokenizer.json"))
            counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
            weights = {name.removeprefix("bert."): array
                       for name, array in load_file(str(folder / "model.safetensors")).items()}
        except Exception:  # noqa: BLE001 - unreadable files: sentence-transformers loads it or says why not
            return None
        batcher.enable_truncation(max_length=max_length)  # longest-first, special tokens kept, as ST does
        batcher.enable_padding(pad_id=config.get("pad_token_id", 0), pad_token="[PAD]")  # to the longest
        counter.no_truncation()  # tokenizer.json may carry its own settings (128 tokens, padded)
        counter.no_padding()
        return cls(weights=weights, config=config, batcher=batcher, counter=counter,
                   max_seq_length=max_length)

    def get_embedding_dimension(self) -> int:
        return int(self.config["hidden_size"])

    def tokenizer(self, text: str, add_special_tokens: bool = True,
                  truncation: bool = False) -> dict[str, Any]:
        """Token ids of one text, as a transformers tokenizer returns them (one text: never padded)."""
        encoder = self.batcher if truncation else self.counter
        return {"input_ids": encoder.encode(text, add_special_tokens=add_special_tokens).ids}

    def kernels_for(self, text_count: int, bulk: bool = False) -> Kernels:
        """numpy for a float32 call of at most NUMPY_MAX_TEXTS texts that is not part of a bulk job, torch
        otherwise."""
        if not self.packed and not bulk and text_count <= NUMPY_MAX_TEXTS:
            return NumpyKernels(self.weights, float(self.config["layer_norm_eps"]))
        return TorchKernels(self.weights, float(self.config["layer_norm_eps"]), self.packed)

    def encode(self, texts: list[str], batch_size: int = 32, show_progress_bar: bool = False,
               convert_to_numpy: bool = True, normalize_embeddings: bool = True, bulk: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors of `texts`, in order; the longest are batched together first, as
        sentence-transformers batches them, so that a batch pads little. `bulk`: one of many calls of a build."""
        from tqdm import tqdm

        kernels = self.kernels_for(len(texts), bulk)
        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.zeros((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        starts = range(0, len(texts), batch_size)
        with kernels.running():
            for start in tqdm(starts, desc="Batches", disable=not show_progress_bar):
                rows = order[start:start + batch_size]
                encodings = self.batcher.encode_batch([texts[row] for row in rows])
                ids, types, mask = (np.asarray([getattr(e, part) for e in encodings], dtype=np.int64)
                                    for part in ("ids", "type_ids", "attention_mask"))
                vectors[rows] = self._mean_pooled(kernels, ids, types, mask)
        if normalize_embeddings:
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def _mean_pooled(self, kernels: Kernels, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """BERT's forward pass (as transformers' BertModel computes it), then the mean of the real tokens."""
        config = self.config
        count, length = ids.shape
        width, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
        ids, types, attended_mask = kernels.array(ids), kernels.array(types), kernels.array(mask)
        w = kernels.weights

        def split(value: Any) -> Any:  # (count, length, width) -> (count, heads, length, width / heads)
            return value.reshape(count, length, heads, width // heads).swapaxes(1, 2)

        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.token_type_embeddings.weight"][types]
        x = kernels.norm(x + w["embeddings.position_embeddings.weight"][:length][None], "embeddings.LayerNorm")
        # padding is never attended to; a batch without padding needs no mask (the faster kernel)
        padding = None if bool(mask.all()) else attended_mask
        for layer in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{layer}"
            q, k, v = (split(kernels.linear(x, f"{p}.attention.self.{part}")) for part in ("query", "key", "value"))
            attended = kernels.attention(q, k, v, padding).swapaxes(1, 2).reshape(count, length, width)
            x = kernels.norm(kernels.linear(attended, f"{p}.attention.output.dense") + x,
                             f"{p}.attention.output.LayerNorm")
            hidden = kernels.linear(kernels.gelu(kernels.linear(x, f"{p}.intermediate.dense")), f"{p}.output.dense")
            x = kernels.norm(hidden + x, f"{p}.output.LayerNorm")
        return kernels.mean_pooled(x, attended_mask)


class Kernels(Protocol):
    """The operations of the forward pass on one array library; `weights` are that library's arrays."""

    weights: dict[str, Any]

    def running(self) -> AbstractContextManager[Any]: ...
    def array(self, values: np.ndarray) -> Any: ...
    def linear(self, value: Any, name: str) -> Any: ...
    def norm(self, value: Any, name: str) -> Any: ...
    def gelu(self, value: Any) -> Any: ...
    def attention(self, q: Any, k: Any, v: Any, mask: Any | None) -> Any: ...
    def mean_pooled(self, value: Any, mask: Any) -> np.ndarray: ...


# erf by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7, below float32's resolution of GELU's values here)
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))


class NumpyKernels:
    """float32 on numpy (its BLAS for the products)."""

    def __init__(self, weights: dict[str, np.ndarray], eps: float) -> None:
        self.weights = weights
        self.eps = np.float32(eps)

    def running(self) -> AbstractContextManager[Any]:
        return nullcontext()

    def array(self, values: np.ndarray) -> np.ndarray:
        return values

    def linear(self, value: np.ndarray, name: str) -> np.ndarray:
        # one 2-D product: numpy multiplies a 3-D stack matrix by matrix, 3x slower for a batch of short texts
        result = value.reshape(-1, value.shape[-1]) @ self.weights[f"{name}.weight"].T
        result += self.weights[f"{name}.bias"]
        return result.reshape(*value.shape[:-1], -1)

    def norm(self, value: np.ndarray, name: str) -> np.ndarray:
        centred = value - value.mean(-1, keepdims=True)
        centred /= np.sqrt(np.square(centred).mean(-1, keepdims=True) + self.eps)
        centred *= self.weights[f"{name}.weight"]
        centred += self.weights[f"{name}.bias"]
        return centred

    def gelu(self, value: np.ndarray) -> np.ndarray:
        """x·Φ(x) with the exact (erf) GELU BERT uses, computed in place over one scratch array."""
        z = np.abs(value) * np.float32(0.7071067811865476)
        t = z * _ERF_P
        t += 1
        np.reciprocal(t, out=t)
        np.square(z, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        tail = t * _ERF_A[0]
        for a in _ERF_A[1:]:
            tail += a
            tail *= t
        tail *= z  # 1 - erf(|x| / √2)
        np.subtract(1, tail, out=tail)
        np.copysign(tail, value, out=tail)  # erf(x / √2)
        tail += 1
        tail *= value
        tail *= np.float32(0.5)
        return tail

    def attention(self, q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        scores = (q * np.float32(1 / np.sqrt(q.shape[-1]))) @ k.swapaxes(2, 3)
        if mask is not None:
            scores += np.where(mask > 0, np.float32(0), np.float32(-np.inf))[:, None, None, :]
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        return scores @ v

    def mean_pooled(self, value: np.ndarray, mask: np.ndarray) -> np.ndarray:
        weights = mask[..., None].astype(np.float32)
        return (value * weights).sum(1) / np.maximum(weights.sum(1), np.float32(1e-9))


class TorchKernels:
    """float32 or int8 (packed layers) on torch."""

    def __init__(self, weights: dict[str, np.ndarray], eps: float, packed: dict[str, Any]) -> None:
        import torch

        self.weights = {name: torch.from_numpy(array) for name, array in weights.items()}  # shared, not copied
        self.eps = eps
        self.packed = packed

    def running(self) -> AbstractContextManager[Any]:
        import torch

        return torch.inference_mode()

    def array(self, values: np.ndarray) -> Any:
        import torch

        return torch.from_numpy(values)

    def linear(self, value: Any, name: str) -> Any:
        import torch.nn.functional as F

        packed = self.packed.get(name)
        if packed is not None:
            return int8_linear(value, packed)
        return F.linear(value, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"])

    def norm(self, value: Any, name: str) -> Any:
        import torch.nn.functional as F

        return F.layer_norm(value, (value.shape[-1],), self.weights[f"{name}.weight"], self.weights[f"{name}.bias"],
                            self.eps)

    def gelu(self, value: Any) -> Any:
        import torch.nn.functional as F

        return F.gelu(value)

    def attention(self, q: Any, k: Any, v: Any, mask: Any | None) -> Any:
        import torch.nn.functional as F

        return F.scaled_dot_product_attention(q, k, v, attn_mask=None if mask is None else mask[:, None, None, :].bool())

    def mean_pooled(self, value: Any, mask: Any) -> np.ndarray:
        import torch

        weights = mask.unsqueeze(-1).to(value.dtype)
        return ((value * weights).sum(1) / torch.clamp(weights.sum(1), min=1e-9)).numpy()
