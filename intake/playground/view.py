"""Chat messages and events as the browser draws them (plain JSON-ready dicts).

The message HTML is rebuilt from Telegram entities (the sender's, plus the links and
/commands Telegram detects) with everything else escaped: the bot's markup is never copied
through, so the page shows what a Telegram app would, and a ``<script>`` stays text.
"""

from __future__ import annotations

from typing import Any

from intake.emulator.models import ChatEvent, ChatMessage
from intake.playground.autolink import display_html

__all__ = ["event_view", "file_ids", "keyboard_view", "message_view"]


def message_view(message: ChatMessage) -> dict[str, Any]:
    file = message.file
    return {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "date": message.date,
        "kind": message.kind,
        "html": display_html(message.text, message.entities),
        "edited": message.edited,
        "reply_to": message.reply_to_message_id,
        "media_group_id": message.media_group_id,
        "buttons": [
            [
                {
                    "text": button.text,
                    "data": button.callback_data,
                    "url": button.url,
                }
                for button in row
            ]
            for row in message.buttons
        ],
        "file": None
        if file is None
        else {
            "id": file.file_id,
            "name": file.file_name,
            "size": file.file_size,
            "mime": file.mime_type,
            "width": file.width,
            "height": file.height,
        },
        "extra": _extra(message),
    }


def _extra(message: ChatMessage) -> dict[str, Any] | None:
    """What the non-file kinds show: a sticker's emoji, a place, a contact."""
    media = message.media
    if "sticker" in media:
        return {"emoji": media["sticker"].get("emoji") or ""}
    if "location" in media:
        return {k: media["location"].get(k) for k in ("latitude", "longitude")}
    if "contact" in media:
        return {k: media["contact"].get(k) for k in ("phone_number", "first_name")}
    return None


def event_view(event: ChatEvent) -> dict[str, Any] | None:
    """One live update for the page; None for events it does not draw."""
    if event.kind in ("message", "edited") and event.message is not None:
        return {"type": event.kind, "message": message_view(event.message)}
    if event.kind == "deleted":
        return {"type": "deleted", "id": event.message_id}
    if event.kind == "callback_answer" and event.answer is not None:
        answer = event.answer
        return {
            "type": "answer",
            "message_id": answer.message_id,
            "text": answer.text,
            "show_alert": answer.show_alert,
            "url": answer.url,
        }
    if event.kind == "chat_action":
        return {"type": "action", "action": event.action}
    if event.kind == "reply_keyboard":
        return {"type": "keyboard", "keyboard": keyboard_view(event.reply_keyboard)}
    return None


def keyboard_view(markup: dict | None) -> list[list[str]] | None:
    """A reply keyboard's button texts (the only part a person can use in a private chat)."""
    if not markup:
        return None
    return [[button.get("text", "") for button in row] for row in markup.get("keyboard", [])]


def file_ids(message: ChatMessage) -> set[str]:
    """Every file id a message carries (all photo sizes), for the download check."""
    ids = set()
    for value in message.media.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and "file_id" in item:
                ids.add(item["file_id"])
    return ids
