"""Bad input at any step: a short explanation in the user's language, the same step again,
never a crash and never a lost draft."""

import pytest

from intake.bot.keyboards import Pick
from tests.e2e.steps import EN, reach_step


async def expect_same_step(user, question: str) -> None:
    await user.wait_for(question, new=True)


async def test_a_sticker_is_explained_and_the_question_asked_again(intake):
    user = intake.user()
    await reach_step(user, "browser_version")
    await user.send_sticker()
    await user.wait_for("Stickers can't be used here", new=True)
    await expect_same_step(user, "Which version of Chrome")


@pytest.mark.parametrize(
    "send, explanation",
    [
        (lambda u: u.send_voice(), "voice or audio"),
        (lambda u: u.send_location(), "location"),
        (lambda u: u.send_contact(), "contact"),
        (lambda u: u.send_photo(), "text answer"),
        (lambda u: u.send_document(b"log", "app.log", "text/plain"), "text answer"),
    ],
    ids=["voice", "location", "contact", "photo", "document"],
)
async def test_non_text_where_text_is_expected(intake, send, explanation):
    user = intake.user()
    await reach_step(user, "summary")
    await send(user)
    await user.wait_for(explanation, new=True)
    await expect_same_step(user, EN["summary"])


async def test_a_10000_character_summary_is_refused_with_the_limit(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("x" * 4000, split_long=False)
    await user.wait_for("please keep it to 120 at most", new=True)
    await expect_same_step(user, EN["summary"])


async def test_a_10000_character_message_in_the_description_is_kept_whole(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap(lambda b: "Description" in b.text)
    await user.wait_for(EN["description"], new=True)
    await user.send_text("y" * 10_000)  # a Telegram app sends it as three messages
    await user.wait_for("Received so far: 4", timeout=10)


async def test_a_blank_answer_is_refused(intake):
    user = intake.user()
    await reach_step(user, "browser_version")
    await user.send_text("not a version")
    await user.wait_for("does not look like a version number", new=True)
    await expect_same_step(user, "Which version of Chrome")


async def test_a_button_from_an_old_message_is_explained(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"])
    browser_prompt = user.last_bot_message
    old_chrome_button = browser_prompt.find_button("Chrome").callback_data
    await user.tap("Firefox", message=browser_prompt)
    await user.wait_for(EN["version"])
    await user.tap_data(browser_prompt.message_id, old_chrome_button)  # now an old button
    await user.wait_for("earlier message", new=True)
    await expect_same_step(user, "Which version of Firefox")


async def test_tampered_callback_data_is_answered_and_the_step_repeated(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export fails")
    prompt = await user.wait_for(EN["browser"])
    tap = await user.tap_data(prompt.message_id, "pick:browser:<script>")
    await user.wait_for("no longer works", new=True)
    assert (await tap.answer()) is not None
    tap = await user.tap_data(prompt.message_id, "\x00garbage\xff")
    assert (await tap.answer()) is not None
    await expect_same_step(user, EN["browser"])
    too_long = Pick(step="browser", value="Chrome").pack()
    assert len(too_long.encode()) <= 64


async def test_an_unknown_command_is_explained(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_command("/frobnicate")
    await user.wait_for("/help lists", new=True)
    await expect_same_step(user, EN["summary"])


async def test_every_button_is_answered_exactly_once(intake):
    user = intake.user()
    await reach_step(user, "review")
    answered = [a.query_id for a in user.callback_answers]
    assert len(answered) == len(set(answered))


async def test_an_album_at_a_text_step_is_explained_once(intake):
    from intake.emulator.users import Photo

    user = intake.user()
    await reach_step(user, "summary")
    before = len(user.bot_messages)
    await user.send_album([Photo(b"\x89PNG one"), Photo(b"\x89PNG two"), Photo(b"\x89PNG three")])
    await user.wait_for("text answer", new=True)
    await intake.emulator.settle()
    explanations = [m for m in user.bot_messages[before:] if "text answer" in (m.text or "")]
    assert len(explanations) == 1


async def test_the_summary_is_on_the_conversation_before_the_ticket_is_sent(intake):
    user = intake.user()
    await reach_step(user, "browser_version")
    row = next(intake.services.db.query("SELECT summary, status FROM conversations"))
    assert row == {"summary": "Export to CSV fails with an error", "status": "in_progress"}
