"""Settings are checked once, at load: typed choices, unknown POLICYQA_* names, and thresholds where 0 is a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.settings import CHOICES, SettingsError, load_settings


def test_the_choices_are_those_of_the_layers_that_use_them() -> None:
    from assistant.pipeline import GENERATORS
    from index.backends.factory import BACKENDS
    from index.backends.pg_schema import LEXICAL_RANKINGS
    from index.build import EMBED_PREFIXES
    from index.int8 import PRECISIONS
    from index.models import SEARCH_MODES
    from index.search import FUSIONS

    assert set(CHOICES["vector_store"]) == set(BACKENDS)
    assert set(CHOICES["pg_lexical"]) == set(LEXICAL_RANKINGS)
    assert set(CHOICES["fusion"]) == set(FUSIONS)
    assert set(CHOICES["embed_prefix"]) == set(EMBED_PREFIXES)
    assert set(CHOICES["embed_precision"]) == set(PRECISIONS)
    assert set(CHOICES["search_mode"]) == set(SEARCH_MODES)
    assert set(CHOICES["generator"]) == set(GENERATORS)


@pytest.mark.parametrize("name", sorted(CHOICES))
def test_a_value_outside_the_choices_is_refused_with_the_valid_list(name: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(config_path=Path("/nonexistent.toml"), environ={f"POLICYQA_{name.upper()}": "bogus"})
    message = str(caught.value)
    assert name in message and "'bogus'" in message
    assert all(choice in message for choice in CHOICES[name])


def test_a_choice_from_the_settings_file_is_checked_too(tmp_path: Path) -> None:
    path = tmp_path / "policyqa.toml"
    path.write_text('[policyqa]\nvector_store = "ivf"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="vector_store must be one of flat, hnsw, pgvector, got 'ivf'"):
        load_settings(config_path=path, environ={})
    path.write_text('[policyqa]\nvector_store = "hnsw"\n', encoding="utf-8")
    assert load_settings(config_path=path, environ={}).vector_store == "hnsw"


def test_an_unknown_environment_name_is_refused_with_the_valid_names() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(config_path=Path("/nonexistent.toml"), environ={"POLICYQA_TOPK": "3"})
    message = str(caught.value)
    assert "POLICYQA_TOPK" in message and "POLICYQA_TOP_K" in message and "POLICYQA_DEBUG" in message


def test_the_non_setting_names_of_the_project_are_allowed() -> None:
    settings = load_settings(config_path=Path("/nonexistent.toml"),
                             environ={"POLICYQA_DEBUG": "1", "POLICYQA_TOP_K": "3", "PATH": "/bin"})
    assert settings.top_k == 3


def test_a_threshold_of_zero_is_kept_and_unset_is_none() -> None:
    unset = load_settings(config_path=Path("/nonexistent.toml"), environ={})
    assert unset.abstain_threshold is None and unset.support_threshold is None
    zero = load_settings(config_path=Path("/nonexistent.toml"),
                         environ={"POLICYQA_ABSTAIN_THRESHOLD": "0", "POLICYQA_SUPPORT_THRESHOLD": "0"})
    assert zero.abstain_threshold == 0.0 and zero.support_threshold == 0.0


def test_the_pgvector_store_needs_a_connection_string() -> None:
    with pytest.raises(SettingsError, match="pg_dsn.*POLICYQA_PG_DSN.*--pg-dsn"):
        load_settings(config_path=Path("/nonexistent.toml"), environ={"POLICYQA_VECTOR_STORE": "pgvector"})
    settings = load_settings(config_path=Path("/nonexistent.toml"),
                             environ={"POLICYQA_VECTOR_STORE": "pgvector", "POLICYQA_PG_DSN": "dbname=policyqa"})
    assert (settings.vector_store, settings.pg_dsn) == ("pgvector", "dbname=policyqa")
