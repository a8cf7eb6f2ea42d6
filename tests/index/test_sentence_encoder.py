"""The shipped model run without sentence-transformers (index/sentence_encoder.py) against sentence-transformers
running it: the same vectors and tokens on real corpus text, from both kernel sets (numpy for a few texts, torch
for many); a model of another shape is left to sentence-transformers; and loading the shipped model and
encoding a few texts imports none of sentence-transformers, transformers and torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embed import Embedder, resolve_model_path
from index.sentence_encoder import NUMPY_MAX_TEXTS, BertSentenceEncoder, NumpyKernels, TorchKernels
from ingest.settings import DEFAULT_EMBEDDER

REPO = Path(__file__).resolve().parents[2]
SHORT_DOCUMENTS = ("japan-ai-basic-plan-trustworthy-ai-2026.txt",
                   "g7-leaders-statement-hiroshima-ai-process-2023.md", "us-eo-14179-2025.md")


@pytest.fixture(scope="module")
def model_folder() -> Path:
    path, is_local = resolve_model_path(DEFAULT_EMBEDDER)
    assert is_local, "the default model ships in a pip package"
    return Path(path)


@pytest.fixture(scope="module")
def texts(shared_corpus: Path) -> list[str]:
    """Paragraphs of real documents, short and long (one beyond the model's 256 tokens), and questions."""
    paragraphs = [p.strip() for name in SHORT_DOCUMENTS
                  for p in (shared_corpus / name).read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return [*paragraphs[:60], " ".join(paragraphs), "What are the four functions of the AI RMF?", "AI"]


@pytest.mark.slow  # loads sentence-transformers beside the shipped encoder, about 25 s
def test_shipped_model_gives_the_vectors_and_tokens_sentence_transformers_gives(model_folder: Path,
                                                                                texts: list[str]) -> None:
    from sentence_transformers import SentenceTransformer

    encoder = BertSentenceEncoder.load(model_folder)
    assert encoder is not None
    reference = SentenceTransformer(str(model_folder), device="cpu", local_files_only=True)
    ours = encoder.encode(texts, batch_size=8)  # numpy
    on_torch = encoder.encode(texts * 3, batch_size=8)[:len(texts)]
    theirs = reference.encode(texts, batch_size=8, convert_to_numpy=True, normalize_embeddings=True)
    assert ours.shape == theirs.shape == (len(texts), reference.get_embedding_dimension())
    assert float(np.abs(ours - theirs).max()) < 1e-5 and float(np.abs(on_torch - theirs).max()) < 1e-5
    one = encoder.encode([texts[-2]], batch_size=8)  # a batch of one is not padded
    assert float(np.abs(one[0] - theirs[-2]).max()) < 1e-5
    for text in texts:
        assert (encoder.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"]
                == reference.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])
    assert encoder.max_seq_length == reference.max_seq_length


def test_a_few_texts_run_on_numpy_many_on_torch_with_the_same_vectors(model_folder: Path,
                                                                      texts: list[str]) -> None:
    encoder = BertSentenceEncoder.load(model_folder)
    assert encoder is not None and len(texts) <= NUMPY_MAX_TEXTS < 3 * len(texts)
    assert isinstance(encoder.kernels_for(len(texts)), NumpyKernels)
    assert isinstance(encoder.kernels_for(3 * len(texts)), TorchKernels)
    assert isinstance(encoder.int8().kernels_for(1), TorchKernels)  # numpy has no int8 kernels
    few = encoder.encode(texts, batch_size=8)
    many = encoder.encode(texts * 3, batch_size=8)
    assert float(np.abs(few - many[:len(texts)]).max()) < 1e-6
    assert np.allclose(np.linalg.norm(few, axis=1), 1.0, atol=1e-6)
    # the longest text is cut at the window and the one-word text is not padded away, on both
    assert float(np.abs(few[-3] - encoder.encode([texts[-3]])[0]).max()) < 1e-6


def test_a_model_of_another_shape_is_left_to_sentence_transformers(model_folder: Path,
                                                                    tmp_path: Path) -> None:
    folder = tmp_path / "cls-pooled"
    folder.mkdir()
    for item in model_folder.iterdir():  # the weights are linked, not copied
        (folder / item.name).symlink_to(item)
    (folder / "1_Pooling").unlink()
    (folder / "1_Pooling").mkdir()
    pooling = json.loads((model_folder / "1_Pooling" / "config.json").read_text())
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({**pooling, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}))
    assert BertSentenceEncoder.load(folder) is None
    embedder = Embedder.load(str(folder))
    assert type(embedder.model).__name__ == "SentenceTransformer"
    assert embedder.encode(["Prohibited AI practices"]).shape == (1, embedder.dimension)


def test_loading_the_shipped_model_and_encoding_a_few_texts_imports_none_of_the_model_libraries() -> None:
    script = ("import sys; from index.embed import Embedder; from ingest.settings import DEFAULT_EMBEDDER; "
              "e = Embedder.load(DEFAULT_EMBEDDER); assert e.encode(['x'] * 20).shape == (20, 384); "
              "print(sorted(m for m in ('sentence_transformers', 'transformers', 'torch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]", done.stderr
    assert "Loading weights" not in done.stderr


def test_a_build_embeds_on_torch_however_few_its_chunks_and_a_question_on_numpy(shared_corpus: Path,
                                                                                 tmp_path: Path) -> None:
    """A build's calls are bulk calls (torch embeds them 1.6x as fast on two threads); a question is not."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SHORT_DOCUMENTS[2]).write_bytes((shared_corpus / SHORT_DOCUMENTS[2]).read_bytes())
    script = ("import sys; from pathlib import Path; from index.build import build_index; "
              "from index.embed import Embedder; from ingest.corpus_files import files_to_ingest; "
              "from ingest.settings import Settings; "
              "settings = Settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2])); "
              "embedder = Embedder.for_settings(settings); embedder.encode(['What does EO 14179 revoke?']); "
              "print('torch' in sys.modules); "
              "report = build_index(settings, files_to_ingest(settings), embedder=embedder); "
              "print(0 < report.embedded <= 32, 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(corpus), str(tmp_path / "data")], cwd=REPO,
                          capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["False", "True True"], done.stdout + done.stderr
