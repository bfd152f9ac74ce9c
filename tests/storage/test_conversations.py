"""The conversation's status has one writer: intake.storage.conversations."""

import pytest

from intake.storage import conversations, users


def _conversation(db) -> int:
    users.touch_user(db, 7, language_code="en")
    return conversations.start_conversation(db, 7, 7, "en")


def _row(db, conversation_id: int) -> dict:
    return db["conversations"].get(conversation_id)


def test_an_update_cannot_set_the_status(fresh_db):
    conversation_id = _conversation(fresh_db)
    with pytest.raises(ValueError, match="status"):
        conversations.update_conversation(fresh_db, conversation_id, status="cancelled")
    conversations.update_conversation(fresh_db, conversation_id, summary="Cannot sign in")
    assert _row(fresh_db, conversation_id)["status"] == "in_progress"


@pytest.mark.parametrize("status", ["cancelled", "solved"])
def test_a_dialogue_ends_without_a_ticket(fresh_db, status):
    conversation_id = _conversation(fresh_db)
    conversations.end_conversation(fresh_db, conversation_id, status)
    row = _row(fresh_db, conversation_id)
    assert row["status"] == status
    assert row["ended_at"] == row["updated_at"]


def test_only_a_ticket_submits_a_conversation(fresh_db):
    conversation_id = _conversation(fresh_db)
    with pytest.raises(ValueError):
        conversations.end_conversation(fresh_db, conversation_id, "submitted")
    conversations.submitted(
        fresh_db, conversation_id, "stored", "2026-12-02T10:00:00.000000+00:00"
    )
    row = _row(fresh_db, conversation_id)
    assert (row["status"], row["ended_at"]) == ("submitted", "2026-12-02T10:00:00.000000+00:00")


def test_timestamps_have_one_precision(fresh_db):
    conversation_id = _conversation(fresh_db)
    row = _row(fresh_db, conversation_id)
    # db.iso: microseconds and the UTC offset, fixed width, so text order is time order.
    assert len(row["started_at"]) == len("2026-12-02T10:00:00.000000+00:00")
    assert row["started_at"].endswith("+00:00")
