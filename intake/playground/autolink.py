"""Entities a Telegram app shows without being told: /commands, links, @mentions, #hashtags.

Telegram's servers add these to every message's entities; the emulator keeps only what the
sender marked up, so the web chat adds them for display, the way a Telegram app would show
them. Offsets count UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re

from intake.emulator.textfmt import entities_to_html, utf16_len

# A link stops at Chinese full-width punctuation and does not end with ASCII punctuation.
_FULL_WIDTH = "\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff08\uff09\u3001"
_TRAILING = ".,;:!?)\\]"
_QUOTES = "\"'\u201c\u201d"
_PATTERNS = (
    (
        "bot_command",
        re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])"),
    ),
    (
        "url",
        re.compile(
            rf"(?<![\w@/])https?://[^\s<>{_QUOTES}{_FULL_WIDTH}]+[^\s<>{_QUOTES}{_FULL_WIDTH}{_TRAILING}]"
        ),
    ),
    (
        "email",
        re.compile(r"(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
)
# Formatting that may wrap a detected entity; anything else (code, links) must not be touched.
_WRAPPING = {
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "spoiler",
    "blockquote",
    "expandable_blockquote",
}


def detect(text: str, entities: list[dict]) -> list[dict]:
    """Entities Telegram would add to ``text``, not overlapping the sender's own."""
    taken = [
        (e["offset"], e["offset"] + e["length"])
        for e in entities
        if e.get("type") not in _WRAPPING
    ]
    found: list[dict] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def display_html(text: str | None, entities: list[dict]) -> str:
    """Safe HTML of a message with the sender's and the detected entities."""
    text = text or ""
    return entities_to_html(text, [*entities, *detect(text, entities)])
