"""What the customer reads when their ticket changes in Redmine, in their current language.

Our own words go through gettext; staff's words (a name, a file name) enter them through
``intake.telegram_html.fill``, escaped, and a note is converted from Redmine's formatting by
``intake.tickets.redmine.markup``. Standard Redmine status names are translated; a status an
installation added is shown as it is named there.
"""

from __future__ import annotations

from intake.i18n import N_, gettext
from intake.telegram_html import fill, html
from intake.tickets import notices
from intake.tickets.redmine.journals import JournalUpdate, StaffFile
from intake.tickets.redmine.markup import Formatting, split_html, to_telegram_blocks
from intake.tickets.redmine.render import format_size

# Telegram's limit for a file a bot sends; larger files are offered as a link.
SEND_LIMIT = 50 * 1024 * 1024

NOTE = N_("{author} wrote on your ticket {ticket}:")
NOTE_CONTINUED = N_("(continued)")
STATUS = N_("{ticket} is now {status}.")
FILE = N_("{author} attached {file_name} to {ticket}.")
FILE_TOO_LARGE = N_(
    "{author} attached {file_name} ({size}) to {ticket}. It is too large to send here; "
    "open it in Redmine: {url}"
)
STAFF = N_("Support")  # when Redmine gives no name for the author


def ticket_link(receipt: str, issue_id: int, url: str) -> str:
    """``OS-000123 / #45``, the issue number linked (HTML)."""
    return fill(
        '{receipt} / <a href="{url}">#{issue}</a>', receipt=receipt, url=url, issue=issue_id
    )


def _bold(text: str) -> str:
    return fill("<b>{text}</b>", text=text)


def note_messages(
    locale: str,
    update: JournalUpdate,
    *,
    receipt: str,
    url: str,
    formatting: Formatting,
    limit: int = 4096,
) -> list[str]:
    """The note as one or more messages under Telegram's limit; the first names who and where."""
    head = fill(
        gettext(locale, NOTE),
        author=html(_bold(update.author or gettext(locale, STAFF))),
        ticket=html(ticket_link(receipt, update.issue_id, url)),
    )
    blocks = [head, "", *to_telegram_blocks(update.notes or "", formatting)]
    messages = split_html(blocks, limit)
    more = fill("<i>{more}</i>", more=gettext(locale, NOTE_CONTINUED))
    return [messages[0], *(f"{more}\n{m}" for m in messages[1:])] if messages else []


def status_message(locale: str, update: JournalUpdate, *, receipt: str, url: str) -> str:
    assert update.status is not None
    return fill(
        gettext(locale, STATUS),
        ticket=html(ticket_link(receipt, update.issue_id, url)),
        status=html(_bold(notices.status_name(locale, update.status.name))),
    )


def file_caption(
    locale: str, update: JournalUpdate, file: StaffFile, *, receipt: str, url: str
) -> str:
    return fill(
        gettext(locale, FILE),
        author=update.author or gettext(locale, STAFF),
        file_name=html(_bold(file.filename[:200])),  # a caption holds 1024 characters
        ticket=html(ticket_link(receipt, update.issue_id, url)),
    )


def file_link_message(
    locale: str, update: JournalUpdate, file: StaffFile, *, receipt: str, url: str
) -> str:
    return fill(
        gettext(locale, FILE_TOO_LARGE),
        author=update.author or gettext(locale, STAFF),
        file_name=html(_bold(file.filename)),
        size=format_size(file.filesize),
        ticket=html(ticket_link(receipt, update.issue_id, url)),
        url=html(fill('<a href="{url}">{name}</a>', url=file.content_url, name=file.filename)),
    )
