"""Fixtures of the browser tests: the web app served once per session from copies of the built corpus and
index (tests add documents to them), and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.models import Answer, AnswerSentence, Citation
from assistant.pipeline import Assistant
from index.build import build_index
from index.embed import Embedder
from index.models import Passage
from ingest.corpus_files import files_to_ingest
from ingest.models import Chunk
from ingest.settings import Settings
from tests.conftest import MANIFEST

if TYPE_CHECKING:
    from ui.answer_service.server import AnswerServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A document whose text carries markup: the UI must show it as text and run none of it.
HOSTILE_FILE = "quillfeather-notes.txt"
HOSTILE_TEXT = """Quillfeather Protocol <script>alert(1)</script> notes

The Quillfeather Protocol bans <script>alert("xss")</script> tags inside municipal chatbot replies. \
Municipal chatbots covered by the Quillfeather Protocol must keep a log of every reply for five years. \
The Quillfeather Protocol portal is at [the Quillfeather portal](javascript:alert(2)) and \
<img src=x onerror=alert(3)> shows its **logo**. Residents may complain about a municipal chatbot to the \
Quillfeather ombudsman.
"""


def make_chunk(text: str = "First sentence. The quoted  sentence\nis here. Last one.",
               url: str = "https://ex.org/a.pdf", title: str = "Act <b>One</b>", page: int = 4,
               doc_id: str = "doc") -> Chunk:
    return Chunk(chunk_id=f"{doc_id}:{page}", doc_id=doc_id, title=title, jurisdiction="eu", page_start=page,
                 page_end=page + 1, section="Article 5 > 1(f)", char_start=0, char_end=len(text), text=text,
                 url=url, issuer="Council")


def make_answer(sentences: tuple[AnswerSentence, ...] = (AnswerSentence("The quoted sentence is here.", (1,),
                                                                          0.9, True),),
                chunks: tuple[Chunk, ...] = (), **fields: object) -> Answer:
    """An answer whose citation n quotes sentence n's text from chunk n (make_chunk() by default); its text
    is rendered as the pipeline renders it: sentences with markers, list items as "- item [n]" lines."""
    chunks = chunks or tuple(make_chunk(doc_id=f"doc{n}") for n in range(1, len(sentences) + 1))
    passages = tuple(Passage(chunk, 1.0 - i / 10, i + 1) for i, chunk in enumerate(chunks))
    cited = sorted({n for s in sentences for n in s.citations})
    citations = tuple(Citation(n, passages[n - 1], next(s.text for s in sentences if n in s.citations))
                      for n in cited)
    text = " ".join(("\n- " if s.bullet else "") + s.text + "".join(f" [{n}]" for n in s.citations)
                    for s in sentences).replace(" \n", "\n").strip()
    values: dict[str, object] = {"question": "q", "text": text, "citations": citations, "passages": passages,
                                 "abstained": False, "sentences": sentences, "support": 0.9,
                                 "writer": "extractive"}
    values.update(fields)
    return Answer(**values)  # type: ignore[arg-type]


@pytest.fixture
def answer_of():  # type: ignore[no-untyped-def]
    """`answer_of(sentences=..., chunks=..., **Answer fields)`: an answer built from its sentences."""
    return make_answer


@pytest.fixture
def chunk_of():  # type: ignore[no-untyped-def]
    """`chunk_of(text=..., url=..., title=..., page=..., doc_id=...)`: a chunk of a document."""
    return make_chunk


def cli_build(settings: Settings, *flags: str) -> subprocess.CompletedProcess[str]:
    """`policyqa [flags] index build` in another process, as a user would run it beside a running app."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update(HF_HUB_OFFLINE="1", POLICYQA_MANIFEST_PATH=str(MANIFEST))
    return subprocess.run([sys.executable, "-c", "from ui.cli import main; main()", "--data-dir",
                           str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir), *flags, "index", "build"],
                          cwd=Path(__file__).resolve().parents[2], env=env, text=True, capture_output=True,
                          timeout=600, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def web_settings(built_settings: Settings, session_embedder: Embedder,
                 tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A writable copy of the built corpus and data dir, plus the hostile document, indexed incrementally."""
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(built_settings.corpus_dir, root / "corpus")
    shutil.copytree(built_settings.data_dir, root / "data")
    (root / "corpus" / HOSTILE_FILE).write_text(HOSTILE_TEXT, encoding="utf-8")
    settings = built_settings.replace(corpus_dir=root / "corpus", data_dir=root / "data")
    report = build_index(settings, files_to_ingest(settings), embedder=session_embedder)
    assert "quillfeather-notes" in report.added and not report.failures, report
    return settings


@pytest.fixture(scope="session")
def web_url(web_settings: Settings, session_embedder: Embedder) -> Iterator[str]:
    """The app, served on 127.0.0.1 from a background thread for the whole session."""
    from ui.web import create_app, launch_app

    demo = create_app(web_settings, Assistant.load(web_settings, embedder=session_embedder))
    port = free_port()
    launch_app(demo, web_settings, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium (`make chromium` installs it); Playwright never downloads a browser here."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: run `make chromium` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page (its own session, so its own conversation) that fails the test if any dialog opens."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    page.set_default_timeout(30_000)
    yield page
    context.close()
    assert not dialogs, f"a dialog opened: script from a document ran: {dialogs}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def ask(page: object, question: str, turn: int = 1, timeout_ms: int = 90_000) -> str:
    """Type `question`, send it and wait until the `turn`-th answer is complete; returns its text."""
    box = page.locator("#pq-question textarea")  # type: ignore[attr-defined]
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(  # type: ignore[attr-defined]
        """([turn, cursor]) => {
             const bots = document.querySelectorAll('#pq-chat [data-testid="bot"]');
             if (bots.length < turn) return false;
             const text = bots[turn - 1].innerText;
             const md = document.querySelector('#pq-markdown textarea');
             if (text.includes('Sorry, answering failed')) return true;
             const finished = !text.includes(cursor) && !text.includes('Searching the documents');
             return finished && md && md.value !== '';
           }""", arg=[turn, "▍"], timeout=timeout_ms)
    bot = page.locator('#pq-chat [data-testid="bot"]').nth(turn - 1)  # type: ignore[attr-defined]
    return str(bot.inner_text())


@pytest.fixture
def ask_question():  # type: ignore[no-untyped-def]
    """`ask_question(page, question, turn=1)`: send a question and wait for its complete answer."""
    return ask


@pytest.fixture
def serve() -> Iterator[object]:
    """`serve(demo, settings) -> url`: launch another app for one test; closed after it."""
    from ui.web import launch_app

    launched = []

    def start(demo: object, settings: Settings) -> str:
        port = free_port()
        launch_app(demo, settings, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                   prevent_thread_lock=True, quiet=True)
        launched.append(demo)
        return f"http://127.0.0.1:{port}/"

    yield start
    for demo in launched:
        demo.close()  # type: ignore[attr-defined]


@pytest.fixture
def server(settings: Settings, session_embedder: Embedder) -> Iterator[AnswerServer]:
    """The answer endpoint `policyqa ui` and `policyqa serve` run, serving the test module's `settings` from
    this process."""
    from ui.answer_service.server import AnswerServer

    answer_server = AnswerServer(settings, Assistant.load(settings, embedder=session_embedder))
    assert answer_server.start()
    yield answer_server
    answer_server.close()
