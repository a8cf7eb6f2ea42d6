"""The policyqa web UI (Gradio): chat with streamed, cited answers beside the passages they cite, and a
Documents tab to see the corpus, add a document and rebuild the index.

>>> demo = create_app(load_settings())  # doctest: +SKIP
>>> launch_app(demo, load_settings())  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.pipeline import Assistant
from index.layout import IndexMismatchError, IndexNotBuiltError
from ingest.settings import Settings
from ui.web_ask import ChatHandlers
from ui.web_auth import Accounts, LoginThrottle, LoginThrottleMiddleware, accounts
from ui.web_handlers import DocumentHandlers
from ui.web_layout import ask_tab, documents_tab
from ui.web_render import chat_text
from ui.web_session import ChatSession
from ui.web_state import AppState
from ui.web_write import WriteHandler

TITLE = "policyqa"
# Answering is CPU-bound: more questions at once than cores only adds memory (measured: bench/load_bench.py).
ASK_CONCURRENCY = max(2, min(8, os.cpu_count() or 2))
BUILD_FOLLOWERS = 8  # sessions that can follow an upload or rebuild at once
WRITE_WAITERS = 16  # requests for a written answer held at once (the model itself writes one at a time)
SESSION_TTL_S = 6 * 3600  # a conversation left idle this long is forgotten
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
    chat, writing, documents_handlers = ChatHandlers(state), WriteHandler(state), DocumentHandlers(state)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 24 * 3600)) as demo:
        gr.Markdown("# policyqa\nAnswers about AI-policy documents; every sentence cites the passage it "
                    "comes from.")
        session = gr.State(ChatSession(), time_to_live=SESSION_TTL_S)
        with gr.Tabs():
            ask = ask_tab(state)
            documents = documents_tab(state)

        answer_outputs = [ask.question, ask.chat, ask.sources, ask.citation, ask.detail, ask.page,
                          ask.markdown, session]
        write_outputs = [ask.write_status, ask.chat, ask.sources, ask.citation, ask.markdown, session]
        ask_inputs = [ask.question, ask.chat, session, ask.k, ask.jurisdictions, ask.docs, ask.generator]
        asked = gr.on([ask.question.submit, ask.ask_button.click], chat.ask, inputs=ask_inputs,
                      outputs=answer_outputs, api_name="ask", concurrency_limit=ASK_CONCURRENCY,
                      concurrency_id="ask")
        # the written answer follows the quoted one, in its own pool: questions never wait for the model
        # its own status line says where the request is, so gradio's progress overlay is kept small
        asked.then(writing.write_if_chosen, inputs=[session, ask.generator], outputs=write_outputs,
                   api_visibility="private", concurrency_limit=WRITE_WAITERS, concurrency_id="write",
                   show_progress="minimal")
        ask.write_button.click(writing.write, inputs=[session], outputs=write_outputs,
                               api_visibility="private", concurrency_limit=WRITE_WAITERS,
                               concurrency_id="write", show_progress="minimal")
        citation_outputs = [ask.sources, ask.citation, ask.detail, ask.page, ask.markdown, session]
        ask.sources.click(chat.open_cited, inputs=[session], outputs=citation_outputs,
                          api_visibility="private", concurrency_limit=ASK_CONCURRENCY)
        ask.citation.input(chat.choose_citation, inputs=[ask.citation, session], outputs=citation_outputs,
                           api_visibility="private", concurrency_limit=ASK_CONCURRENCY)
        ask.copy_scope.input(chat.choose_copy, inputs=[ask.copy_scope, session],
                             outputs=[ask.markdown, session], api_visibility="private")
        gr.on([ask.new_button.click, ask.chat.clear], chat.new_conversation, inputs=[session],
              outputs=answer_outputs[1:], api_visibility="private")

        build_outputs = [documents.upload, documents.table, documents.status, ask.docs]
        # a handler follows its build to the end, so these wait in their own, larger pool
        documents.upload.upload(documents_handlers.upload, inputs=[documents.upload], outputs=build_outputs,
                                api_visibility="private", concurrency_limit=BUILD_FOLLOWERS,
                                concurrency_id="build")
        documents.rebuild_button.click(documents_handlers.rebuild, outputs=build_outputs,
                                       api_visibility="private", concurrency_limit=BUILD_FOLLOWERS,
                                       concurrency_id="build")
        gr.on([documents.refresh_button.click, documents.tab.select], documents_handlers.documents,
              outputs=[documents.table, documents.status, ask.docs], api_visibility="private")
        demo.load(documents_handlers.document_choices, outputs=[ask.docs], api_visibility="private")
    return demo
