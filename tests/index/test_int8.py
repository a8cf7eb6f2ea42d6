"""The embedder in int8 (index/int8.py): vectors close to float32's on real corpus text, the FFN
down-projections left in float32 by both model paths, a fingerprint of its own so that an index is never searched
at the other precision, and the answer checks scoring sentences in float32 whatever the index's precision."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from assistant.pipeline import Assistant
from index.build import build_index
from index.embed import Embedder, model_fingerprint, resolve_model_path
from index.int8 import int8_module, is_down_projection
from index.layout import IndexMismatchError
from index.search import Searcher
from index.sentence_encoder import BertSentenceEncoder
from ingest.corpus_files import files_to_ingest
from ingest.settings import DEFAULT_EMBEDDER, Settings

DOCUMENTS = ("us-eo-14179-2025.md", "g7-leaders-statement-hiroshima-ai-process-2023.md",
             "japan-ai-basic-plan-trustworthy-ai-2026.txt")


@pytest.fixture(scope="module")
def paragraphs(shared_corpus: Path) -> list[str]:
    return [p.strip() for name in DOCUMENTS
            for p in (shared_corpus / name).read_text(encoding="utf-8").splitlines() if len(p.split()) > 5]


def test_int8_vectors_are_close_to_float32_and_the_down_projections_stay_float(paragraphs: list[str]) -> None:
    float32 = Embedder.load(DEFAULT_EMBEDDER, precision="float32")
    int8 = Embedder.load(DEFAULT_EMBEDDER, precision="int8")
    cosines = np.sum(float32.encode(paragraphs) * int8.encode(paragraphs), axis=1)
    assert len(paragraphs) > 20 and cosines.mean() > 0.99 and cosines.min() > 0.98
    assert not np.allclose(cosines, 1.0, atol=1e-4)  # the int8 path really ran
    packed = set(int8.model.packed)
    assert len(packed) == 30 and not any(is_down_projection(name) for name in packed)
    assert "encoder.layer.0.attention.output.dense" in packed and "encoder.layer.0.output.dense" not in packed


@pytest.mark.slow  # loads sentence-transformers, about 25 s
def test_a_sentence_transformers_model_is_quantised_by_the_same_rule(paragraphs: list[str]) -> None:
    from sentence_transformers import SentenceTransformer

    path = resolve_model_path(DEFAULT_EMBEDDER)[0]
    library = int8_module(SentenceTransformer(path, device="cpu", local_files_only=True))
    ours = BertSentenceEncoder.load(Path(path)).int8()  # type: ignore[union-attr]
    # one text a batch: an activation's scale is its batch's, so batches made differently differ a little
    theirs = library.encode(paragraphs, batch_size=1, normalize_embeddings=True)
    assert np.sum(theirs * ours.encode(paragraphs, batch_size=1), axis=1).min() > 0.999
    names = [name for name, module in library.named_modules()
             if type(module).__name__ == "Int8Linear" and ".encoder." in name]  # not the unused pooler
    assert len(names) == 30 and not any(is_down_projection(name) for name in names)


@pytest.fixture(scope="module")
def int8_settings(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Settings:
    """An index of EO 14179 built with the int8 embedder."""
    root = tmp_path_factory.mktemp("int8")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / DOCUMENTS[0]).write_bytes((shared_corpus / DOCUMENTS[0]).read_bytes())
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", embed_precision="int8")
    build_index(settings, files_to_ingest(settings), embedder=Embedder.for_settings(settings))
    return settings


def test_an_index_built_at_one_precision_is_not_searched_at_the_other(int8_settings: Settings,
                                                                       session_embedder: Embedder) -> None:
    searcher = Searcher.load(int8_settings)
    assert searcher.embedder.precision == "int8" and searcher.search("American leadership in AI", k=1)
    assert searcher.embedder.fingerprint == model_fingerprint(DEFAULT_EMBEDDER, precision="int8")
    assert model_fingerprint(DEFAULT_EMBEDDER, precision="float32") != searcher.embedder.fingerprint
    # the float32 model in memory is not taken for the int8 one, and float32 settings do not open the index
    assert Searcher.load(int8_settings, embedder=session_embedder).embedder.precision == "int8"
    with pytest.raises(IndexMismatchError, match="fingerprint mismatch.*policyqa index build"):
        Searcher.load(dataclasses.replace(int8_settings, embed_precision="float32"))


def test_sentences_are_scored_in_float32_beside_an_int8_index(int8_settings: Settings) -> None:
    assistant = Assistant.load(int8_settings)
    assert assistant.searcher.embedder.precision == "int8"
    assert assistant.sentence_embedder.precision == "float32"
    assert assistant.sentence_embedder.fingerprint == model_fingerprint(DEFAULT_EMBEDDER, precision="float32")
    # the same weights, read once: its vectors are those of the model loaded in float32
    assert assistant.sentence_embedder.model.weights is assistant.searcher.embedder.model.weights
    texts = ["Prohibited AI practices", "The AI Office shall encourage codes of practice."]
    assert np.allclose(assistant.sentence_embedder.encode(texts), Embedder.load(DEFAULT_EMBEDDER).encode(texts),
                       atol=1e-6)
