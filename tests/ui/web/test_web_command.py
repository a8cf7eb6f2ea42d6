"""`policyqa ui` through click's CliRunner, with the server replaced: where it listens, the login, and no
share link unless asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ui.web
from ui.cli import main


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    calls: dict[str, Any] = {}
    monkeypatch.chdir(tmp_path)  # no policyqa.toml here: default settings
    monkeypatch.setattr(ui.web, "create_app", lambda settings: "app")
    monkeypatch.setattr(ui.web, "launch_app", lambda demo, settings, **kw: calls.update(kw, demo=demo))
    return calls


def test_ui_listens_on_loopback_without_login_or_share_link_by_default(launched: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["ui"])
    assert result.exit_code == 0, result.output
    assert launched == {"demo": "app", "host": "127.0.0.1", "port": None, "auth": None, "auth_file": None,
                        "share": False}


def test_ui_passes_login_and_share_when_asked(launched: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["ui", "--port", "8123", "--auth", "ada:s3cret", "--share"])
    assert result.exit_code == 0, result.output
    assert launched["port"] == 8123 and launched["auth"] == "ada:s3cret" and launched["share"] is True


def test_ui_warns_when_reachable_from_other_machines_without_login(launched: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["ui", "--host", "0.0.0.0"])
    assert result.exit_code == 0 and "Warning: listening on 0.0.0.0 without a login" in result.output


def test_ui_does_not_warn_when_the_login_comes_from_a_file(launched: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "logins.txt").write_text("ada:s3cret\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ui", "--host", "0.0.0.0", "--auth-file", "logins.txt"])
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output and launched["auth_file"] == Path("logins.txt")


def test_ui_takes_the_login_from_the_environment(launched: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["ui", "--host", "0.0.0.0"], env={"POLICYQA_UI_AUTH": "ada:s3cret"})
    assert result.exit_code == 0 and "Warning" not in result.output and launched["auth"] is None


def test_ui_refuses_a_malformed_login_file(launched: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "logins.txt").write_text("ada:s3cret\nbob\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ui", "--auth-file", "logins.txt"])
    assert result.exit_code == 2 and "logins.txt, line 2: expected user:password" in result.output
    assert not launched


def test_ui_refuses_a_malformed_login(launched: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["ui", "--auth", "no-colon"])
    assert result.exit_code == 2 and "user:password" in result.output and not launched
