"""Fetch the manifest's documents into the corpus folder, from a mirror folder or by download; check sha256.

A file already in the corpus directory is never replaced: a differing one is reported, not overwritten.
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from tqdm import tqdm

from ingest.corpus_status import sha256_file
from ingest.models import SourceEntry

SyncStatus = Literal["present", "copied", "downloaded", "modified", "failed"]
USER_AGENT = "policyqa/0.1 (+corpus sync)"
_BLOCK = 1 << 16
# Statuses worth asking again for; any other HTTP error (404, 403, 410, ...) will not change on a retry.
_RETRYABLE_HTTP = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SyncResult:
    """What syncing one document did; `message` explains a failure or a hash mismatch."""

    entry: SourceEntry
    path: Path
    status: SyncStatus
    message: str = ""


class DownloadError(Exception):
    """A download failed after its attempts; the message names the document, the URL and the cause."""


def resolve_mirror(explicit: Path | None, configured: Path | None, cwd: Path) -> Path | None:
    """The folder to copy documents from: `--from`, else the configured mirror, else `<cwd>/../shared/corpus`.

    Returns None (download everything) when none is given and the default folder does not exist.
    """
    if explicit is not None:
        return explicit
    if configured is not None:
        return configured
    default = cwd.parent / "shared" / "corpus"
    return default if default.is_dir() else None


def sync_corpus(
    entries: list[SourceEntry],
    corpus_dir: Path,
    mirror: Path | None,
    timeout_s: float,
    retries: int,
    progress: bool,
    backoff_s: float = 1.0,
) -> list[SyncResult]:
    """Bring every entry into `corpus_dir`; one result per entry, in order. A failure never stops the rest."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    return [
        sync_entry(entry, corpus_dir, mirror, timeout_s=timeout_s, retries=retries, progress=progress,
                   backoff_s=backoff_s)
        for entry in entries
    ]


def sync_entry(
    entry: SourceEntry,
    corpus_dir: Path,
    mirror: Path | None,
    timeout_s: float,
    retries: int,
    progress: bool,
    backoff_s: float = 1.0,
) -> SyncResult:
    """Sync one document: keep what is there, else copy from the mirror, else download `entry.url`."""
    target = corpus_dir / entry.file
    if target.exists() or target.is_symlink():
        if not target.is_file():
            return SyncResult(entry, target, "failed",
                              f"{target} exists but is not a regular file; left as is")
        return _verify(entry, target, "present", origin="")

    source = mirror / entry.file if mirror is not None else None
    if source is not None and source.is_file():
        try:
            with _atomic_write(target) as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, _BLOCK)
        except OSError as exc:
            return SyncResult(entry, target, "failed", f"{entry.id}: copying {source} failed: {exc}")
        return _verify(entry, target, "copied", origin=str(mirror))

    if not entry.url:
        where = f"no {entry.file} in the mirror {mirror}" if mirror is not None else "no mirror folder"
        return SyncResult(
            entry, target, "failed",
            f"{entry.id}: the manifest gives no URL and there is {where}; "
            f"copy the file into {corpus_dir} or sync with --from DIR",
        )
    try:
        download(entry.url, target, timeout_s=timeout_s, attempts=max(1, retries), progress=progress,
                 backoff_s=backoff_s, label=entry.id)
    except DownloadError as exc:
        return SyncResult(entry, target, "failed", str(exc))
    return _verify(entry, target, "downloaded", origin=entry.url)


def _verify(entry: SourceEntry, path: Path, ok: SyncStatus, origin: str) -> SyncResult:
    try:
        actual = sha256_file(path)
    except OSError as exc:
        return SyncResult(entry, path, "failed", f"{entry.id}: cannot read {path} to check it: {exc}")
    if not entry.sha256 or actual == entry.sha256:
        return SyncResult(entry, path, ok, f"from {origin}" if origin else "")
    # The bytes are kept either way: a publisher may have re-issued the document, and only the user can judge.
    what = f"{path} (from {origin})" if origin else f"{path} exists but"
    verb = "does not match" if origin else "differs from"
    return SyncResult(
        entry, path, "modified",
        f"warning: {what} {verb} the manifest: expected sha256 {entry.sha256}, actual {actual}; "
        f"{'kept it' if origin else 'left it as is'}",
    )


def download(
    url: str,
    target: Path,
    timeout_s: float,
    attempts: int,
    progress: bool,
    backoff_s: float = 1.0,
    label: str = "",
) -> None:
    """Stream `url` into `target` atomically, trying up to `attempts` times with doubling pauses.

    Raises `DownloadError` naming `label`, the URL and the last HTTP status or network error.
    """
    cause = ""
    attempt = 0
    for attempt in range(1, attempts + 1):
        try:
            _fetch(url, target, timeout_s, progress)
            return
        except urllib.error.HTTPError as exc:
            cause = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in _RETRYABLE_HTTP:
                break
        except ValueError as exc:  # urllib's answer to a malformed URL or unknown scheme
            cause = str(exc)
            break
        except TimeoutError:
            cause = f"timed out after {timeout_s:g} s"
        except urllib.error.URLError as exc:
            cause = str(exc.reason)
        except (OSError, http.client.HTTPException) as exc:
            cause = f"{type(exc).__name__}: {exc}"
        if attempt < attempts:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    tries = f" (after {attempt} attempts)" if attempt > 1 else ""
    who = f"{label}: " if label else ""
    raise DownloadError(f"{who}download of {url} failed: {cause}{tries}")


def _fetch(url: str, target: Path, timeout_s: float, progress: bool) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        with (
            _atomic_write(target) as out,
            tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=target.name,
                 disable=not progress, leave=False) as bar,
        ):
            for block in iter(lambda: response.read(_BLOCK), b""):
                out.write(block)
                bar.update(len(block))


@contextmanager
def _atomic_write(target: Path) -> Iterator[BinaryIO]:
    """Write to a hidden temp file beside `target`, then rename: a reader never sees half a document."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o644)  # mkstemp creates 0600; a corpus file should read like any other file
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
