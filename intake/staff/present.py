"""Labels and formatting shared by the staff pages and the exports (plain Python, no HTTP).

Staff read English labels; what the customer wrote is shown as written, in its own language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from intake import i18n
from intake.impact.levels import LEVEL_NAMES
from intake.impact.questions import question_text
from intake.statuses import ConversationStatus, TicketStatus
from intake.storage.review import parse_time

# Every conversation and ticket status (intake.statuses) in words.
STATUS_LABELS: dict[str, str] = {
    ConversationStatus.IN_PROGRESS: "In progress",
    ConversationStatus.SUBMITTED: "Submitted",
    ConversationStatus.QUEUED: "Queued",
    ConversationStatus.FILED: "Filed",
    ConversationStatus.FAILED: "Failed",
    ConversationStatus.CANCELLED: "Cancelled",
    ConversationStatus.SOLVED: "Solved by an article",
    TicketStatus.STORED: "Stored",
    TicketStatus.FILING: "Filing",
}
# The support page's names, as customers read them and Redmine's Impact field holds them.
IMPACT_LABELS = LEVEL_NAMES
# The bot's locales, each named in itself: "中文 (简体)".
LANGUAGE_LABELS = {code: i18n.language_name(code, code) or code for code in i18n.LOCALES}
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans"}
VERDICT_LABELS = {
    "pending": "Pending",
    "accepted": "Accepted",
    "refused": "Refused",
    "unchecked": "Unchecked",
}
# The attachment check's reason codes (intake.attachments.reasons.Reason) in words.
REASON_LABELS = {
    "english": "in English",
    "no_text": "no text found",
    "undetermined": "language not clear (accepted)",
    "not_english": "not in English",
    "audio": "audio (not checked)",
    "video": "video (not checked)",
    "corrupt": "damaged file",
    "encrypted": "password-protected",
    "too_large": "too large to check",
    "unsupported": "file type not checked",
    "ocr_unavailable": "image text reader unavailable",
    "timeout": "check took too long",
    "missing": "file missing",
    "download_failed": "download from Telegram failed",
    "error": "the check failed",
}
SINK_LABELS = {"local": "the local store", "redmine": "Redmine"}
KIND_LABELS = {
    "photo": "Photo",
    "document": "File",
    "sticker": "Sticker",
    "voice": "Voice message",
    "video": "Video",
    "callback": "Button",
    "command": "Command",
}

# The TicketDraft fields in the order staff read them; unknown keys follow, as stored.
COLLECTED_LABELS = (
    ("summary", "Summary"),
    ("description", "Description"),
    ("browser", "Browser"),
    ("os", "Operating system"),
    ("product_version", "Orangesky version"),
    ("impact", "Impact"),
    ("impact_suggested", "Suggested impact"),
    ("impact_reason", "Why another impact"),
    ("impact_answers", "Impact answers"),
    ("redmine_login", "Redmine login"),
    ("extra", "Other details"),
    ("attachments", "Attachments"),
)
_JOINED = {"browser": "browser_version", "os": "os_version"}
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"}


def label(mapping: Mapping[str, str], value: str | None) -> str:
    if not value:
        return "—"
    return mapping.get(value, value)


def reason_text(code: str | None) -> str:
    """A reason code as words; a sentence stored by older versions is shown as it is."""
    if not code:
        return ""
    return REASON_LABELS.get(code, code.replace("_", " ") if " " not in code else code)


def language_name(code: str | None) -> str:
    """An ISO 639-1 code ("zh") as its English name ("Chinese")."""
    if not code:
        return ""
    return i18n.language_name(code) or code


@dataclass(frozen=True)
class DueState:
    """How a first-response deadline stands, for the due column."""

    text: str  # "3 h 20 min left", "overdue by 45 min", "answered", "—"
    overdue: bool = False
    soon: bool = False  # under an hour left


def duration_text(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under 1 min"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def due_state(
    due_at: str | None,
    now: datetime,
    first_response_at: str | None = None,
    closed_at: str | None = None,
) -> DueState:
    due = parse_time(due_at)
    if due is None:
        return DueState("—")
    answered = parse_time(first_response_at)
    if answered is not None:
        late = answered - due
        if late > timedelta(0):
            return DueState(f"answered {duration_text(late)} late")
        return DueState("answered in time")
    if closed_at:  # nobody waits for an answer any more: no countdown, never overdue
        return DueState("closed before a first response")
    if due <= now:
        return DueState(f"overdue by {duration_text(now - due)}", overdue=True)
    left = due - now
    return DueState(f"{duration_text(left)} left", soon=left <= timedelta(hours=1))


def utc_text(value: str | None) -> str:
    """The no-JavaScript rendering of a stored instant; staff.js turns it into local time."""
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def utc_iso(value: str | None) -> str:
    moment = parse_time(value)
    return moment.isoformat().replace("+00:00", "Z") if moment else ""


def now_utc() -> datetime:
    return datetime.now(UTC)


def step_label(step: str | None) -> str:
    """The recorded step for staff: 'os_version' -> 'os version' (an FSM state name such as
    'Intake:summary' loses its group)."""
    if not step:
        return ""
    return step.rsplit(":", 1)[-1].replace("_", " ")


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def safe_link(url: str | None) -> str | None:
    """Only http(s) links are rendered as links (no javascript: or data: from storage)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def is_image(mime_type: str | None, kind: str | None = None) -> bool:
    return kind == "photo" or (mime_type or "").lower() in _IMAGE_TYPES


def safe_filename(name: str | None, fallback: str) -> str:
    """A file name safe on any disk: no path, no control or reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f\x7f<>:"|?*]+', "_", name).strip(" .")
    return name[:150] or fallback


def content_disposition(name: str | None, fallback: str) -> str:
    """``attachment`` with an ASCII name and the UTF-8 one (RFC 6266 / 5987)."""
    safe = safe_filename(name, fallback)
    ascii_name = safe.encode("ascii", "ignore").decode("ascii").replace('"', "_").strip()
    ascii_name = ascii_name if ascii_name.strip("._ ") else fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"


def collected_items(collected: dict[str, Any]) -> list[tuple[str, str]]:
    """The draft as (label, text) rows, skipping empty values."""
    rows: list[tuple[str, str]] = []
    seen = {"browser_version", "os_version"}
    for key, title in COLLECTED_LABELS:
        seen.add(key)
        value = collected.get(key)
        if key in _JOINED:
            value = " ".join(str(p) for p in (value, collected.get(_JOINED[key])) if p)
        text = _value_text(key, value)
        if text:
            rows.append((title, text))
    for key, value in collected.items():
        if key not in seen and (text := _value_text(key, value)):
            rows.append((key.replace("_", " ").capitalize(), text))
    return rows


def _value_text(key: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return ""
    if key in ("impact", "impact_suggested"):
        return label(IMPACT_LABELS, str(value))
    if key == "description" and isinstance(value, list):
        return "\n\n".join(str(v) for v in value)
    if key == "attachments" and isinstance(value, list):
        return "\n".join(
            f"{a.get('file_name') or 'file'} ({a.get('verdict', 'pending')}"
            + (f", {reason_text(a['reason'])})" if a.get("reason") else ")")
            if isinstance(a, dict)
            else str(a)
            for a in value
        )
    if key == "impact_answers" and isinstance(value, dict):  # the questions, not their keys
        return "\n".join(f"{question_text(k)} {v}" for k, v in value.items())
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)
