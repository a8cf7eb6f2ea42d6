"""The web app's shared state: the assistant that answers, the queue in front of the answer-writing model,
and the index builds that replace the assistant.

A build runs in a background thread while chat keeps answering from the current assistant; when the build
completes, a new assistant is loaded with the same embedder and swapped in under a lock. Requests that
arrive during a build are served by one more build after it. A version published by another process (a CLI
`index build`) is noticed at the next request and swapped in the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.pipeline import Assistant
from index.build import BuildLockedError, BuildReport, build_index
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings
from ui.answer_service.protocol import index_version
from ui.commands.ask import document_kind
from ui.web.pages import PageRenderer
from ui.web.writer_queue import WriterQueue

STAGES = {
    "scan": "listing the corpus",
    "ingest": "reading and chunking new or changed documents",
    "embed": "embedding new chunks",
    "write": "writing the new index version",
    "load": "loading the new index",
}


@dataclass
class BuildStatus:
    """What the Documents tab shows about index builds."""

    running: bool = False
    stage: str = ""
    started: float = 0.0
    message: str = ""
    error: str = ""
    failures: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        if self.running:
            stage = STAGES.get(self.stage, self.stage or "starting")
            return f"Indexing: {stage} ({time.monotonic() - self.started:.0f} s)…"
        text = self.error and f"Index build failed: {self.error}" or self.message
        if self.failures:
            text += " Not indexed: " + "; ".join(f"{d}: {m}" for d, m in sorted(self.failures.items()))
        return text


class AppState:
    """The current assistant, the page renderer and the build machinery of one running app."""

    def __init__(self, settings: Settings, assistant: Assistant,
                 build: Callable[..., BuildReport] = build_index) -> None:
        self.settings = settings
        self.renderer = PageRenderer(settings.corpus_dir)
        self.writer_queue = WriterQueue()  # a local model writes one answer at a time
        self._assistant = assistant
        self._build = build
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._status = BuildStatus(message=f"Index loaded: {self._chunk_count(assistant)} chunks.")
        self._requested = 0  # tickets handed out
        self._completed = 0  # every ticket up to this one has been served by a finished build
        self._pending_full: bool | None = None
        self._following = False  # loading a version another process published
        self._unloadable = ""  # a published version that failed to load

    def jurisdiction_choices(self) -> list[tuple[str, str]]:
        """(name, code) of every jurisdiction of the registry, "Other documents" (unknown) last."""
        registry = self.assistant.registry
        return [(registry.name(code), code) for code in registry.codes]

    @property
    def assistant(self) -> Assistant:
        """The assistant of the newest published index version, loaded when a build elsewhere (the CLI)
        published one since the last request; a request already under way keeps the one it has."""
        self._follow_published_version()
        with self._lock:
            return self._assistant

    def _follow_published_version(self) -> None:
        # whichever retrieval backend holds the index; document facts edited elsewhere (`policyqa corpus facts`)
        # are read with it, so they count too
        served = index_version(self.settings)
        if not served:
            return
        with self._lock:
            current = self._assistant
            if (served in (current.searcher.facts_version, self._unloadable)
                    or self._status.running or self._following):
                return
            self._following = True  # one request loads it; the others answer from the current one meanwhile
        try:
            new = Assistant.load(self.settings, embedder=current.searcher.embedder)
            new.writers = current.writers
        except Exception:  # noqa: BLE001 - a broken or mismatched version: keep answering from the loaded one
            new = None
        with self._lock:
            self._following = False
            self._unloadable = served if new is None else ""  # tried once, not at every request
            if new is not None and self._assistant is current:
                self._assistant = new
                if new.searcher.version != current.searcher.version:
                    self._status.message = (f"Index loaded: {self._chunk_count(new)} chunks (version "
                                            f"{new.searcher.version}, built by another process).")

    @property
    def status(self) -> BuildStatus:
        with self._lock:
            return BuildStatus(self._status.running, self._status.stage, self._status.started,
                               self._status.message, self._status.error, dict(self._status.failures))

    def doc_ids(self) -> list[str]:
        return sorted(self.assistant.searcher.manifest.documents)

    def doc_choices(self) -> list[tuple[str, str]]:
        """(title, id) of each indexed document, by title: the document filter shows names, gives ids."""
        documents = self.assistant.searcher.manifest.documents
        return sorted(((str(r.entry.get("title") or doc_id), doc_id) for doc_id, r in documents.items()),
                      key=lambda choice: choice[0].lower())

    def kinds(self) -> dict[str, str]:
        """Each indexed document's instrument type and date (as the manifest, or the user's edit, states them)."""
        return {doc_id: document_kind(record.entry)
                for doc_id, record in self.assistant.searcher.manifest.documents.items()}

    def kind_of(self, doc_id: str) -> str:
        return self.kinds().get(doc_id, "")

    def reload_facts(self) -> None:
        """Load the index again with the document facts just saved, and answer from it (the embedder and
        writers are kept: nothing is embedded again)."""
        old = self.assistant
        new = Assistant.load(self.settings, embedder=old.searcher.embedder)
        new.writers = old.writers
        with self._lock:
            if self._assistant is old:
                self._assistant = new

    def file_of(self, doc_id: str) -> str:
        record = self.assistant.searcher.manifest.documents.get(doc_id)
        return record.file if record else ""

    def request_build(self, full: bool = False) -> int:
        """Start an index build, or queue one after the running build. Returns a ticket for `wait`."""
        with self._lock:
            self._requested += 1
            ticket = self._requested
            if self._status.running:
                self._pending_full = bool(self._pending_full) or full
                return ticket
            self._status = BuildStatus(running=True, stage="scan", started=time.monotonic())
        threading.Thread(target=self._run, args=(full,), name="policyqa-index-build", daemon=True).start()
        return ticket

    def done(self, ticket: int) -> bool:
        with self._lock:
            return self._completed >= ticket

    def wait(self, ticket: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the build that serves `ticket`; True when it has finished."""
        with self._changed:
            return self._changed.wait_for(lambda: self._completed >= ticket, timeout)

    def _run(self, full: bool) -> None:
        while True:
            with self._lock:
                serving = self._requested
            self._build_once(full)
            with self._changed:
                self._completed = serving
                self._changed.notify_all()
                if self._pending_full is not None:
                    full, self._pending_full = self._pending_full, None
                    self._status = BuildStatus(running=True, stage="scan", started=time.monotonic())
                    continue
                self._status.running = False
                return

    def _set_stage(self, stage: str) -> None:
        with self._lock:
            self._status.stage = stage

    def _build_once(self, full: bool) -> None:
        started = time.monotonic()
        old = self.assistant
        try:
            files = files_to_ingest(self.settings)
            report = self._build(self.settings, files, full=full, embedder=old.searcher.embedder,
                                 on_stage=self._set_stage)
            self._set_stage("load")
            new = Assistant.load(self.settings, embedder=old.searcher.embedder)
            new.writers = old.writers  # the writers made so far, a loaded local model with them
        except BuildLockedError as exc:
            self._finish(error=str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - the app keeps answering from the previous index
            self._finish(error=f"{type(exc).__name__}: {exc}")
            return
        with self._lock:
            self._assistant = new
        self._finish(message=_summary(report, time.monotonic() - started, self._chunk_count(new)),
                     failures=report.failures)

    def _finish(self, message: str = "", error: str = "", failures: dict[str, str] | None = None) -> None:
        with self._lock:
            self._status = BuildStatus(running=True, stage="", started=self._status.started, message=message,
                                       error=error, failures=dict(failures or {}))

    @staticmethod
    def _chunk_count(assistant: Assistant) -> int:
        return len(assistant.searcher.chunks)


def _summary(report: BuildReport, seconds: float, chunks: int) -> str:
    if report.status == "up to date":
        return f"The index was already up to date ({chunks} chunks)."
    # a document that failed or was left out as another edition is counted there, not as added or changed
    added, changed = ([d for d in ids if d not in report.failures] for ids in (report.added, report.changed))
    counts = f"{len(added)} added, {len(changed)} changed, {len(report.removed)} removed"
    kind = "rebuilt" if report.full else "updated"
    return f"Index {kind} in {seconds:.1f} s: {counts}; {chunks} chunks."
