"""The web UI: `app` assembles the tabs of `tabs/` (one module a tab: layout and wiring), whose handlers,
rendering and state live beside them.

>>> from ui.web import create_app, launch_app  # doctest: +SKIP
>>> launch_app(create_app(settings), settings)  # doctest: +SKIP

The app's names are imported on first use, so `ui.web.render` and the other pure modules load without gradio.
"""

from __future__ import annotations

from typing import Any

_APP_NAMES = ("LOGIN_MESSAGE", "TITLE", "create_app", "launch_app", "login_accounts")
__all__ = list(_APP_NAMES)


def __getattr__(name: str) -> Any:
    if name in _APP_NAMES:
        from ui.web import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui.web' has no attribute {name!r}")
