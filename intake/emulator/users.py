"""Simulated people: they send what a Telegram client would send and see the chat as it is.

Every ``send_*`` queues one update for the bot (an album queues one per item) and returns the
person's own message. Reading is race-free: ``next_message`` walks a cursor over the bot's
messages in order, ``wait_for`` re-checks the chat on every change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .media import TINY_PNG, document_object, photo_sizes, sticker_object, voice_object
from .models import Button, CallbackAnswer, ChatMessage
from .state import BotState, ChatState
from .textfmt import utf16_len

if TYPE_CHECKING:
    from .server import BotAPIEmulator

__all__ = ["Document", "GroupMember", "Photo", "SimulatedGroup", "SimulatedUser", "Tap"]

MessagePredicate = Callable[[ChatMessage], bool]
CLIENT_SPLIT = 4096


@dataclass(frozen=True)
class Photo:
    """An album item: a photo."""

    data: bytes = TINY_PNG
    caption: str | None = None


@dataclass(frozen=True)
class Document:
    """An album item: a file; ``file_size`` may claim more than ``data`` holds (big-file tests)."""

    data: bytes
    file_name: str = "file.bin"
    mime_type: str | None = None
    caption: str | None = None
    file_size: int | None = None


@dataclass
class Tap:
    """A callback query the person caused; ``await tap.answer()`` waits for the bot's answer."""

    query_id: str
    message_id: int
    data: str | None
    update_id: int
    _side: ChatSide = field(repr=False)

    async def answer(self, timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        def found() -> CallbackAnswer | None:
            return next(
                (a for a in self._side.chat.callback_answers if a.query_id == self.query_id), None
            )

        return await self._side._until(found, timeout, f"an answer to callback {self.query_id}")


def _split_like_client(text: str) -> list[str]:
    """Telegram apps split a long message into parts of at most 4096, at a space if they can."""
    parts = []
    while len(text) > CLIENT_SPLIT:
        cut = max(text.rfind("\n", 0, CLIENT_SPLIT), text.rfind(" ", 0, CLIENT_SPLIT))
        cut = cut if cut > CLIENT_SPLIT // 2 else CLIENT_SPLIT
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    return [*parts, text] if text else parts


class ChatSide:
    """One person in one chat with the bot (private chat or group)."""

    def __init__(self, emu: BotAPIEmulator, bot: BotState, chat: ChatState, person: dict) -> None:
        self.emu = emu
        self.bot = bot
        self.chat = chat
        self.person = person
        self._cursor = 0  # index into chat.bot_messages for next_message()

    # --- what the person sees ----------------------------------------------------------------

    @property
    def id(self) -> int:
        return self.person["id"]

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[ChatMessage]:
        """The chat as it reads now (both sides, edits applied, deleted ones gone)."""
        return list(self.chat.messages.values())

    @property
    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.chat.messages.values() if m.from_bot]

    @property
    def last_bot_message(self) -> ChatMessage | None:
        for message in reversed(self.chat.messages.values()):
            if message.from_bot:
                return message
        return None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.chat.callback_answers

    @property
    def chat_actions(self) -> list[str]:
        return self.chat.chat_actions

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Texts of the reply keyboard under the input field, if the bot set one."""
        markup = self.chat.reply_keyboard
        return [[b["text"] for b in row] for row in markup["keyboard"]] if markup else None

    @property
    def commands(self) -> list[dict]:
        """The bot's command menu as this person sees it (scope and language resolved)."""
        return self.bot.commands_for(self.chat_id, self.person.get("language_code"))

    # --- sending -----------------------------------------------------------------------------

    def _post(
        self,
        kind: str = "text",
        text: str | None = None,
        entities: list | None = None,
        media: dict | None = None,
        media_group_id: str | None = None,
        reply_to: int | None = None,
        update_kind: str = "message",
    ) -> ChatMessage:
        message = ChatMessage(
            message_id=self.chat.next_message_id(),
            chat_id=self.chat_id,
            from_bot=False,
            sender_id=self.id,
            date=int(time.time()),
            kind=kind,
            text=text,
            entities=entities or [],
            media=media or {},
            media_group_id=media_group_id,
            reply_to_message_id=reply_to,
        )
        self.bot.add_message(self.chat, message)
        update = self.bot.push_update(update_kind, self.bot.message_api(message, self.chat))
        message.update_id = update["update_id"]
        return message

    async def send_text(
        self, text: str, *, reply_to: int | None = None, split_long: bool = True
    ) -> ChatMessage:
        """Send text as a Telegram app would: a leading /command gets its bot_command entity,
        text over 4096 characters goes as several messages (the last one is returned)
        unless ``split_long=False``. Empty text is refused, as apps refuse it."""
        if not text.strip():
            raise ValueError("Telegram apps do not send empty or blank messages")
        parts = _split_like_client(text) if split_long else [text]
        message = None
        for part in parts:
            entities = []
            if part.startswith("/"):
                command = part.split(maxsplit=1)[0]
                entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
            message = self._post("text", part, entities, reply_to=reply_to)
            reply_to = None
        assert message is not None
        return message

    async def send_command(self, command: str, args: str = "") -> ChatMessage:
        command = command if command.startswith("/") else f"/{command}"
        return await self.send_text(f"{command} {args}".strip())

    async def edit_text(self, message: ChatMessage, text: str) -> ChatMessage:
        """Edit one of the person's own text messages (the bot gets an edited_message)."""
        if message.from_bot or message.kind != "text":
            raise ValueError("a person can edit only their own text messages")
        message.text, message.entities = text, []
        self.bot.message_edited(self.chat, message)
        self.bot.push_update("edited_message", self.bot.message_api(message, self.chat))
        return message

    async def edit_caption(self, message: ChatMessage, caption: str) -> ChatMessage:
        """Edit the caption of one of the person's own photos or files (edited_message)."""
        if message.from_bot or message.kind not in ("photo", "document"):
            raise ValueError("a person can edit only the caption of their own photo or file")
        message.text, message.entities = caption, []
        self.bot.message_edited(self.chat, message)
        self.bot.push_update("edited_message", self.bot.message_api(message, self.chat))
        return message

    async def send_document(
        self,
        data: bytes,
        file_name: str = "file.bin",
        mime_type: str | None = None,
        caption: str | None = None,
        *,
        file_size: int | None = None,
    ) -> ChatMessage:
        document = document_object(self.bot, data, file_name, mime_type, file_size)
        return self._post("document", caption, media={"document": document})

    async def send_photo(self, data: bytes = TINY_PNG, caption: str | None = None) -> ChatMessage:
        return self._post("photo", caption, media={"photo": photo_sizes(self.bot, data)})

    async def send_album(self, items: Sequence[Photo | Document]) -> list[ChatMessage]:
        """Several photos or files sent at once: one update each, sharing a media_group_id."""
        group_id = f"{int(time.time() * 1000)}{self.chat.next_message_id()}"
        sent = []
        for item in items:
            if isinstance(item, Photo):
                media: dict[str, Any] = {"photo": photo_sizes(self.bot, item.data)}
                kind = "photo"
            else:
                media = {
                    "document": document_object(
                        self.bot, item.data, item.file_name, item.mime_type, item.file_size
                    )
                }
                kind = "document"
            sent.append(self._post(kind, item.caption, media=media, media_group_id=group_id))
        return sent

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        return self._post("sticker", None, media={"sticker": sticker_object(self.bot, emoji)})

    async def send_voice(self, data: bytes = b"OggS\x00voice", duration: int = 2) -> ChatMessage:
        return self._post("voice", None, media={"voice": voice_object(self.bot, data, duration)})

    async def send_location(
        self, latitude: float = 52.52, longitude: float = 13.405
    ) -> ChatMessage:
        location = {"latitude": latitude, "longitude": longitude}
        return self._post("location", None, media={"location": location})

    async def send_contact(
        self, phone_number: str = "+491701234567", first_name: str | None = None
    ) -> ChatMessage:
        contact = {
            "phone_number": phone_number,
            "first_name": first_name or self.person["first_name"],
            "user_id": self.id,
        }
        return self._post("contact", None, media={"contact": contact})

    # --- buttons -----------------------------------------------------------------------------

    async def tap(
        self, match: str | Callable[[Button], bool], message: ChatMessage | None = None
    ) -> Tap:
        """Tap an inline button by text (or predicate) in ``message`` or the latest keyboard."""
        if message is None:
            message = next(
                (m for m in reversed(self.chat.messages.values()) if m.from_bot and m.buttons),
                None,
            )
            if message is None:
                raise LookupError("no bot message with an inline keyboard in this chat")
        button = message.find_button(match)
        if button is None:
            raise LookupError(
                f"no button {match!r} in message {message.message_id}; "
                f"buttons: {message.button_texts}"
            )
        if button.callback_data is None:
            raise ValueError(f"button {button.text!r} opens {button.url!r}; it sends no callback")
        return await self.tap_data(message.message_id, button.callback_data)

    async def tap_data(self, message_id: int, data: str) -> Tap:
        """A callback query with any data on any message (old buttons, tampered data)."""
        message = self.chat.messages.get(message_id)
        if message is None:
            raise LookupError(f"message {message_id} is not in the chat")
        query_id = self.bot.new_callback(self.chat_id, message_id, data)
        update = self.bot.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.person,
                "message": self.bot.message_api(message, self.chat),
                "chat_instance": str(abs(hash((self.bot.id, self.chat_id)))),
                "data": data,
            },
        )
        return Tap(query_id, message_id, data, update["update_id"], self)

    # --- waiting -----------------------------------------------------------------------------

    async def _until(self, check: Callable[[], Any], timeout: float, what: str) -> Any:  # noqa: ASYNC109
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = check()
            if result:
                return result
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await self.chat.changed.wait(remaining):
                if result := check():
                    return result
                last = self.last_bot_message
                raise TimeoutError(
                    f"no {what} within {timeout}s; last bot message: "
                    f"{last.text[:200] if last and last.text else last!r}"
                )

    async def next_message(self, timeout: float = 5.0) -> ChatMessage:  # noqa: ASYNC109
        """The bot's next new message after the previous one this returned (edits not counted)."""

        def next_one() -> ChatMessage | None:
            if self._cursor < len(self.chat.bot_messages):
                self._cursor += 1
                return self.chat.bot_messages[self._cursor - 1]
            return None

        return await self._until(next_one, timeout, "new bot message")

    def skip_unread(self) -> None:
        """Mark every bot message so far as read for ``next_message``."""
        self._cursor = len(self.chat.bot_messages)

    async def wait_for(
        self,
        predicate: str | MessagePredicate,
        timeout: float = 5.0,  # noqa: ASYNC109  (a test helper's deadline)
        *,
        new: bool = False,
    ) -> ChatMessage:
        """The newest bot message matching (a substring of its text, or a predicate).

        With ``new=True`` only messages sent or edited after this call count.
        """
        test: MessagePredicate = (
            (lambda m: predicate in (m.text or "")) if isinstance(predicate, str) else predicate
        )
        seen = {m.message_id: m.version for m in self.chat.messages.values()} if new else {}

        def match() -> ChatMessage | None:
            for m in reversed(self.chat.messages.values()):
                if m.from_bot and seen.get(m.message_id, -1) != m.version and test(m):
                    return m
            return None

        return await self._until(match, timeout, f"bot message matching {predicate!r}")

    # --- relationship ------------------------------------------------------------------------

    def block(self) -> None:
        """Block the bot: its sends to this chat fail with 403 until ``unblock()``."""
        self.chat.blocked = True

    def unblock(self) -> None:
        self.chat.blocked = False


class SimulatedUser(ChatSide):
    """A person in a private chat with the bot."""

    @property
    def language_code(self) -> str | None:
        return self.person.get("language_code")

    @language_code.setter
    def language_code(self, code: str | None) -> None:
        """Change the app language: updates sent from now on carry the new code."""
        person = {k: v for k, v in self.person.items() if k != "language_code"}
        if code:
            person["language_code"] = code
        # A new dict: updates already queued keep the code they were sent with.
        self.person = self.bot.people[self.id] = person


class GroupMember(ChatSide):
    """A person writing in a group the bot is in."""


class SimulatedGroup:
    """A group chat; ``group.member(user)`` writes in it as that person."""

    def __init__(self, emu: BotAPIEmulator, bot: BotState, chat: ChatState) -> None:
        self.emu = emu
        self.bot = bot
        self.chat = chat

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[ChatMessage]:
        return list(self.chat.messages.values())

    def member(self, user: SimulatedUser) -> GroupMember:
        return GroupMember(self.emu, self.bot, self.chat, user.person)
