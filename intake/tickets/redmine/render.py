"""The Redmine issue description, laid out for the engineer who picks the ticket up.

Everything the customer typed goes through ``Markup.block`` or ``Markup.inline``, which make it
literal text under the server's formatter: no markup, no ``{{macros}}``, no ``!images!``, no
links. Textile: customer text sits inside ``<pre>``/``<code>``, which Redmine's Textile copies
HTML-escaped and skips when it looks for macros and links; a customer's own ``</pre>`` is broken
with a zero-width space so it cannot close the block. CommonMark: fenced blocks and code spans
whose backtick runs are longer than any run in the text. Both were checked against the HTML of a
real Redmine 5.0 (tests/redmine/test_redmine_render_injection.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from intake.i18n import language_name as english_name
from intake.impact.levels import level_name
from intake.impact.questions import question_text
from intake.language import detect_language

PACIFIC = ZoneInfo("America/Los_Angeles")
ZWSP = "\u200b"
_OFFTAG = re.compile(r"<(?=\s*/?\s*(?:pre|code|kbd|notextile|redpre)\b)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Why a ticket was not filed as the customer (English, for the engineer; the user is told
# through intake.tickets.notices).
FALLBACK_UNKNOWN_LOGIN = "login_unknown"
FALLBACK_NOT_ADMIN = "not_admin"


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class Markup:
    """Escaping and the few constructs the description needs, for one text formatting."""

    def __init__(self, formatting: str = "textile") -> None:
        if formatting not in ("textile", "common_mark"):
            raise ValueError(f"unsupported text formatting: {formatting}")
        self.formatting = formatting

    @property
    def textile(self) -> bool:
        return self.formatting == "textile"

    def block(self, text: str) -> str:
        """Customer text as a literal, multi-line block."""
        text = _clean(text).strip("\n") or " "
        if self.textile:
            return "<pre>\n" + _OFFTAG.sub("<" + ZWSP, text) + "\n</pre>"
        fence = "`" * max(3, _longest_run(text, "`") + 1)
        return f"{fence}text\n{text}\n{fence}"

    def inline(self, text: str | None, *, in_table: bool = True) -> str:
        """Customer text as a literal on one line (a table cell or a sentence)."""
        text = " ".join(_clean(text or "").split())
        if not text:
            return "-"
        if self.textile:
            return "<code>" + _OFFTAG.sub("<" + ZWSP, text) + "</code>"
        if in_table:
            text = text.replace("|", "\\|")
        ticks = "`" * (_longest_run(text, "`") + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{ticks}{pad}{text}{pad}{ticks}"

    def heading(self, level: int, text: str) -> str:
        return f"h{level}. {text}" if self.textile else "#" * level + " " + text

    def bold(self, text: str) -> str:
        return f"*{text}*" if self.textile else f"**{text}**"

    def table(self, header: list[str], rows: list[list[str]]) -> str:
        """Cells must already be escaped (``inline``) or be our own plain words."""
        if self.textile:
            lines = ["|_. " + " |_. ".join(header) + " |"]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
        else:
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(r) for r in runs), default=0)


@dataclass(frozen=True)
class AttachmentLine:
    file_name: str
    size: int | None
    mime_type: str | None
    verdict: str  # accepted | refused | unchecked | pending
    verdict_language: str | None = None
    verdict_reason: str | None = None  # English, from the attachment policy
    verdict_excerpt: str | None = None  # customer content
    uploaded: bool = False
    not_uploaded_reason: str | None = None  # our own English words


@dataclass(frozen=True)
class TranscriptLine:
    at: datetime
    direction: str  # in | out
    text: str
    language: str | None = None


@dataclass
class IssueContent:
    """Everything the description shows; built by the filer from storage rows."""

    receipt: str
    reference: str
    summary: str
    language: str
    impact: str | None
    opened_at: datetime
    due_at: datetime | None
    environment: dict[str, str]  # label -> customer value
    description: str
    customer: str  # how to name the customer, e.g. "Alice (@alice, Telegram id 42)"
    redmine_login: str | None = None
    filed_as_customer: bool = False
    fallback_reason: str | None = None  # why not filed as the customer (our words)
    impact_suggested: str | None = None
    impact_reason: str | None = None
    impact_answers: dict[str, str] = field(default_factory=dict)
    attachments: list[AttachmentLine] = field(default_factory=list)
    transcript: list[TranscriptLine] = field(default_factory=list)


def format_size(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def format_time(when: datetime) -> str:
    """UTC for the record, Pacific because support hours are counted there."""
    utc = when.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC")
    pacific = when.astimezone(PACIFIC).strftime("%a %Y-%m-%d %H:%M %Z")
    return f"{utc} ({pacific})"


def language_name(code: str | None) -> str:
    if not code:
        return "unknown"
    return f"{english_name(code) or code} ({code})"


def render_subject(content: IssueContent) -> str:
    """Redmine shows subjects as plain text; only the length needs care."""
    subject = " ".join(_clean(content.summary).split()) or content.receipt
    return subject[:250]


# Opens the line that names the intake reference: every description the intake writes has
# it, so a search can tell a customer's ticket from a page staff wrote for everyone.
REFERENCE_LABEL = "Intake reference:"


def render_description(content: IssueContent, formatting: str = "textile") -> str:
    m = Markup(formatting)
    out: list[str] = []
    add = out.append

    add(m.heading(2, "Summary"))
    add(m.block(content.summary))
    who = [
        f"{m.bold(REFERENCE_LABEL)} {content.reference} (receipt {content.receipt}, "
        f"opened {format_time(content.opened_at)})",
        f"{m.bold('Customer:')} {m.inline(content.customer, in_table=False)}",
    ]
    if content.redmine_login:
        state = "filed as this user" if content.filed_as_customer else "not filed as this user"
        who.append(
            f"{m.bold('Redmine login given:')} {m.inline(content.redmine_login, in_table=False)}"
            f" ({state})"
        )
    if content.fallback_reason:
        who.append(f"{m.bold('Filed by the service account:')} {content.fallback_reason}")
    add("\n".join(_paragraph_lines(who, m)))

    add(m.heading(3, "Environment"))
    rows = [[label, m.inline(value)] for label, value in content.environment.items()]
    add(m.table(["Field", "Value"], rows))

    add(m.heading(3, "Impact"))
    level = level_name(content.impact, "not given")
    rows = [["Level", level]]
    rows.append(["First response due", format_time(content.due_at) if content.due_at else "-"])
    if content.impact_suggested and content.impact_suggested != content.impact:
        suggested = level_name(content.impact_suggested)
        rows.append(["Suggested by the questions", suggested])
        rows.append(["Customer's reason for this level", m.inline(content.impact_reason)])
    for key, answer in content.impact_answers.items():
        rows.append([m.inline(question_text(key)), m.inline(answer)])
    add(m.table(["Impact", "Value"], rows))

    # The language the words are in: a customer may read the chat in one and write in another.
    written = detect_language(content.description) or content.language
    add(m.heading(3, f"Description (customer's words, {language_name(written)})"))
    add(m.block(content.description or "(no description given)"))

    add(m.heading(3, "Attachments"))
    if content.attachments:
        rows = [_attachment_row(a, m) for a in content.attachments]
        add(m.table(["File", "Size", "Type", "Verdict", "On this issue"], rows))
    else:
        add("None.")

    add(m.heading(3, f"Conversation transcript ({language_name(content.language)})"))
    add(m.block(_transcript_text(content.transcript) or "(empty)"))
    return "\n\n".join(out) + "\n"


def _paragraph_lines(lines: list[str], m: Markup) -> list[str]:
    # Textile keeps single newlines as <br> (hard_breaks); CommonMark needs a trailing
    # backslash for a hard line break.
    if m.textile:
        return lines
    return [line + "\\" for line in lines[:-1]] + lines[-1:]


def _attachment_row(a: AttachmentLine, m: Markup) -> list[str]:
    verdict = a.verdict
    if a.verdict_language:
        verdict += f", language {a.verdict_language}"
    if a.verdict_reason:
        # The policy's reason is our own English, but it may quote a file name: escape it.
        verdict += ": " + m.inline(a.verdict_reason)
    if a.verdict_excerpt:
        verdict += " excerpt " + m.inline(a.verdict_excerpt[:200])
    if a.uploaded:
        where = "attached"
    else:
        where = "not uploaded" + (f": {a.not_uploaded_reason}" if a.not_uploaded_reason else "")
    return [
        m.inline(a.file_name),
        format_size(a.size),
        m.inline(a.mime_type),
        verdict,
        where,
    ]


def _transcript_text(lines: list[TranscriptLine]) -> str:
    out = []
    for line in lines:
        who = "Customer" if line.direction == "in" else "Bot"
        lang = f" [{line.language}]" if line.language else ""
        stamp = line.at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")
        text = _clean(line.text).strip("\n")
        body = text.replace("\n", "\n    ")
        out.append(f"{stamp} {who}{lang}: {body}")
    return "\n".join(out)


def fallback_words(fallback: str | None, login: str | None) -> str | None:
    if fallback == FALLBACK_UNKNOWN_LOGIN:
        return (
            "the customer's Redmine login is unknown or locked, so this issue is filed on "
            "their behalf."
        )
    if fallback == FALLBACK_NOT_ADMIN:
        return (
            "the configured API key is not an administrator's, so it cannot act as the customer."
        )
    if not login:
        return "the customer has not linked a Redmine account."
    return None
