"""The command line: staff-user add/list/remove, conversations list/show/export, staff."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from intake.cli import main
from intake.storage.db import open_db
from intake.storage.staff import SignInResult, authenticate
from tests.staff.conftest import seed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "intake.sqlite3"
    db = open_db(path)
    seed(db)
    db.close()
    return path


def test_staff_user_add_from_stdin_list_and_remove(database, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert (
        main(["staff-user", "--database", str(database), "add", "carol", "--password-stdin"]) == 0
    )
    db = open_db(database)
    assert authenticate(db, "carol", "a long enough password") == SignInResult.OK
    assert main(["staff-user", "list", "--database", str(database)]) == 0
    assert "carol" in capsys.readouterr().out
    assert main(["staff-user", "--database", str(database), "remove", "carol"]) == 0
    assert main(["staff-user", "--database", str(database), "remove", "carol"]) == 1
    assert authenticate(db, "carol", "a long enough password") == SignInResult.INVALID


def test_staff_user_add_prompts_twice_and_refuses_a_mismatch(database, monkeypatch, capsys):
    answers = iter(["first password!!", "second password!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["staff-user", "--database", str(database), "add", "dave"]) == 1
    assert "differ" in capsys.readouterr().err
    answers = iter(["same password 123", "same password 123"])
    assert main(["staff-user", "--database", str(database), "add", "dave"]) == 0


def test_staff_user_add_refuses_a_short_password_and_a_duplicate(database, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert (
        main(["staff-user", "--database", str(database), "add", "erin", "--password-stdin"]) == 1
    )
    assert "at least" in capsys.readouterr().err
    for expected in (0, 1):
        monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
        assert (
            main(["staff-user", "--database", str(database), "add", "erin", "--password-stdin"])
            == expected
        )


def test_database_from_the_environment(database, monkeypatch, capsys):
    monkeypatch.setenv("INTAKE_DATABASE", str(database))
    assert main(["conversations", "list", "-q", "登录"]) == 0
    assert "无法登录控制台" in capsys.readouterr().out


def test_conversations_list_searches_and_filters(database, capsys):
    assert main(["conversations", "--database", str(database), "list", "-q", "登录"]) == 0
    out = capsys.readouterr().out
    assert "无法登录控制台" in out and "Orders fail" not in out
    assert main(["conversations", "--database", str(database), "list", "--status", "filed"]) == 0
    out = capsys.readouterr().out
    assert "Orders fail with error 502" in out and "OS-000002" in out
    assert "无法登录控制台" not in out


def test_conversations_show_prints_the_transcript(database, capsys):
    assert main(["conversations", "--database", str(database), "show", "3"]) == 0
    out = capsys.readouterr().out
    assert "--- language switched to 中文 (简体) ---" in out
    assert "导出报表要十分钟以上" in out


def test_conversations_export_json_and_text(database, tmp_path, capsys):
    assert (
        main(["conversations", "--database", str(database), "export", "1", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["ticket"]["last_error"] == "Redmine answered 503 Service Unavailable"
    target = tmp_path / "one.txt"
    assert (
        main(
            [
                "conversations",
                "--database",
                str(database),
                "export",
                "1",
                "--format",
                "text",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    assert "Customer [summary]: 无法登录控制台" in target.read_text(encoding="utf-8")


def test_unknown_conversation_is_an_error(database, capsys):
    assert main(["conversations", "--database", str(database), "show", "99"]) == 1
    assert "No conversation #99" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_staff_command_serves_the_sign_in_page(database):
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "staff",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database",
            str(database),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/conversations") as page:
                    body = page.read().decode()
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"the staff command exited: {process.communicate()[1]!r}")
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert page.url.endswith("/sign-in?next=/conversations")
        assert "Sign in" in body and "无法登录" not in body
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_staff_user_passwd_changes_the_password_and_the_session_key(database, monkeypatch):
    from intake.storage.staff import get_staff_user

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    main(["staff-user", "--database", str(database), "add", "frank", "--password-stdin"])
    db = open_db(database)
    key = get_staff_user(db, "frank").session_key
    monkeypatch.setattr(sys, "stdin", io.StringIO("another long password\n"))
    assert (
        main(["staff-user", "--database", str(database), "passwd", "frank", "--password-stdin"])
        == 0
    )
    assert authenticate(db, "frank", "another long password") == SignInResult.OK
    assert authenticate(db, "frank", "a long enough password") == SignInResult.INVALID
    assert get_staff_user(db, "frank").session_key != key


def test_staff_user_passwd_of_an_unknown_account_fails_before_asking(database, capsys):
    assert main(["staff-user", "--database", str(database), "passwd", "nobody"]) == 1
    assert "No staff account named 'nobody'" in capsys.readouterr().err
