"""What the dialogue collects: one ticket draft, plain data that survives JSON round trips.

The draft lives in the FSM data between steps (so a restart resumes it) and is frozen
into the tickets table on submit. Nothing here knows about Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SUMMARY_MAX = 120
FIELD_MAX = 200
DESCRIPTION_MAX = 20_000


@dataclass
class AttachmentRef:
    """An attachment as the draft sees it: the row id in storage plus what to show back."""

    attachment_id: int
    file_name: str
    size: int | None = None
    mime_type: str | None = None
    verdict: str = "pending"  # pending | accepted | refused | unchecked
    photo: bool = False  # sent as a photo: its name is ours ("photo_12.jpg"), not the customer's


@dataclass
class TicketDraft:
    summary: str = ""
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    product_version: str = ""
    extra: str = ""
    impact: str = ""  # one of intake.impact.levels level keys
    impact_suggested: str = ""  # what the questions or the user's words suggested
    impact_reason: str = ""  # why the user chose another level than suggested
    impact_answers: dict[str, str] = field(default_factory=dict)
    description: list[str] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    redmine_login: str = ""

    def to_dict(self) -> dict[str, Any]:
        """What ``asdict`` gives, without its deep copy: saved on every answer."""
        data = dict(self.__dict__)
        data["impact_answers"] = dict(self.impact_answers)
        data["description"] = list(self.description)
        data["attachments"] = [
            dict(a.__dict__) if isinstance(a, AttachmentRef) else dict(a) for a in self.attachments
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TicketDraft:
        """Tolerates unknown and missing keys so that old stored drafts keep loading."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["attachments"] = [
            a if isinstance(a, AttachmentRef) else AttachmentRef(**a)
            for a in kwargs.get("attachments", [])
        ]
        return cls(**kwargs)

    @property
    def description_text(self) -> str:
        return "\n\n".join(self.description)

    @property
    def environment_line(self) -> str:
        """Browser and OS in one line, e.g. 'Firefox 121 on Ubuntu 22.04'."""
        browser = " ".join(p for p in (self.browser, self.browser_version) if p)
        system = " ".join(p for p in (self.os, self.os_version) if p)
        return " / ".join(p for p in (browser, system) if p)
