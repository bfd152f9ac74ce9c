"""Which journals the customer hears of, decided from Redmine's JSON alone."""

from __future__ import annotations

from intake.tickets.redmine.journals import JournalUpdate, Status, staff_updates
from intake.tickets.updates import status_message

BOT, CUSTOMER, ENGINEER = 1, 6, 9
STATUSES = {2: Status(2, "In Progress"), 3: Status(3, "Resolved"), 5: Status(5, "Closed", True)}


def journal(jid: int, user: int, notes: str = "", private: bool = False, details=()):
    return {
        "id": jid,
        "user": {"id": user, "name": f"User {user}"},
        "notes": notes,
        "private_notes": private,
        "created_on": "2026-12-02T10:00:00Z",
        "details": list(details),
    }


def issue(*journals, author: int = BOT, attachments=()):
    return {
        "id": 45,
        "author": {"id": author},
        "journals": list(journals),
        "attachments": list(attachments),
    }


def status_detail(new: int):
    return {"property": "attr", "name": "status_id", "old_value": "1", "new_value": str(new)}


def test_only_public_staff_journals_are_told():
    found = staff_updates(
        issue(
            journal(1, ENGINEER, "Public answer"),
            journal(2, ENGINEER, "Internal", private=True, details=[status_detail(2)]),
            journal(3, BOT, "The customer's follow-up"),
            journal(4, CUSTOMER, "Written as the linked customer"),
            author=CUSTOMER,
        ),
        bot_user_id=BOT,
        statuses=STATUSES,
    )
    assert [u.journal_id for u in found] == [1]


def test_other_field_changes_private_or_not_are_never_told():
    found = staff_updates(
        issue(
            journal(
                1,
                ENGINEER,
                details=[
                    {"property": "cf", "name": "7", "old_value": "a", "new_value": "secret"},
                    {
                        "property": "attr",
                        "name": "assigned_to_id",
                        "old_value": None,
                        "new_value": "9",
                    },
                ],
            )
        ),
        bot_user_id=BOT,
        statuses=STATUSES,
    )
    assert found == []


def test_status_files_and_notes_of_one_journal_are_told_together():
    attachments = [
        {
            "id": 11,
            "filename": "fix.sql",
            "filesize": 40,
            "content_type": "text/plain",
            "content_url": "http://rm/attachments/download/11/fix.sql",
        }
    ]
    [update] = staff_updates(
        issue(
            journal(
                1,
                ENGINEER,
                "Done",
                details=[
                    status_detail(5),
                    {
                        "property": "attachment",
                        "name": "11",
                        "old_value": None,
                        "new_value": "fix.sql",
                    },
                    {
                        "property": "attachment",
                        "name": "12",
                        "old_value": None,
                        "new_value": "gone.txt",
                    },
                ],
            ),
            attachments=attachments,
        ),
        bot_user_id=BOT,
        statuses=STATUSES,
    )
    assert update.notes == "Done" and update.status == Status(5, "Closed", True)
    assert [f.filename for f in update.files] == ["fix.sql"]  # 12 was deleted since
    assert JournalUpdate.from_dict(update.to_dict()) == update
    assert update.status.settled and Status(3, "Resolved").settled
    assert not Status(2, "In Progress").settled


def test_an_unknown_status_is_shown_as_named_and_standard_ones_translated():
    update = JournalUpdate(45, 1, "", "Jane", status=Status(9, "Waiting for vendor"))
    zh = status_message("zh_Hans", update, receipt="OS-000001", url="http://rm/issues/45")
    assert "<b>Waiting for vendor</b>" in zh
    resolved = JournalUpdate(45, 1, "", "Jane", status=STATUSES[3])
    assert "<b>已解决</b>" in status_message(
        "zh_Hans", resolved, receipt="OS-000001", url="http://rm/issues/45"
    )
