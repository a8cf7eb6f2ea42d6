"""Logins of the web UI: the per-client throttle of failed logins (its logic, then over HTTP against a launched
app), the accounts from --auth, a login file and the settings, and the admin login that alone may change the
corpus."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import httpx
import pytest

from assistant.pipeline import Assistant
from index.build import build_index
from index.embed import Embedder
from ingest.corpus_files import files_to_ingest
from ingest.settings import Settings
from tests.ui.conftest import free_port
from ui.web.auth import Accounts, AuthError, LoginThrottle, accounts, read_auth_file

pytestmark = pytest.mark.robustness  # the robustness suite: README "Tests"


class SteppedClock:
    """A clock that moves only when told to, so waits of minutes are checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: LoginThrottle, client: str, times: int) -> list[float]:
    return [throttle.failed(client) for _ in range(times)]


# --- the throttle's logic ----------------------------------------------------------------------------------
def test_five_failures_are_free_and_the_fifth_makes_the_client_wait_30_s() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(clock)
    assert fail(throttle, "10.0.0.7", 4) == [0.0, 0.0, 0.0, 0.0]
    assert throttle.retry_after("10.0.0.7") == 0.0
    assert throttle.failed("10.0.0.7") == 30.0
    assert throttle.retry_after("10.0.0.7") == 30.0
    clock.now += 29.5
    assert throttle.retry_after("10.0.0.7") == pytest.approx(0.5)
    clock.now += 0.5
    assert throttle.retry_after("10.0.0.7") == 0.0


def test_each_further_failure_doubles_the_wait_up_to_one_hour() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(clock)
    fail(throttle, "10.0.0.7", 4)
    waits = []
    for _ in range(10):
        waits.append(throttle.failed("10.0.0.7"))
        clock.now += waits[-1]  # the client waits its turn, then fails again
    assert waits == [30.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3600.0, 3600.0, 3600.0]


def test_a_success_forgets_the_failures() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(clock)
    fail(throttle, "10.0.0.7", 6)
    clock.now += 60
    throttle.succeeded("10.0.0.7")
    assert throttle.retry_after("10.0.0.7") == 0.0
    assert fail(throttle, "10.0.0.7", 5) == [0.0, 0.0, 0.0, 0.0, 30.0]


def test_clients_are_counted_apart() -> None:
    throttle = LoginThrottle(SteppedClock())
    fail(throttle, "10.0.0.7", 5)
    assert throttle.retry_after("10.0.0.7") == 30.0
    assert throttle.retry_after("10.0.0.8") == 0.0
    assert throttle.failed("10.0.0.8") == 0.0


def test_the_wait_ends_on_the_monotonic_clock() -> None:
    throttle = LoginThrottle(time.monotonic, first_delay_s=0.3)
    fail(throttle, "10.0.0.7", 5)
    assert 0.2 < throttle.retry_after("10.0.0.7") <= 0.3
    time.sleep(0.35)
    assert throttle.retry_after("10.0.0.7") == 0.0


# --- accounts ------------------------------------------------------------------------------------------------
def test_logins_come_from_the_option_the_file_and_the_admin_setting(tmp_path: Path) -> None:
    logins = tmp_path / "logins.txt"
    logins.write_text("# readers\nbob:pa:ss\n\n  carol:c0rol\n", encoding="utf-8")
    assert read_auth_file(logins) == (("bob", "pa:ss"), ("carol", "c0rol"))
    assert accounts("ada:s3cret", logins, "root:r00t") == Accounts(
        (("ada", "s3cret"), ("bob", "pa:ss"), ("carol", "c0rol"), ("root", "r00t")), admin="root")
    assert accounts() is None


@pytest.mark.parametrize("text, problem", [
    ("bob:pass\nno-colon\n", "line 2: expected user:password"),
    ("bob:\n", "line 1: expected user:password"),
    ("# only a comment\n", "no user:password line"),
])
def test_a_malformed_login_file_is_refused_naming_file_and_line(tmp_path: Path, text: str, problem: str) -> None:
    logins = tmp_path / "logins.txt"
    logins.write_text(text, encoding="utf-8")
    with pytest.raises(AuthError, match=f"logins.txt.*{problem}"):
        read_auth_file(logins)


def test_a_missing_login_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="nowhere.txt: cannot read"):
        accounts(auth_file=tmp_path / "nowhere.txt")


def test_a_user_given_two_passwords_is_refused() -> None:
    with pytest.raises(AuthError, match="'ada' is given two different passwords"):
        accounts("ada:one", None, "ada:two")


def test_without_an_admin_setting_every_user_may_change_the_corpus() -> None:
    assert Accounts((("ada", "x"),)).may_change_corpus("ada")
    admin_set = Accounts((("ada", "x"), ("root", "y")), admin="root")
    assert admin_set.may_change_corpus("root") and not admin_set.may_change_corpus("ada")


# --- over HTTP, against a launched app ---------------------------------------------------------------------
@pytest.fixture
def login_url(tmp_path: Path) -> Iterator[str]:
    """The app (its no-index page is enough: the login guards it all) behind the login ada:s3cret, with a
    throttle that makes the client wait 1 s rather than 30 after the fifth failure."""
    from ui.web import create_app, launch_app

    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", ui_auth="ada:s3cret")
    demo = create_app(settings)
    port = free_port()
    launch_app(demo, settings, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True,
               throttle=LoginThrottle(first_delay_s=1.0))
    yield f"http://127.0.0.1:{port}"
    demo.close()


def login(url: str, password: str) -> httpx.Response:
    return httpx.post(f"{url}/login", data={"username": "ada", "password": password}, timeout=10)


def test_a_client_is_refused_with_429_after_five_failed_logins_then_recovers(login_url: str) -> None:
    assert [login(login_url, "wrong").status_code for _ in range(5)] == [400] * 5
    refused = login(login_url, "s3cret")  # even the right password waits its turn
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert "Too many failed logins" in refused.json()["detail"]
    time.sleep(1.1)
    accepted = login(login_url, "s3cret")
    assert accepted.status_code == 200 and accepted.json() == {"success": True}
    # the success reset the count: four more failures are answered, not refused
    assert [login(login_url, "wrong").status_code for _ in range(4)] == [400] * 4


def test_a_throttled_client_is_refused_longer_after_each_failure(login_url: str) -> None:
    assert [login(login_url, "wrong").status_code for _ in range(5)] == [400] * 5
    time.sleep(1.1)
    assert login(login_url, "wrong").status_code == 400
    refused = login(login_url, "wrong")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "2"


def test_a_login_after_the_wait_opens_the_app_to_that_client(login_url: str) -> None:
    with httpx.Client(base_url=login_url, timeout=10) as client:
        assert client.get("/gradio_api/login_check").status_code == 401
        for _ in range(5):
            client.post("/login", data={"username": "ada", "password": "wrong"})
        assert client.post("/login", data={"username": "ada", "password": "s3cret"}).status_code == 429
        assert client.get("/gradio_api/login_check").status_code == 401
        time.sleep(1.1)
        assert client.post("/login", data={"username": "ada", "password": "s3cret"}).status_code == 200
        assert client.get("/gradio_api/login_check").status_code == 200


# --- the admin login ------------------------------------------------------------------------------------------
@pytest.fixture
def small_app_settings(tmp_path: Path, shared_corpus: Path, session_embedder: Embedder) -> Settings:
    """One real document indexed, with a reader login and an admin login."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(shared_corpus / "oecd-ai-recommendation-2019.txt", corpus)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, manifest_path=tmp_path / "none.toml",
                        ui_auth="reader:r3ad", ui_admin_auth="root:r00t")
    report = build_index(settings, files_to_ingest(settings), embedder=session_embedder)
    assert report.chunks > 0 and not report.failures, report
    return settings


def test_only_the_admin_login_may_upload_or_rebuild(small_app_settings: Settings, session_embedder: Embedder,
                                                    tmp_path: Path) -> None:
    from ui.web.document_handlers import DocumentHandlers
    from ui.web.state import AppState

    handlers = DocumentHandlers(AppState(small_app_settings,
                                         Assistant.load(small_app_settings, embedder=session_embedder)))
    reader = gr.Request(username="reader")
    rebuilt = list(handlers.rebuild(reader))
    assert len(rebuilt) == 1 and "only the admin login may rebuild the index" in rebuilt[0][2]
    assert "'reader' is not it" in rebuilt[0][2]

    upload_dir = tmp_path / "gradio-upload" / "abc123"
    upload_dir.mkdir(parents=True)
    (upload_dir / "notes.txt").write_text("Municipal chatbots must keep a log.", encoding="utf-8")
    uploaded = list(handlers.upload(str(upload_dir / "notes.txt"), reader))
    assert len(uploaded) == 1 and "only the admin login may add a document" in uploaded[0][2]
    assert not (small_app_settings.corpus_dir / "notes.txt").exists()
    assert not (upload_dir / "notes.txt").exists()  # the server's temporary copy is not left behind

    admin_rebuilt = list(handlers.rebuild(gr.Request(username="root")))
    assert "Refused" not in admin_rebuilt[-1][2]
    assert "oecd-ai-recommendation-2019" in str(admin_rebuilt[-1][1])


def test_a_reader_logged_in_through_the_browser_is_refused_upload_and_rebuild(  # type: ignore[no-untyped-def]
        page, serve, small_app_settings: Settings, session_embedder: Embedder, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from ui.web import LOGIN_MESSAGE, create_app

    settings = small_app_settings
    url = serve(create_app(settings, Assistant.load(settings, embedder=session_embedder)), settings)
    page.goto(url)
    expect(page.get_by_text(LOGIN_MESSAGE)).to_be_visible()
    page.get_by_label("username").fill("reader")
    page.get_by_label("password").fill("r3ad")
    page.get_by_role("button", name="Login").click()
    page.get_by_role("tab", name="Documents").click()
    status = page.locator("#pq-status")
    page.locator("#pq-rebuild").click()
    expect(status).to_contain_text("only the admin login may rebuild the index; the login 'reader' is not it")
    notes = tmp_path / "notes.txt"
    notes.write_text("Municipal chatbots must keep a log of every reply.", encoding="utf-8")
    page.locator("#pq-upload input[type=file]").set_input_files(str(notes))
    expect(status).to_contain_text("only the admin login may add a document")
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["oecd-ai-recommendation-2019.txt"]
