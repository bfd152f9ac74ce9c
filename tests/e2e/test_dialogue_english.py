"""The whole intake in English, as a Telegram user lives it."""

from intake.storage import tickets as store
from tests.e2e.steps import EN, complete_intake, reach_step


async def test_a_user_completes_the_intake_and_gets_a_receipt(intake):
    user = intake.user(language_code="en")
    receipt = await complete_intake(user)
    assert "OS-000001" in receipt
    assert "Emergency" in receipt
    ticket = store.get_ticket(intake.services.db, 1)
    assert ticket is not None
    assert ticket.summary == "Orangesky shows 502 errors for all users"
    assert ticket.impact == "emergency"


async def test_clearing_the_description_keeps_only_what_follows(intake):
    """The button says what it clears: the description, not the whole request."""
    user = intake.user(language_code="en")
    await reach_step(user, "description")
    await user.send_text("First try, with a typo.")
    await user.wait_for("Received so far: 1 message", new=True)
    await user.send_text("More of the first try.")
    await user.wait_for("Received so far: 2 messages", new=True)
    await user.tap("🗑 Clear description")
    await user.wait_for(lambda m: EN["description"] in (m.text or "") and "Received" not in m.text)
    await user.send_text("Every page returns 502 since 9:00.")
    await user.wait_for("Received so far: 1 message", new=True)
    await user.send_command("/status")
    shown = await user.wait_for("Summary:", new=True)
    assert "Every page returns 502" in shown.text and "First try" not in shown.text
