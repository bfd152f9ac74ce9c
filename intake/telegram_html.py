"""One escaping point. Messages are sent with parse_mode=HTML; customer text (and anything
else that is not our own markup) enters a message only through ``fill`` or ``plain``.
Plain Python (markupsafe only), so the ticket side's notices use it as the bot does.

``fill`` is ``str.format`` that escapes each value unless it is marked as HTML already
(``html``), so a template cannot be broken by a name like ``<script> & co`` and no handler
has to remember to escape.
"""

from __future__ import annotations

from markupsafe import Markup
from markupsafe import escape as _escape


def fill(template: str, /, **values: object) -> str:
    """A (translated) HTML template with its ``{placeholders}`` filled, values escaped."""
    return str(Markup(template).format(**values))


def html(text: str) -> Markup:
    """Mark ``text`` as HTML we built (with ``fill`` or our own tags): ``fill`` keeps it."""
    return Markup(text)


def plain(text: str) -> str:
    """Text shown exactly as it is (``<`` and ``&`` included)."""
    return str(_escape(text))
