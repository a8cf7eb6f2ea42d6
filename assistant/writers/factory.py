"""Make the answer writer a setting names: `extractive` (the default) or `llm`.

>>> create_writer("extractive", settings, embedder, registry).name  # doctest: +SKIP
'extractive'
"""

from __future__ import annotations

from assistant.writers.base import Writer
from assistant.writers.extractive import ExtractiveWriter
from index.embed import Embedder
from ingest.registry import Registry
from ingest.settings import Settings

WRITERS = ("extractive", "llm")


def create_writer(name: str, settings: Settings, embedder: Embedder, registry: Registry) -> Writer:
    if name == "extractive":
        return ExtractiveWriter(embedder, registry)
    if name == "llm":
        # imported here: the llm extra is optional, and the extractive path must not pay for its imports
        from assistant.writers.llm import create_llm_writer

        return create_llm_writer(settings)
    raise ValueError(f"unknown generator '{name}'; valid generators are: {', '.join(WRITERS)}")
