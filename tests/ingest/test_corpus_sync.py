"""Corpus sync against a real local HTTP server and a real mirror folder, and the corpus status it leaves."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter

from ingest.corpus_status import corpus_status, infer_entry, sha256_file
from ingest.manifest import load_manifest
from ingest.models import SourceEntry
from ingest.sync import SyncResult, resolve_mirror, sync_corpus

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SMALL_FILES = (
    "g7-leaders-statement-hiroshima-ai-process-2023.md",
    "japan-ai-basic-plan-trustworthy-ai-2026.txt",
    "us-eo-14179-2025.md",
)


@dataclass
class Server:
    base_url: str
    root: Path
    requests: list[str] = field(default_factory=list)
    fail_once: set[str] = field(default_factory=set)  # paths answered 503 on their first request


@pytest.fixture
def small_entries() -> list[SourceEntry]:
    """The manifest entries of the small text documents (the PDFs are too big for fast tests)."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    by_file = {e.file: e for e in load_manifest(REPO / "corpus" / "sources.toml")}
    return [by_file[name] for name in SMALL_FILES]


@pytest.fixture
def server(tmp_path: Path, small_entries: list[SourceEntry]) -> Iterator[Server]:
    root = tmp_path / "served"
    root.mkdir()
    for name in SMALL_FILES:
        shutil.copyfile(SHARED_CORPUS / name, root / name)
    state = Server(base_url="", root=root)

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path in state.fail_once:
                state.fail_once.discard(self.path)
                self.send_error(503, "Busy")
                return
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def served(entries: list[SourceEntry], server: Server) -> list[SourceEntry]:
    return [dataclasses.replace(e, url=server.base_url + e.file) for e in entries]


def closed_port_url(name: str) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"


def sync(
    entries: list[SourceEntry], corpus_dir: Path, mirror: Path | None = None, retries: int = 1
) -> list[SyncResult]:
    return sync_corpus(entries, corpus_dir, mirror, timeout_s=5, retries=retries, progress=False, backoff_s=0)


# --- download -------------------------------------------------------------------------------------------


def test_download_writes_the_file_and_verifies_sha256(tmp_path: Path, server: Server,
                                                      small_entries: list[SourceEntry]) -> None:
    corpus = tmp_path / "corpus"
    results = sync(served(small_entries, server), corpus)
    assert [r.status for r in results] == ["downloaded"] * 3
    for entry in small_entries:
        assert sha256_file(corpus / entry.file) == entry.sha256
    assert sorted(p.name for p in corpus.iterdir()) == sorted(SMALL_FILES)  # no temp files left


def test_404_fails_naming_the_url_and_the_other_documents_still_sync(
    tmp_path: Path, server: Server, small_entries: list[SourceEntry]
) -> None:
    entries = served(small_entries, server)
    missing_url = server.base_url + "gone.md"
    entries[1] = dataclasses.replace(entries[1], url=missing_url)
    results = sync(entries, tmp_path / "corpus", retries=3)
    assert [r.status for r in results] == ["downloaded", "failed", "downloaded"]
    assert entries[1].id in results[1].message
    assert missing_url in results[1].message and "HTTP 404" in results[1].message
    assert server.requests.count("/gone.md") == 1  # a 404 is not worth retrying
    assert not (tmp_path / "corpus" / entries[1].file).exists()
    assert not any(p.name.startswith(".") for p in (tmp_path / "corpus").iterdir())


def test_served_bytes_that_differ_from_the_manifest_are_kept_and_marked_modified(
    tmp_path: Path, server: Server, small_entries: list[SourceEntry]
) -> None:
    entry = small_entries[0]
    changed = (SHARED_CORPUS / entry.file).read_bytes() + b"\nRe-issued with a correction.\n"
    (server.root / "reissued.md").write_bytes(changed)
    [result] = sync([dataclasses.replace(entry, url=server.base_url + "reissued.md")], tmp_path / "corpus")
    assert result.status == "modified"
    assert (tmp_path / "corpus" / entry.file).read_bytes() == changed
    assert result.message.startswith("warning:")
    assert entry.file in result.message and entry.sha256 in result.message
    assert sha256_file(tmp_path / "corpus" / entry.file) in result.message


def test_server_error_is_retried_then_the_download_succeeds(
    tmp_path: Path, server: Server, small_entries: list[SourceEntry]
) -> None:
    entry = served(small_entries, server)[0]
    server.fail_once.add("/" + entry.file)
    [result] = sync([entry], tmp_path / "corpus", retries=2)
    assert result.status == "downloaded"
    assert server.requests.count("/" + entry.file) == 2


def test_unreachable_server_fails_after_every_attempt(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    url = closed_port_url(small_entries[0].file)
    [result] = sync([dataclasses.replace(small_entries[0], url=url)], tmp_path / "corpus", retries=2)
    assert result.status == "failed"
    assert url in result.message and "after 2 attempts" in result.message
    assert list((tmp_path / "corpus").iterdir()) == []


def test_entry_without_url_or_mirror_copy_fails_with_a_clear_message(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    entry = dataclasses.replace(small_entries[0], url="")
    [result] = sync([entry], tmp_path / "corpus", mirror=tmp_path / "empty-mirror")
    assert result.status == "failed"
    assert entry.id in result.message and "no URL" in result.message and "empty-mirror" in result.message


# --- files already there ----------------------------------------------------------------------------------


def test_existing_user_file_with_a_different_hash_is_not_overwritten(
    tmp_path: Path, server: Server, small_entries: list[SourceEntry]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    entry = served(small_entries, server)[0]
    (corpus / entry.file).write_text("# My annotated copy\n", encoding="utf-8")
    [result] = sync([entry], corpus, mirror=SHARED_CORPUS)
    assert result.status == "modified"
    assert (corpus / entry.file).read_text(encoding="utf-8") == "# My annotated copy\n"
    assert entry.sha256 in result.message and "left it as is" in result.message
    assert server.requests == []


def test_present_file_is_neither_copied_nor_downloaded_again(
    tmp_path: Path, server: Server, small_entries: list[SourceEntry]
) -> None:
    corpus = tmp_path / "corpus"
    entries = served(small_entries, server)
    sync(entries, corpus)
    inodes = {e.file: (corpus / e.file).stat().st_ino for e in entries}
    server.requests.clear()
    results = sync(entries, corpus, mirror=SHARED_CORPUS)
    assert [r.status for r in results] == ["present"] * 3
    assert server.requests == []
    assert {e.file: (corpus / e.file).stat().st_ino for e in entries} == inodes


# --- mirror -----------------------------------------------------------------------------------------------


def test_sync_from_mirror_copies_and_verifies_without_downloading(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    corpus = tmp_path / "corpus"
    entries = [dataclasses.replace(e, url=closed_port_url(e.file)) for e in small_entries]
    results = sync(entries, corpus, mirror=SHARED_CORPUS)
    assert [r.status for r in results] == ["copied"] * 3
    for entry in small_entries:
        assert sha256_file(corpus / entry.file) == entry.sha256
        assert (corpus / entry.file).stat().st_mode & 0o644 == 0o644


def test_mirror_copy_that_differs_from_the_manifest_is_kept_and_marked_modified(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    entry = small_entries[1]
    (mirror / entry.file).write_text("another edition\n", encoding="utf-8")
    [result] = sync([entry], tmp_path / "corpus", mirror=mirror)
    assert result.status == "modified" and result.message.startswith("warning:")
    assert (tmp_path / "corpus" / entry.file).read_text(encoding="utf-8") == "another edition\n"


def test_resolve_mirror_prefers_explicit_then_configured_then_shared_beside_cwd(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    explicit, configured = tmp_path / "a", tmp_path / "b"
    assert resolve_mirror(explicit, configured, repo) == explicit
    assert resolve_mirror(None, configured, repo) == configured
    assert resolve_mirror(None, None, repo) is None
    (tmp_path / "shared" / "corpus").mkdir(parents=True)
    assert resolve_mirror(None, None, repo) == tmp_path / "shared" / "corpus"


# --- status and inference ---------------------------------------------------------------------------------


def test_corpus_status_reports_present_missing_modified_and_extra(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    corpus = tmp_path / "corpus"
    present, missing, modified = small_entries
    sync([present], corpus, mirror=SHARED_CORPUS)
    (corpus / modified.file).write_text("edited\n", encoding="utf-8")
    (corpus / "my-notes.md").write_text("Intro line\n\n## Notes on AI audits\n", encoding="utf-8")
    (corpus / ".policyqa-sync.json").write_text("{}", encoding="utf-8")
    (corpus / ".draft.md").write_text("# hidden\n", encoding="utf-8")
    (corpus / "picture.png").write_bytes(b"\x89PNG")

    statuses = corpus_status(small_entries, corpus)
    assert [(s.entry.id, s.status) for s in statuses] == [
        (present.id, "present"), (missing.id, "missing"), (modified.id, "modified"), ("my-notes", "extra"),
    ]
    extra = statuses[-1]
    assert extra.path == corpus / "my-notes.md"
    assert (extra.entry.title, extra.entry.jurisdiction, extra.entry.file) == (
        "Notes on AI audits", "unknown", "my-notes.md",
    )


def test_corpus_status_of_a_missing_directory_lists_everything_missing(
    tmp_path: Path, small_entries: list[SourceEntry]
) -> None:
    assert {s.status for s in corpus_status(small_entries, tmp_path / "nowhere")} == {"missing"}


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        ("notes.md", "# Audit Notes #\n\nBody.\n", "Audit Notes"),
        ("front.md", '---\ntitle: "G7 Leaders\\u2019 Statement"\ndate: x\n---\n# Heading\n',
         "G7 Leaders\u2019 Statement"),
        ("page.html", "<html><head><title> EU  AI Act </title></head><body><h1>Other</h1></body></html>",
         "EU AI Act"),
        ("heading.htm", "<html><body><h1>Guidance <b>on</b> AI</h1></body></html>", "Guidance on AI"),
        ("plain.txt", "\n\n  Principles for AI  \nsecond line\n", "Principles for AI"),
        ("empty.md", "", "empty"),
        ("nohead.md", "just text, no heading\n", "nohead"),
    ],
)
def test_infer_entry_takes_the_title_from_the_file(
    tmp_path: Path, name: str, content: str, title: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    entry = infer_entry(path)
    assert (entry.id, entry.file, entry.title, entry.jurisdiction) == (path.stem, name, title, "unknown")


def test_infer_entry_reads_the_pdf_metadata_title(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": "Model Governance Handbook"})
    path = tmp_path / "handbook.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    assert infer_entry(path).title == "Model Governance Handbook"


def test_infer_entry_falls_back_to_the_stem_for_a_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken-report.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    assert infer_entry(path).title == "broken-report"
