"""The whole intake in English, as a Telegram user lives it."""

from intake.storage import tickets as store
from tests.e2e.steps import complete_intake


async def test_a_user_completes_the_intake_and_gets_a_receipt(intake):
    user = intake.user(language_code="en")
    receipt = await complete_intake(user)
    assert "OS-000001" in receipt
    assert "Emergency" in receipt
    ticket = store.get_ticket(intake.services.db, 1)
    assert ticket is not None
    assert ticket.summary == "Orangesky shows 502 errors for all users"
    assert ticket.impact == "emergency"
