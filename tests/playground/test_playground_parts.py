"""The playground's plain parts: message rendering, user ids, the staff account, start-up."""

from __future__ import annotations

import argparse

import pytest

from intake.emulator.models import ChatEvent, ChatMessage
from intake.emulator.server import BotAPIEmulator
from intake.playground import sessions as sessions_module
from intake.playground.autolink import display_html
from intake.playground.server import banner
from intake.playground.sessions import ChatSessions, UnknownLanguage
from intake.playground.staff_account import (
    PLAYGROUND_STAFF,
    ensure_staff_account,
    sign_in_lines,
)
from intake.playground.view import event_view, message_view
from intake.storage.staff import SignInResult, add_staff_user, authenticate, list_staff_users
from intake.storage.users import touch_user
from tests.playground.factories import local_playground
from tests.playground.webchat import WebChat


def bot_message(text: str, entities: list[dict] | None = None, **extra) -> ChatMessage:
    return ChatMessage(
        message_id=1,
        chat_id=5,
        from_bot=True,
        sender_id=1,
        date=0,
        text=text,
        entities=entities or [],
        **extra,
    )


# --- rendering ----------------------------------------------------------------------------------


def test_bot_formatting_is_rendered_from_entities_and_everything_else_escaped():
    message = bot_message(
        "Step 1 <img src=x onerror=alert(1)> & more",
        [{"type": "bold", "offset": 0, "length": 6}],
    )
    assert message_view(message)["html"] == (
        "<b>Step 1</b> &lt;img src=x onerror=alert(1)&gt; &amp; more"
    )


def test_commands_links_and_mentions_are_detected_as_a_telegram_app_shows_them():
    html = display_html(
        "Send /start again, see https://orangesky.example/help. Ask @os_support", []
    )
    assert '<span class="tg-bot-command">/start</span>' in html
    assert '<a href="https://orangesky.example/help"' in html
    assert "help</a>." in html  # the full stop is not part of the link
    assert '<span class="tg-mention">@os_support</span>' in html


def test_a_link_in_chinese_text_stops_at_full_width_punctuation():
    html = display_html("详见 https://orangesky.example/帮助。谢谢", [])
    assert '<a href="https://orangesky.example/帮助"' in html
    assert html.endswith("</a>。谢谢")


def test_nothing_is_detected_inside_code_and_unsafe_link_schemes_are_dropped():
    code = display_html("run /reset now", [{"type": "code", "offset": 0, "length": 14}])
    assert code == "<code>run /reset now</code>"
    link = display_html(
        "click", [{"type": "text_link", "offset": 0, "length": 5, "url": "javascript:alert(1)"}]
    )
    assert link == "click"


def test_detected_entities_count_utf16_units_like_the_bot_api():
    html = display_html("👋 发送 /help 获取帮助", [{"type": "bold", "offset": 0, "length": 2}])
    assert html == '<b>👋</b> 发送 <span class="tg-bot-command">/help</span> 获取帮助'


def test_events_the_page_draws_and_those_it_does_not():
    message = bot_message(
        "hi",
        reply_markup={
            "inline_keyboard": [
                [
                    {"text": "Go", "callback_data": "go"},
                    {"text": "Docs", "url": "https://example.com"},
                ]
            ]
        },
    )
    view = event_view(ChatEvent("edited", 5, 1, message))
    assert view["type"] == "edited"
    assert view["message"]["buttons"] == [
        [
            {"text": "Go", "data": "go", "url": None},
            {"text": "Docs", "data": None, "url": "https://example.com"},
        ]
    ]
    assert event_view(ChatEvent("deleted", 5, 1)) == {"type": "deleted", "id": 1}
    assert event_view(ChatEvent("chat_action", 5, action="typing")) == {
        "type": "action",
        "action": "typing",
    }
    assert event_view(ChatEvent("message", 5, 1, None)) is None


# --- simulated users ----------------------------------------------------------------------------


def test_a_new_tab_never_gets_the_id_of_a_user_the_database_knows(fresh_db, monkeypatch):
    taken = sessions_module._ID_BASE + 7
    touch_user(fresh_db, taken, language_code="en")
    draws = iter([7, 7, 8])
    monkeypatch.setattr(sessions_module.secrets, "randbelow", lambda _n: next(draws))
    session = ChatSessions(BotAPIEmulator(), fresh_db).create("en")
    assert session.user.id == sessions_module._ID_BASE + 8


def test_sessions_know_only_their_own_keys_and_the_two_languages(fresh_db):
    sessions = ChatSessions(BotAPIEmulator(), fresh_db)
    chinese = sessions.create("zh", "王芳")
    assert sessions.get(chinese.key) is chinese
    assert chinese.describe() == {
        "id": chinese.user.id,
        "first_name": "王芳",
        "language": "zh",
        "language_code": "zh-hans",
    }
    assert sessions.get("guess") is None
    with pytest.raises(UnknownLanguage):
        sessions.create("de")


# --- the staff account for newcomers ------------------------------------------------------------


def test_a_playground_staff_account_is_made_once_and_its_password_shown_once(fresh_db):
    first = ensure_staff_account(fresh_db)
    assert first.created and first.name == PLAYGROUND_STAFF
    assert any(first.password in line for line in sign_in_lines(first))
    assert authenticate(fresh_db, PLAYGROUND_STAFF, first.password) is SignInResult.OK
    again = ensure_staff_account(fresh_db)
    assert not again.created and again.password is None
    assert not any(first.password in line for line in sign_in_lines(again))
    assert [u.name for u in list_staff_users(fresh_db)] == [PLAYGROUND_STAFF]


def test_no_playground_account_where_staff_accounts_exist(fresh_db):
    add_staff_user(fresh_db, "mei", "a long enough password")
    note = ensure_staff_account(fresh_db)
    assert note.name is None and not note.created
    assert "staff-user add" in " ".join(sign_in_lines(note))
    assert [u.name for u in list_staff_users(fresh_db)] == ["mei"]


# --- start-up -----------------------------------------------------------------------------------


async def test_a_restarted_playground_on_the_same_database_still_answers(settings):
    from aiohttp.test_utils import TestClient, TestServer

    for _ in range(2):
        pg = local_playground(settings)
        async with TestClient(TestServer(pg.build())) as client:
            chat = await WebChat.open(client, "en")
            await chat.send("/start")
            # Update ids continue above the stored ones; repeated ids would be ignored.
            await chat.wait_for("Hello")
            await chat.close()
        await pg.services.aclose()


async def test_the_banner_names_the_chat_the_staff_page_and_the_ticket_store(settings):
    pg = local_playground(settings)
    url = await pg.start("127.0.0.1", 0)
    try:
        text = "\n".join(banner(pg))
    finally:
        await pg.stop()
    assert f"Chat:   {url}" in text
    assert f"Staff:  {url}staff/" in text
    assert "sign in as 'playground' with password" in text
    assert str(settings.database) in text


def test_main_without_a_token_starts_the_playground_on_the_given_port(monkeypatch, tmp_path):
    from intake import cli
    from intake.commands import playground as command

    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(command, "run", lambda args: seen.append(args) or 0)
    assert cli.main(["--port", "9123"]) == 0
    assert seen[0].port == 9123 and seen[0].host == "127.0.0.1"
    assert cli.main([]) == 0
    assert seen[1].port == 8080


def test_main_with_a_token_runs_the_real_bot_instead(monkeypatch, tmp_path):
    from intake import cli
    from intake.commands import run as run_command

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123:ABC")
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(run_command, "run", lambda args: seen.append(args) or 0)
    assert cli.main([]) == 0
    assert seen[0].webhook is False
