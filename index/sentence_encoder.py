"""A sentence-transformers model of the plain shape (a BERT encoder, mean pooling, L2 normalisation) run by
torch alone: the same vectors as sentence-transformers (within 1e-6), without importing it or transformers,
which cost a one-shot `policyqa ask` three to four seconds of a cold start on two cores.

>>> encoder = BertSentenceEncoder.load(Path(get_model_path()))  # doctest: +SKIP
>>> encoder.encode(["Prohibited AI practices"], batch_size=8).shape  # doctest: +SKIP
(1, 384)

`load` returns None for a model of any other shape (another architecture, pooling, a prompt, a Dense layer):
sentence-transformers then loads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from index.int8 import int8_linear, is_down_projection, pack_int8

# modules.json of the plain shape: the encoder at the folder's root, mean pooling, then (optionally) normalise
_PLAIN_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                  "sentence_transformers.models.Normalize"]
_MEAN_ONLY = {"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False,
              "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}


@dataclass
class BertSentenceEncoder:
    """What Embedder asks of a sentence-transformers model: encode, tokenizer, max_seq_length, dimension."""

    weights: dict[str, Any]  # torch tensors by their names in model.safetensors
    config: dict[str, Any]  # the BERT config.json
    batcher: Any  # a `tokenizers.Tokenizer` that truncates and pads a batch as sentence-transformers does
    counter: Any  # the same tokenizer, neither truncating nor padding
    max_seq_length: int
    packed: dict[str, Any] = field(default_factory=dict)  # int8 linear layers by weight name (`int8`)

    def int8(self) -> BertSentenceEncoder:
        """The same model with its encoder's linear layers in int8 but the FFN down-projections (`index.int8`);
        embeddings and layer norms stay float32."""
        linears = {name.removesuffix(".weight") for name, tensor in self.weights.items()
                   if name.startswith("encoder.") and name.endswith(".weight") and tensor.dim() == 2
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
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        max_length = int(st_config.get("max_seq_length") or config["max_position_embeddings"])
        try:
            batcher = Tokenizer.from_file(str(folder / "tokenizer.json"))
            counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
            weights = {name.removeprefix("bert."): tensor
                       for name, tensor in load_file(str(folder / "model.safetensors")).items()}
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

    def encode(self, texts: list[str], batch_size: int = 32, show_progress_bar: bool = False,
               convert_to_numpy: bool = True, normalize_embeddings: bool = True) -> np.ndarray:
        """L2-normalised float32 vectors of `texts`, in order; the longest are batched together first, as
        sentence-transformers batches them, so that a batch pads little."""
        import torch
        from tqdm import tqdm

        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.zeros((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        starts = range(0, len(texts), batch_size)
        with torch.inference_mode():
            for start in tqdm(starts, desc="Batches", disable=not show_progress_bar):
                rows = order[start:start + batch_size]
                encodings = self.batcher.encode_batch([texts[row] for row in rows])
                ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
                types = torch.tensor([e.type_ids for e in encodings], dtype=torch.long)
                mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
                pooled = self._mean_pooled(ids, types, mask)
                if normalize_embeddings:
                    pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                vectors[rows] = pooled.numpy()
        return vectors

    def _mean_pooled(self, ids: Any, types: Any, mask: Any) -> Any:
        """BERT's forward pass (as transformers' BertModel computes it), then the mean of the real tokens."""
        import torch
        import torch.nn.functional as F

        w, config = self.weights, self.config
        count, length = ids.shape
        width, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
        eps = float(config["layer_norm_eps"])

        def linear(value: Any, name: str) -> Any:
            packed = self.packed.get(name)
            if packed is not None:
                return int8_linear(value, packed)
            return F.linear(value, w[f"{name}.weight"], w[f"{name}.bias"])

        def norm(value: Any, name: str) -> Any:
            return F.layer_norm(value, (width,), w[f"{name}.weight"], w[f"{name}.bias"], eps)

        def split(value: Any) -> Any:  # (count, length, width) -> (count, heads, length, width / heads)
            return value.view(count, length, heads, width // heads).transpose(1, 2)

        x = F.embedding(ids, w["embeddings.word_embeddings.weight"])
        x = x + F.embedding(types, w["embeddings.token_type_embeddings.weight"])
        x = norm(x + w["embeddings.position_embeddings.weight"][:length].unsqueeze(0), "embeddings.LayerNorm")
        # padding is never attended to; a batch without padding needs no mask (the faster kernel)
        attend = None if bool(mask.all()) else mask[:, None, None, :].bool()
        for layer in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{layer}"
            q, k, v = (split(linear(x, f"{p}.attention.self.{part}")) for part in ("query", "key", "value"))
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask=attend).transpose(1, 2)
            attended = linear(attended.reshape(count, length, width), f"{p}.attention.output.dense")
            x = norm(attended + x, f"{p}.attention.output.LayerNorm")
            hidden = linear(F.gelu(linear(x, f"{p}.intermediate.dense")), f"{p}.output.dense")
            x = norm(hidden + x, f"{p}.output.LayerNorm")
        weights = mask.unsqueeze(-1).to(x.dtype)
        return (x * weights).sum(1) / torch.clamp(weights.sum(1), min=1e-9)
