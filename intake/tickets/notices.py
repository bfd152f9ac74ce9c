"""What the customer is told about their ticket's filing, in their language.

The Telegram notifier (the bot's edge) sends these; the texts live here so the outbox and the
dialogue say the same thing. Plain Python: msgids go through ``intake.i18n.gettext`` with
``{named}`` placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from intake.i18n import N_, gettext
from intake.impact.levels import ImpactLevel
from intake.tickets.redmine.render import FALLBACK_UNKNOWN_LOGIN, format_size

if TYPE_CHECKING:  # the storage row and filing result are data; no import cost at run time
    from intake.storage.tickets import TicketRow

CHANNEL = "Orangesky Lab Support"  # a proper name: the same in every language

FILED = N_("Your ticket {receipt} is filed in Redmine as issue #{issue_id}:\n{url}")
FILED_AS_SERVICE = N_(
    "We could not file it under your Redmine account {login}: that login is unknown or "
    "locked. Our support account filed it for you, with your name on it."
)
NOT_UPLOADED = N_(
    "Redmine did not accept these files (too large, or a type it refuses); they are listed "
    "on the issue but not attached: {files}. Please share them another way if the engineer "
    "needs them."
)
DELAYED = N_(
    "Redmine is not answering right now. Your ticket {receipt} is safely queued and will be "
    "filed automatically; we will send you the issue number here."
)
CONFIG_DELAYED = N_(
    "Your ticket {receipt} is safely queued, but filing it in Redmine is delayed by a problem "
    "on our side that our team has been told about. It will be filed automatically; we will "
    "send you the issue number here."
)
DELAYED_EMERGENCY = N_(
    'Because this is an Emergency, please also post in the Telegram channel "{channel}" '
    "and mention {receipt}, so the on-call engineer sees it at once."
)
FAILED = N_(
    "We could not file your ticket {receipt} in Redmine. Redmine said: {reason}. Our team "
    'has been told. If it is urgent, please write in the Telegram channel "{channel}" and '
    "mention {receipt}."
)
LOGIN_UNKNOWN = N_(
    "Redmine has no active account with the login {login}. Check the spelling, or skip this "
    "step: we will file the ticket for you and name you in it."
)
LOGIN_LINKED = N_("Linked: your ticket will be filed under your Redmine account {login}.")
LOGIN_UNCHECKED = N_(
    "We cannot check Redmine logins right now. We will try to file the ticket under {login}; "
    "if that does not work, our support account files it with your name on it."
)
REGISTER = N_(
    "No account is needed: we will file the ticket for you. To follow it in Redmine "
    "yourself, create an account at {url} and link your login next time."
)
TOO_LARGE = N_(
    "{file_name} is {size}, more than the {limit} Redmine accepts. It will be listed on the "
    "ticket but not attached; please share it another way if the engineer needs it."
)
FOLLOWUP_NOTE = N_("Got it: this goes to issue #{issue_id} (your ticket {receipt}).")
FOLLOWUP_FILE = N_("Got it: {file_name} goes to issue #{issue_id} (your ticket {receipt}).")
FOLLOWUP_QUEUED = N_(
    "Got it: this goes to your ticket {receipt}. It reaches Redmine as soon as the ticket "
    "is filed there; nothing is lost meanwhile."
)
FOLLOWUP_FILE_QUEUED = N_(
    "Got it: {file_name} goes to your ticket {receipt}. It reaches Redmine as soon as the "
    "ticket is filed there; nothing is lost meanwhile."
)


class FilingOutcome(Protocol):
    """What the notice reads of a filing result (read-only, so frozen dataclasses qualify)."""

    @property
    def issue_id(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def fallback(self) -> str | None: ...
    @property
    def not_uploaded(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Filed:
    """What the "filed" notice needs of a filing result, as the outbox stored it."""

    issue_id: int
    url: str
    fallback: str | None = None
    not_uploaded: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Filed:
        return cls(
            int(data["issue_id"]),
            str(data["url"]),
            data.get("fallback"),
            tuple(data.get("not_uploaded") or ()),
        )


# Redmine's standard statuses, so a customer reads them in their language; a status an
# installation added itself is shown as Redmine names it.
REDMINE_STATUSES = {
    "New": N_("New"),
    "In Progress": N_("In Progress"),
    "Resolved": N_("Resolved"),
    "Feedback": N_("Feedback"),
    "Closed": N_("Closed"),
    "Rejected": N_("Rejected"),
}


def status_name(locale: str, name: str) -> str:
    msgid = REDMINE_STATUSES.get(name)
    return gettext(locale, msgid) if msgid else name


def filed_message(ticket: TicketRow, result: FilingOutcome, login: str | None = None) -> str:
    """The issue number and link; and why it is not under their account, when it is not."""
    locale = ticket.language
    parts = [
        gettext(locale, FILED, receipt=ticket.receipt, issue_id=result.issue_id, url=result.url)
    ]
    if result.fallback == FALLBACK_UNKNOWN_LOGIN:
        login = login or ticket.draft.redmine_login or "?"
        parts.append(gettext(locale, FILED_AS_SERVICE, login=login))
    if result.not_uploaded:
        parts.append(gettext(locale, NOT_UPLOADED, files=", ".join(result.not_uploaded)))
    return "\n\n".join(parts)


def delayed_message(ticket: TicketRow, *, config: bool = False) -> str:
    """Honest about why: Redmine not answering, or a configuration problem on our side."""
    locale = ticket.language
    text = gettext(locale, CONFIG_DELAYED if config else DELAYED, receipt=ticket.receipt)
    if ticket.impact == ImpactLevel.EMERGENCY:
        text += "\n\n" + gettext(
            locale, DELAYED_EMERGENCY, channel=CHANNEL, receipt=ticket.receipt
        )
    return text


def failed_message(ticket: TicketRow, reason: str) -> str:
    return gettext(ticket.language, FAILED, receipt=ticket.receipt, reason=reason, channel=CHANNEL)


def login_message(locale: str, login: str, known: bool | None) -> str:
    """After ``check_login``: True linked, False unknown, None cannot tell."""
    if known is True:
        return gettext(locale, LOGIN_LINKED, login=login)
    if known is False:
        return gettext(locale, LOGIN_UNKNOWN, login=login)
    return gettext(locale, LOGIN_UNCHECKED, login=login)


def register_message(locale: str, url: str) -> str:
    return gettext(locale, REGISTER, url=url)


def too_large_message(locale: str, file_name: str, size: int, limit: int) -> str:
    return gettext(
        locale, TOO_LARGE, file_name=file_name, size=format_size(size), limit=format_size(limit)
    )


def followup_message(
    locale: str, receipt: str, issue_id: int | None, file_name: str | None = None
) -> str:
    """Said at once when a follow-up is queued for the issue (Redmine may be down)."""
    if issue_id is None:
        if file_name:
            return gettext(locale, FOLLOWUP_FILE_QUEUED, file_name=file_name, receipt=receipt)
        return gettext(locale, FOLLOWUP_QUEUED, receipt=receipt)
    if file_name:
        return gettext(
            locale, FOLLOWUP_FILE, file_name=file_name, issue_id=issue_id, receipt=receipt
        )
    return gettext(locale, FOLLOWUP_NOTE, issue_id=issue_id, receipt=receipt)
