"""ONCALL and PAGE_ACK_MINUTES: read in order, and a bad value is one line and exit 2."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake.cli import main
from intake.config import ConfigError, load_settings
from intake.runtime import oncall_of


def test_oncall_is_read_in_order_without_repeats(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONCALL", " 111, -1002003004005,222,111 ,")
    monkeypatch.setenv("PAGE_ACK_MINUTES", "5")
    monkeypatch.setenv("STAFF_CHAT_ID", "-100500")
    oncall = oncall_of(load_settings())
    assert oncall.contacts == (111, -1002003004005, 222)
    assert oncall.ack_after == timedelta(minutes=5)
    assert oncall.staff_chat_id == -100500


def test_without_oncall_only_the_staff_chat_is_paged_every_ten_minutes(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("ONCALL", "PAGE_ACK_MINUTES", "STAFF_CHAT_ID"):
        monkeypatch.delenv(name, raising=False)
    oncall = oncall_of(load_settings())
    assert oncall.contacts == () and oncall.ack_after == timedelta(minutes=10)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ONCALL", "111,@alice"),
        ("PAGE_ACK_MINUTES", "0"),
        ("PAGE_ACK_MINUTES", "ten"),
    ],
)
def test_a_bad_paging_setting_names_the_variable(monkeypatch, tmp_path, name, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"^{name}: "):
        load_settings()


def test_a_bad_oncall_stops_the_bot_with_one_line_and_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ONCALL", "111,@alice")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: ONCALL: '@alice' is not a Telegram user or chat id (expected "
        "numbers, comma-separated, e.g. 123456789,-1001234567890)"
    ]
