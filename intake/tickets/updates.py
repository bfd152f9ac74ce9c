"""What the customer reads when their ticket changes in Redmine, in their current language.

Our own words go through gettext and are escaped; staff's words (a note, a name, a file name)
are delivered as written, escaped, or converted from Redmine's formatting by
``intake.tickets.redmine.markup``. Standard Redmine status names are translated; a status an
installation added is shown as it is named there.
"""

from __future__ import annotations

from html import escape

from intake.i18n import N_, gettext
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
    return f'{escape(receipt)} / <a href="{escape(url, quote=True)}">#{issue_id}</a>'


def _template(locale: str, msgid: str) -> str:
    """Our translated sentence, escaped, with its ``{placeholders}`` still to fill with HTML."""
    return escape(gettext(locale, msgid), quote=False)


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
    head = _template(locale, NOTE).format(
        author=f"<b>{escape(update.author or gettext(locale, STAFF))}</b>",
        ticket=ticket_link(receipt, update.issue_id, url),
    )
    blocks = [head, "", *to_telegram_blocks(update.notes or "", formatting)]
    messages = split_html(blocks, limit)
    more = escape(gettext(locale, NOTE_CONTINUED))
    return [messages[0], *(f"<i>{more}</i>\n{m}" for m in messages[1:])] if messages else []


def status_message(locale: str, update: JournalUpdate, *, receipt: str, url: str) -> str:
    assert update.status is not None
    return _template(locale, STATUS).format(
        ticket=ticket_link(receipt, update.issue_id, url),
        status=f"<b>{escape(notices.status_name(locale, update.status.name))}</b>",
    )


def file_caption(
    locale: str, update: JournalUpdate, file: StaffFile, *, receipt: str, url: str
) -> str:
    return _template(locale, FILE).format(
        author=escape(update.author or gettext(locale, STAFF)),
        file_name=f"<b>{escape(file.filename[:200])}</b>",  # a caption holds 1024 characters
        ticket=ticket_link(receipt, update.issue_id, url),
    )


def file_link_message(
    locale: str, update: JournalUpdate, file: StaffFile, *, receipt: str, url: str
) -> str:
    return _template(locale, FILE_TOO_LARGE).format(
        author=escape(update.author or gettext(locale, STAFF)),
        file_name=f"<b>{escape(file.filename)}</b>",
        size=escape(format_size(file.filesize)),
        ticket=ticket_link(receipt, update.issue_id, url),
        url=f'<a href="{escape(file.content_url, quote=True)}">{escape(file.filename)}</a>',
    )
