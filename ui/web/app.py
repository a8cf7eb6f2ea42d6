"""The policyqa web app (Gradio): its tabs (one module each in `ui.web.tabs`) assembled into one page, served
behind the logins and login throttle of `ui.web.auth`.

>>> demo = create_app(load_settings())  # doctest: +SKIP
>>> launch_app(demo, load_settings())  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.pipeline import Assistant
from index.layout import IndexMismatchError, IndexNotBuiltError
from ingest.settings import Settings
from ui.web.auth import Accounts, LoginThrottle, LoginThrottleMiddleware, accounts
from ui.web.document_handlers import DocumentHandlers
from ui.web.render import chat_text
from ui.web.state import AppState
from ui.web.tabs.ask import ask_tab, wire_ask_tab
from ui.web.tabs.compare import compare_tab, wire_compare_tab
from ui.web.tabs.crosswalk import crosswalk_tab, wire_crosswalk_tab
from ui.web.tabs.documents import documents_tab, wire_documents_tab

TITLE = "policyqa"
LOGIN_MESSAGE = ("After 5 failed logins in a row, this address must wait 30 s before trying again, and longer "
                 "after each further failure.")


def create_app(settings: Settings, assistant: Assistant | None = None) -> gr.Blocks:
    """The app for `settings`; `assistant` (already loaded) saves loading the index again. Without an index,
    a page that says how to build one."""
    if assistant is None:
        try:
            assistant = Assistant.load(settings)
        except (IndexNotBuiltError, IndexMismatchError) as exc:
            return _index_missing_app(exc)
    return _chat_app(AppState(settings, assistant))


def launch_app(demo: gr.Blocks, settings: Settings, *, host: str | None = None, port: int | None = None,
               auth: str | None = None, auth_file: Path | None = None, share: bool = False,
               prevent_thread_lock: bool = False, quiet: bool = False,
               throttle: LoginThrottle | None = None) -> Any:
    """Serve `demo`: on settings.ui_host (127.0.0.1) unless told otherwise, behind a login when `auth` (or
    settings.ui_auth), `auth_file` (or settings.ui_auth_file) or settings.ui_admin_auth gives one, with failed
    logins throttled per client (by `throttle`, or the default one), and a public share link only when `share`
    is True."""
    logins = login_accounts(settings, auth, auth_file)
    middleware = Middleware(LoginThrottleMiddleware, throttle=throttle or LoginThrottle())  # type: ignore[arg-type]
    return demo.launch(server_name=host or settings.ui_host, server_port=port or settings.ui_port,
                       auth=list(logins.logins) if logins else None, share=share,
                       # gradio's login page says "Incorrect Credentials" for a 429 as well: say it here
                       auth_message=LOGIN_MESSAGE if logins else None,
                       # gradio builds its FastAPI app inside launch(): the throttle goes in through its kwargs
                       app_kwargs={"middleware": [middleware]},
                       # no max_file_size: Gradio's cap refuses with a bare "Error"; store_upload checks
                       # max_upload_mb and says why, and the temporary copy is removed either way
                       prevent_thread_lock=prevent_thread_lock,
                       ssr_mode=False, quiet=quiet, footer_links=["api"])


def login_accounts(settings: Settings, auth: str | None = None, auth_file: Path | None = None) -> Accounts | None:
    """The accounts `launch_app` serves: `auth` over settings.ui_auth, `auth_file` over settings.ui_auth_file,
    plus settings.ui_admin_auth. Raises `AuthError` for a malformed one."""
    return accounts(auth or settings.ui_auth, auth_file or settings.ui_auth_file, settings.ui_admin_auth)


def _index_missing_app(exc: Exception) -> gr.Blocks:
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            "# policyqa\n\n## There is no usable index yet\n\n"
            f"{chat_text(str(exc))}\n\n"
            "Build the index from the corpus directory, then start the UI again:\n\n"
            "```\npolicyqa corpus sync     # fetch the default documents, if you have not yet\n"
            "policyqa index build\npolicyqa ui\n```", elem_id="pq-missing-index")
    return demo


def _chat_app(state: AppState) -> gr.Blocks:
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 24 * 3600)) as demo:
        gr.Markdown("# policyqa\nAnswers about AI-policy documents; every sentence cites the passage it "
                    "comes from.")
        with gr.Tabs():
            ask = ask_tab(state)
            comparing = compare_tab(state)
            crosswalking = crosswalk_tab(state)
            documents = documents_tab(state)
        wire_ask_tab(ask, state)
        wire_compare_tab(comparing, state)
        wire_crosswalk_tab(crosswalking, state)
        wire_documents_tab(documents, state, ask.docs)
        demo.load(DocumentHandlers(state).document_choices, outputs=[ask.docs], api_visibility="private")
    return demo
