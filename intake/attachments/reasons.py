"""The attachment check's vocabulary: its outcomes and every reason code a verdict carries.

Stored in the attachments table and read by the customer's messages
(``intake.attachments.messages``), the staff page (``intake.staff.present``) and Redmine's
attachment table, so one enum names them all.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    UNCHECKED = "unchecked"


class Reason(StrEnum):
    # accepted
    ENGLISH = "english"
    NO_TEXT = "no_text"
    UNDETERMINED = "undetermined"
    # refused
    NOT_ENGLISH = "not_english"
    # unchecked: what the file is or what reading it ran into (intake.attachments)
    AUDIO = "audio"
    VIDEO = "video"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"
    OCR_UNAVAILABLE = "ocr_unavailable"
    TIMEOUT = "timeout"
    MISSING = "missing"
    # unchecked: the bot's own failures around a check (intake/bot/attachment_work.py)
    DOWNLOAD_FAILED = "download_failed"
    ERROR = "error"


# Which reasons go with which outcome; every Reason is in exactly one.
REASONS: dict[Outcome, tuple[Reason, ...]] = {
    Outcome.ACCEPTED: (Reason.ENGLISH, Reason.NO_TEXT, Reason.UNDETERMINED),
    Outcome.REFUSED: (Reason.NOT_ENGLISH,),
    Outcome.UNCHECKED: (
        Reason.AUDIO,
        Reason.VIDEO,
        Reason.CORRUPT,
        Reason.ENCRYPTED,
        Reason.TOO_LARGE,
        Reason.UNSUPPORTED,
        Reason.OCR_UNAVAILABLE,
        Reason.TIMEOUT,
        Reason.MISSING,
        Reason.DOWNLOAD_FAILED,
        Reason.ERROR,
    ),
}


def sent_with_ticket(verdict: str | None) -> bool:
    """Whether a file goes to the ticket (Redmine): only one the check found English, or with
    nothing to judge. A refused file is not in English; an unchecked (or still pending) one may
    not be, and its customer was asked to send something else. Both stay in the record."""
    return verdict == Outcome.ACCEPTED
