"""Which of an issue's journals the customer hears about, and what exactly.

A journal is one save of the issue in Redmine: a note, field changes, new files, or several at
once. The customer hears of a journal when someone on staff wrote it and it is public:
- its note (never one with ``private_notes``: then nothing of the journal is told at all);
- a new status (the status is a standard field, never private);
- the files attached in it.
Other field changes are not told (some may be private custom fields). Journals by the bot's own
account, or by the customer's linked account (the issue's author when that is not the bot), are
the customer's own follow-ups and are never echoed back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

RESOLVED_NAMES = frozenset({"resolved"})


@dataclass(frozen=True)
class Status:
    id: int
    name: str
    is_closed: bool = False

    @property
    def settled(self) -> bool:
        """Resolved or closed: the moment to ask the customer how it went."""
        return self.is_closed or self.name.strip().lower() in RESOLVED_NAMES


@dataclass(frozen=True)
class StaffFile:
    id: int
    filename: str
    filesize: int
    content_type: str
    content_url: str


@dataclass(frozen=True)
class JournalUpdate:
    """What one journal tells the customer (stored as the outbox item's payload)."""

    issue_id: int
    journal_id: int
    created_on: str
    author: str
    notes: str | None = None
    status: Status | None = None
    files: tuple[StaffFile, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.notes and self.status is None and not self.files

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JournalUpdate:
        status = data.get("status")
        return cls(
            issue_id=int(data["issue_id"]),
            journal_id=int(data["journal_id"]),
            created_on=str(data.get("created_on") or ""),
            author=str(data.get("author") or ""),
            notes=data.get("notes"),
            status=Status(**status) if status else None,
            files=tuple(StaffFile(**f) for f in data.get("files") or ()),
        )


def own_accounts(issue: Mapping[str, Any], bot_user_id: int) -> frozenset[int]:
    """Accounts whose journals are the customer's own: the bot's, and the linked customer's
    (the author, when the bot filed the issue as them)."""
    author = int((issue.get("author") or {}).get("id") or 0)
    return frozenset({bot_user_id, author}) if author else frozenset({bot_user_id})


def staff_updates(
    issue: Mapping[str, Any],
    *,
    bot_user_id: int,
    statuses: Mapping[int, Status],
) -> list[JournalUpdate]:
    """The journals of ``issue`` (read with ``include=journals,attachments``) to tell, in order.

    Journals that tell nothing (only other fields changed) are left out.
    """
    issue_id = int(issue["id"])
    own = own_accounts(issue, bot_user_id)
    attachments = {int(a["id"]): a for a in issue.get("attachments") or ()}
    found = []
    for journal in issue.get("journals") or ():
        user = journal.get("user") or {}
        if int(user.get("id") or 0) in own or journal.get("private_notes"):
            continue
        status, files = None, []
        for detail in journal.get("details") or ():
            prop, name = detail.get("property"), str(detail.get("name"))
            if prop == "attr" and name == "status_id" and detail.get("new_value"):
                new = int(detail["new_value"])
                status = statuses.get(new) or Status(new, str(new))
            elif prop == "attachment" and detail.get("new_value"):
                attachment = attachments.get(int(name)) if name.isdigit() else None
                if attachment is not None:  # deleted since: nothing to send
                    files.append(
                        StaffFile(
                            id=int(attachment["id"]),
                            filename=str(attachment.get("filename") or "file"),
                            filesize=int(attachment.get("filesize") or 0),
                            content_type=str(attachment.get("content_type") or ""),
                            content_url=str(attachment.get("content_url") or ""),
                        )
                    )
        notes = (journal.get("notes") or "").strip() or None
        update = JournalUpdate(
            issue_id=issue_id,
            journal_id=int(journal["id"]),
            created_on=str(journal.get("created_on") or ""),
            author=str(user.get("name") or ""),
            notes=notes,
            status=status,
            files=tuple(files),
        )
        if not update.empty:
            found.append(update)
    return found


def current_status(issue: Mapping[str, Any]) -> Status | None:
    status = issue.get("status")
    if not status:
        return None
    return Status(int(status["id"]), str(status.get("name") or ""), bool(status.get("is_closed")))
