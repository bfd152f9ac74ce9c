"""What a chat looks like to the person in it: messages with edits applied, buttons, answers.

These dataclasses cross the boundary to tests and to the playground's web chat, so each has a
JSON-ready ``to_dict()``. Telegram-shaped dicts (what the bot sees) are built in ``state.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

__all__ = [
    "Button",
    "CallbackAnswer",
    "ChatEvent",
    "ChatMessage",
    "FileRef",
    "StoredFile",
]


@dataclass(frozen=True)
class Button:
    """One button of an inline or reply keyboard."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    row: int = 0
    column: int = 0
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "callback_data": self.callback_data,
            "url": self.url,
            "row": self.row,
            "column": self.column,
        }


@dataclass(frozen=True)
class FileRef:
    """A file attached to a message (the largest size for a photo)."""

    file_id: str
    file_unique_id: str
    file_size: int
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class StoredFile:
    """File bytes the emulator serves through getFile and the download URL."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_size: int
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class ChatMessage:
    """A message as the chat shows it now: edits applied, ``edited`` set once changed."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: int
    kind: str = "text"  # text, photo, document, sticker, voice, location, contact, ...
    text: str | None = None  # the text, or the caption of a media message
    entities: list[dict] = field(default_factory=list)
    html: str = ""  # safe HTML rendering of text+entities, for a web chat
    reply_markup: dict | None = None  # inline keyboard only (what stays attached)
    edited: bool = False
    edit_date: int | None = None
    media: dict = field(default_factory=dict)  # Telegram fields: {"photo": [...]} etc.
    media_group_id: str | None = None
    reply_to_message_id: int | None = None
    source_html: str | None = None  # the bot's HTML as sent, when parse_mode was HTML
    deleted: bool = False
    update_id: int | None = None  # for a person's message: the update that carried it
    version: int = 0  # bumped on every edit, so waiters can tell a fresh edit from an old one

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows (empty when there is none)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [
                Button(b.get("text", ""), b.get("callback_data"), b.get("url"), r, c, b)
                for c, b in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]

    @property
    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    @property
    def file(self) -> FileRef | None:
        for key in ("document", "audio", "video", "voice", "animation", "sticker"):
            f = self.media.get(key)
            if f:
                return _file_ref(f)
        if self.media.get("photo"):
            return _file_ref(self.media["photo"][-1])
        return None

    def find_button(self, match: str | Callable[[Button], bool]) -> Button | None:
        for row in self.buttons:
            for b in row:
                if (b.text == match) if isinstance(match, str) else match(b):
                    return b
        return None

    def snapshot(self) -> ChatMessage:
        return replace(self, entities=list(self.entities), media=dict(self.media))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["buttons"] = [[b.to_dict() for b in row] for row in self.buttons]
        f = self.file
        d["file"] = asdict(f) if f else None
        return d


def _file_ref(f: dict) -> FileRef:
    return FileRef(
        file_id=f["file_id"],
        file_unique_id=f["file_unique_id"],
        file_size=f.get("file_size", 0),
        file_name=f.get("file_name"),
        mime_type=f.get("mime_type"),
        width=f.get("width"),
        height=f.get("height"),
    )


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for one tap."""

    query_id: str
    message_id: int | None
    data: str | None
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


EventKind = Literal[
    "message", "edited", "deleted", "callback_answer", "chat_action", "reply_keyboard"
]


@dataclass(frozen=True)
class ChatEvent:
    """Something a person watching the chat would see change.

    ``message`` is a snapshot taken when the event happened (later edits do not alter it).
    ``reply_keyboard`` is the keyboard under the input field after a ``reply_keyboard`` event
    (None when removed).
    """

    kind: EventKind
    chat_id: int
    message_id: int | None = None
    message: ChatMessage | None = None
    answer: CallbackAnswer | None = None
    action: str | None = None
    reply_keyboard: dict | None = None
    at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "message": self.message.to_dict() if self.message else None,
            "answer": asdict(self.answer) if self.answer else None,
            "action": self.action,
            "reply_keyboard": self.reply_keyboard,
            "at": self.at,
        }
