"""The web chat's API with the real bot behind it: tabs, text, edits, buttons, files, events."""

from __future__ import annotations

import pytest

from intake.emulator.media import TINY_PNG
from intake.playground.chat import MAX_EDIT
from intake.storage.users import get_user
from tests.e2e.steps import EN
from tests.playground.webchat import Message, WebChat, button_texts, plain


async def walk_to_attachments(chat: WebChat) -> None:
    """From /start to the attachments step, in English."""
    await chat.send("/start")
    await chat.tap(EN["start"])
    await chat.wait_for(EN["summary"])
    await chat.send("Orangesky shows 502 errors for all users")
    await chat.wait_for(EN["browser"])
    await chat.tap("Firefox")
    await chat.wait_for("Which version of Firefox")
    await chat.send("121.0")
    await chat.wait_for(EN["os"])
    await chat.tap("Ubuntu")
    await chat.wait_for("Which version of Ubuntu")
    await chat.send("22.04")
    await chat.wait_for(EN["product"])
    await chat.send("4.2.1")
    await chat.wait_for(EN["extra"])
    await chat.tap(EN["skip"])
    await chat.wait_for(EN["impact"])
    await chat.tap(EN["yes_right"])
    await chat.wait_for(EN["description"])
    await chat.send("Since 9:00 every page returns 502 Bad Gateway.")
    await chat.tap(EN["done"])
    await chat.wait_for(EN["attachments"])


async def test_a_tab_gets_its_own_user_and_the_bots_reply_arrives_over_the_websocket(
    client, playground
):
    first = await WebChat.open(client, "en")
    second = await WebChat.open(client, "zh")
    try:
        assert first.user["id"] != second.user["id"]
        assert first.user["language_code"] == "en"
        assert second.user["language_code"] == "zh-hans"
        assert first.snapshot["messages"] == []

        await first.send("/start")
        greeting = await first.wait_for("Hello")
        assert any(EN["start"] in t for t in button_texts(greeting))
        assert greeting["from_bot"] and greeting["html"]
        # The other tab is another person: it saw nothing of that chat.
        assert second.messages == {}
        await second.send("/start")
        await second.wait_for("您好")
        assert all(
            m["from_bot"] is False or "Hello" not in plain(m) for m in second.messages.values()
        )
    finally:
        await first.close()
        await second.close()
    stored = get_user(playground.services.db, first.user["id"])
    assert stored is not None and stored.language == "en"


async def test_the_persons_own_message_is_shown_from_the_event_stream(tab):
    sent = await tab.send("/help")
    await tab.until(lambda: sent["id"] in tab.messages)
    shown = tab.messages[sent["id"]]
    assert shown["from_bot"] is False
    assert 'class="tg-bot-command"' in shown["html"]


async def test_tapping_a_button_moves_the_dialogue_on_and_the_callback_is_answered(tab):
    await tab.send("/start")
    query_id = await tab.tap(EN["start"])
    await tab.wait_for(EN["summary"])
    await tab.until(lambda: any(e["type"] == "answer" for e in tab.events))
    assert query_id


async def test_an_edited_message_arrives_as_an_edit_of_the_same_message(tab):
    await tab.send("/start")
    greeting = await tab.wait_for_button(EN["start"])
    await tab.tap(EN["start"])
    await tab.wait_for(EN["summary"])
    edits = [e["message"]["id"] for e in tab.events if e["type"] == "edited"]
    assert edits, "the bot edits its step messages in place"
    assert all(tab.messages[i]["edited"] for i in edits if i in tab.messages)
    assert greeting["id"] in tab.messages


async def answer_summary(chat: WebChat, summary: str) -> Message:
    """From /start to the browser question, answering the summary with ``summary``."""
    await chat.send("/start")
    await chat.tap(EN["start"])
    await chat.wait_for(EN["summary"])
    sent = await chat.send(summary)
    await chat.wait_for(EN["browser"])
    return sent


def edits_sent(playground) -> list[dict]:
    """The edited_message updates the emulator has queued for the bot."""
    return [u for u in playground.emulator.bot.history.values() if "edited_message" in u]


async def test_an_edited_summary_reaches_the_bot_which_confirms_the_fixed_answer(tab):
    sent = await answer_summary(tab, "Exprot fails")
    await tab.edit(sent["id"], "Export fails")
    confirmation = await tab.wait_for("Updated")
    assert "Summary: Export fails" in plain(confirmation)


async def test_an_edited_summary_is_the_one_staff_see(tab, playground):
    sent = await answer_summary(tab, "Exprot fails")
    await tab.edit(sent["id"], "Export fails")
    await tab.wait_for("Updated")
    row = next(playground.services.db.query("SELECT summary FROM conversations"))
    assert row["summary"] == "Export fails"


async def test_an_edit_is_shown_as_an_edit_of_the_same_message(tab):
    sent = await tab.send("Exprot fails")
    answered = await tab.edit(sent["id"], "Export fails")
    assert answered["id"] == sent["id"] and answered["edited"]

    def edit_event() -> Message | None:
        events = (e["message"] for e in tab.events if e["type"] == "edited")
        return next((m for m in events if m["id"] == sent["id"]), None)

    assert (await tab.until(edit_event))["edited"]
    assert plain(tab.messages[sent["id"]]) == "Export fails"


async def test_an_edit_that_changes_nothing_sends_nothing(tab, playground):
    sent = await tab.send("Export fails")
    answered = await tab.edit(sent["id"], "Export fails")
    assert answered["edited"] is False
    assert edits_sent(playground) == []


async def test_the_bots_messages_cannot_be_edited(tab):
    await tab.send("/start")
    greeting = await tab.wait_for("Hello")
    response = await tab.client.post(
        tab.path("/edits"), json={"message_id": greeting["id"], "text": "Hi"}
    )
    assert response.status == 404
    assert tab.messages[greeting["id"]]["edited"] is False


async def test_a_message_of_another_chat_cannot_be_edited(client, tab):
    other = await WebChat.open(client, "en")
    try:
        theirs = await other.send("their words")
        response = await client.post(
            tab.path("/edits"), json={"message_id": theirs["id"], "text": "mine now"}
        )
        assert response.status == 404
        assert plain(other.messages[theirs["id"]]) == "their words"
    finally:
        await other.close()


async def test_a_file_message_cannot_be_edited(tab):
    sent = (await tab.upload([("notes.txt", b"hello", "text/plain")], caption="my notes"))[0]
    response = await tab.client.post(
        tab.path("/edits"), json={"message_id": sent["id"], "text": "other notes"}
    )
    assert response.status == 400
    assert "only text" in (await response.json())["error"]


@pytest.mark.parametrize("text", ["", "   \n "])
async def test_an_edit_to_blank_text_is_refused(tab, text):
    sent = await tab.send("Export fails")
    response = await tab.client.post(
        tab.path("/edits"), json={"message_id": sent["id"], "text": text}
    )
    assert response.status == 400


async def test_an_edit_longer_than_a_message_may_be_is_refused(tab, playground):
    sent = await tab.send("Export fails")
    response = await tab.client.post(
        tab.path("/edits"), json={"message_id": sent["id"], "text": "x" * (MAX_EDIT + 1)}
    )
    assert response.status == 400
    assert f"longer than {MAX_EDIT}" in (await response.json())["error"]
    assert edits_sent(playground) == []


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Export fails"},
        {"message_id": "1", "text": "Export fails"},
        {"message_id": True, "text": "Export fails"},
        {"message_id": 1},
        {"message_id": 1, "text": ["Export fails"]},
    ],
)
async def test_an_edit_names_a_message_by_number_and_gives_text(tab, body):
    await tab.send("Exprot fails")
    response = await tab.client.post(tab.path("/edits"), json=body)
    assert response.status == 400


async def test_an_uploaded_file_reaches_the_bot_and_is_listed_back(tab, playground):
    await walk_to_attachments(tab)
    sent = await tab.upload(
        [("error.log", b"ERROR 502 Bad Gateway from upstream\n" * 20, "text/plain")]
    )
    assert sent[0]["kind"] == "document"
    assert sent[0]["file"]["name"] == "error.log"
    ack = await tab.wait_for("error.log")
    assert ack["from_bot"]
    data = await tab.client.get(tab.path(f"/files/{sent[0]['file']['id']}"))
    assert data.status == 200
    assert (await data.read()).startswith(b"ERROR 502")
    assert "attachment" in data.headers["Content-Disposition"]


async def test_photos_go_as_photos_and_several_files_as_one_album(tab):
    photo = (
        await tab.upload(
            [("shot.png", TINY_PNG, "image/png")], kind="photo", caption="the error page"
        )
    )[0]
    assert photo["kind"] == "photo"
    assert plain(photo) == "the error page"
    image = await tab.client.get(tab.path(f"/files/{photo['file']['id']}"))
    assert image.headers["Content-Type"] == "image/png"

    album = await tab.upload(
        [("a.png", TINY_PNG, "image/png"), ("notes.txt", b"hello", "text/plain")], kind="photo"
    )
    assert [m["kind"] for m in album] == ["photo", "document"]
    assert album[0]["media_group_id"] and album[0]["media_group_id"] == album[1]["media_group_id"]


async def test_a_file_of_another_chat_is_not_served(client, tab):
    other = await WebChat.open(client, "en")
    try:
        mine = (await tab.upload([("secret.txt", b"mine", "text/plain")]))[0]
        response = await client.get(other.path(f"/files/{mine['file']['id']}"))
        assert response.status == 404
    finally:
        await other.close()


async def test_an_uploaded_html_file_is_only_ever_a_download_in_a_sandbox(tab):
    sent = (await tab.upload([("page.html", b"<script>alert(1)</script>", "text/html")]))[0]
    response = await tab.client.get(tab.path(f"/files/{sent['file']['id']}"))
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["Content-Security-Policy"]


async def test_text_that_looks_like_html_is_shown_as_text(tab):
    sent = await tab.send('<script>alert("x")</script> <b>bold?</b>')
    assert "<script>" not in sent["html"] and "<b>" not in sent["html"]
    assert plain(sent) == '<script>alert("x")</script> <b>bold?</b>'


async def test_the_command_menu_is_the_bots_in_the_persons_app_language(client, tab):
    await tab.send("/start")
    await tab.wait_for("Hello")
    english = (await (await client.get(tab.path("/commands"))).json())["commands"]
    assert {"command": "start", "description": "Open a new support request"} in english
    chinese_tab = await WebChat.open(client, "zh")
    try:
        chinese = (await (await client.get(chinese_tab.path("/commands"))).json())["commands"]
    finally:
        await chinese_tab.close()
    assert [c["command"] for c in chinese] == [c["command"] for c in english]
    assert chinese != english


async def test_an_unknown_chat_key_is_a_404_so_the_page_starts_a_new_chat(client):
    response = await client.get("/api/chats/not-a-key")
    assert response.status == 404
    assert (await response.json()) == {"error": "unknown chat"}


async def test_only_english_and_chinese_apps_are_simulated(client):
    response = await client.post("/api/users", json={"language": "fr"})
    assert response.status == 400


async def test_blank_text_and_buttons_that_are_not_there_are_refused(tab):
    blank = await tab.client.post(tab.path("/messages"), json={"text": "   "})
    assert blank.status == 400
    await tab.send("/start")
    greeting = await tab.wait_for_button(EN["start"])
    forged = await tab.client.post(
        tab.path("/taps"), json={"message_id": greeting["id"], "data": "made-up"}
    )
    assert forged.status == 404


async def test_the_chat_page_and_its_scripts_are_served_with_a_strict_policy(client):
    page = await client.get("/")
    assert page.status == 200
    body = await page.text()
    assert '<script src="/static/chat.js"' in body
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for asset in ("chat.js", "sanitize.js", "chat.css", "favicon.svg"):
        assert (await client.get(f"/static/{asset}")).status == 200


async def test_the_staff_app_is_mounted_under_staff_with_its_own_headers(client):
    home = await client.get("/staff/", allow_redirects=False)
    assert home.status == 303
    assert home.headers["Location"].startswith("/staff/sign-in")
    sign_in = await client.get("/staff/sign-in")
    assert sign_in.status == 200
    assert "form-action 'self'" in sign_in.headers["Content-Security-Policy"]
    bare = await client.get("/staff", allow_redirects=False)
    assert bare.headers["Location"] == "/staff/"
