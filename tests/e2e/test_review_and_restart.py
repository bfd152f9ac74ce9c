"""The review card edits any field and comes back; a restart resumes where the user was."""

from intake.storage import tickets as store
from tests.e2e.steps import EN, ZH, reach_step


async def test_editing_a_field_from_the_review_returns_to_the_review(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "review")
    await user.tap(lambda b: "Summary" in b.text)
    await user.wait_for(EN["summary"], new=True)
    await user.send_text("CSV export fails for reports over 10k rows")
    review = await user.wait_for(EN["review"], new=True)
    assert "CSV export fails for reports over 10k rows" in review.text
    assert "Chrome 120.0.6099.109" in review.text


async def choose_low_impact_from_the_review(user) -> None:
    """Review -> Edit impact -> another level (Low) -> the reason -> back at the review."""
    await reach_step(user, "review")
    await user.tap(lambda b: "Impact" in b.text)
    await user.wait_for("Your impact level", new=True)
    await user.tap("Choose another level")
    await user.wait_for("Choose the level that fits best")
    await user.tap("Low Impact")
    await user.wait_for("why", new=True)
    await user.send_text("We can wait until next week")
    await user.wait_for(EN["review"], new=True)


async def test_editing_the_impact_with_another_level_asks_why_and_keeps_both(intake):
    user = intake.user(language_code="en")
    await choose_low_impact_from_the_review(user)
    await user.tap(lambda b: EN["confirm"] in b.text)
    await user.wait_for("OS-", timeout=10)
    ticket = store.get_ticket(intake.services.db, 1)
    assert ticket.impact == "low"
    assert ticket.impact_suggested == "medium"
    assert ticket.impact_reason == "We can wait until next week"


async def test_a_restart_mid_dialogue_continues_at_the_same_step(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "browser_version")
    await intake.restart()
    await user.send_text("120.0")
    await user.wait_for(EN["os"], new=True)
    await intake.restart()
    await user.send_command("/status")
    status = await user.wait_for("What I have so far", new=True)
    assert "Export to CSV fails with an error" in status.text
    assert "Chrome 120.0" in status.text


async def test_start_during_a_dialogue_asks_before_dropping_the_draft(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "browser_version")
    await user.send_command("/start")
    await user.wait_for("Start over and discard", new=True)
    await user.tap("Continue")
    await user.wait_for("Which version of Chrome", new=True)


def conversation_status(intake, conversation_id: int) -> str:
    return intake.services.db["conversations"].get(conversation_id)["status"]


async def test_start_over_discards_the_draft_and_begins_again(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "browser_version")
    prompt = user.last_bot_message
    await user.send_command("/start")
    question = await user.wait_for("Start over and discard", new=True)
    await user.tap("Start over")
    welcome = await user.wait_for(lambda m: any(EN["start"] in t for t in m.button_texts))
    assert welcome.message_id == question.message_id  # the question became the welcome
    await intake.emulator.settle()
    assert not user.chat.messages[prompt.message_id].buttons
    assert conversation_status(intake, 1) == "cancelled"


async def test_cancel_leaves_no_live_buttons_on_the_dropped_request(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "summary", ZH)
    await user.send_text("导出报表时出现错误")
    prompt = await user.wait_for(ZH["browser"], new=True)
    offer = next(m for m in user.bot_messages if any("继续提交工单" in t for t in m.button_texts))
    await user.send_command("/cancel")
    await user.wait_for("/start", new=True)
    await intake.emulator.settle()
    assert not user.chat.messages[prompt.message_id].buttons
    assert not user.chat.messages[offer.message_id].buttons


async def test_an_old_start_over_cannot_discard_a_later_request(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "browser_version")
    await user.send_command("/start")
    old_question = await user.wait_for("Start over and discard", new=True)
    await user.send_command("/start")
    question = await user.wait_for("Start over and discard", new=True)
    await user.tap("Start over", message=question)
    await user.wait_for(lambda m: any(EN["start"] in t for t in m.button_texts))
    await user.tap(lambda b: EN["start"] in b.text)
    await user.wait_for(EN["summary"])
    await user.send_text("A later problem")
    await user.wait_for(EN["browser"], new=True)
    await user.tap("Start over", message=old_question)
    await user.wait_for("That button is from an earlier message", new=True)
    assert conversation_status(intake, 2) == "in_progress"
    await user.tap("Firefox")
    await user.wait_for("Which version of Firefox", new=True)


async def test_a_level_chosen_over_the_suggestion_shows_its_response_time_on_the_review(intake):
    user = intake.user(language_code="en")
    await choose_low_impact_from_the_review(user)
    review = user.last_bot_message
    assert "Impact: Low Impact (first response within 24 hours)" in review.text


async def test_confirming_the_impact_again_keeps_the_chosen_level_and_reason(intake):
    """Regression: the card showed, and Confirm restored, the suggested level."""
    user = intake.user(language_code="en")
    await choose_low_impact_from_the_review(user)
    await user.tap(lambda b: "Impact" in b.text)
    card = await user.wait_for("Your impact level", new=True)
    assert "Low Impact" in card.text
    await user.tap("✅ Confirm")
    review = await user.wait_for(EN["review"], new=True)
    assert "Impact: Low Impact" in review.text
    await user.tap(lambda b: EN["confirm"] in b.text)
    await user.wait_for("OS-", timeout=10)
    ticket = store.get_ticket(intake.services.db, 1)
    assert (ticket.impact, ticket.impact_reason) == ("low", "We can wait until next week")


async def test_with_nothing_left_to_check_the_card_becomes_the_receipt_at_once(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "review")
    review = user.last_bot_message
    shown = review.version
    await user.tap(lambda b: EN["confirm"] in b.text)
    receipt = await user.wait_for("OS-000001")
    assert receipt.message_id == review.message_id
    assert receipt.version == shown + 1  # one edit: no "⏳ Sending…" flashed in between
