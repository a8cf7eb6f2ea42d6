"""The chat model the settings choose: an endpoint when `llm_base_url` is set, else the GGUF file
`llm_gguf_path`, else the installed local model `llm_local_model`.

>>> create_chat_model(Settings(llm_base_url="http://127.0.0.1:8000/v1")).name  # doctest: +SKIP
'local'
"""

from __future__ import annotations

import os
from pathlib import Path

from assistant.chat.base import ChatModel, LLMNotConfiguredError
from index.local_models import UnknownModelError, installed_path, model_folder
from ingest.settings import Settings


def create_chat_model(settings: Settings) -> ChatModel:
    if settings.llm_base_url:
        from assistant.chat.endpoint import EndpointChat

        return EndpointChat(settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_s)
    from assistant.chat.local import LocalChat, LocalLimits

    path, name = local_model_file(settings)
    return LocalChat(path, name, LocalLimits(n_ctx=settings.llm_n_ctx,
                                             n_threads=settings.llm_n_threads or os.cpu_count() or 1))


def local_model_file(settings: Settings) -> tuple[Path, str]:
    """The GGUF file to load and the name to show for it."""
    if settings.llm_gguf_path:
        path = Path(settings.llm_gguf_path).expanduser()
        return path, path.stem
    folder = model_folder(settings.model_dir)
    try:
        path = installed_path(settings.llm_local_model, folder)
    except UnknownModelError as exc:
        raise LLMNotConfiguredError(f"llm_local_model: {exc}") from exc
    if path is None:
        raise LLMNotConfiguredError(
            f"the answer model {settings.llm_local_model} is not installed in {folder}: run `policyqa model "
            f"install {settings.llm_local_model}`, or set llm_base_url to an OpenAI-compatible endpoint (or "
            "llm_gguf_path to a GGUF file) in policyqa.toml or POLICYQA_* environment variables")
    return path, settings.llm_local_model
