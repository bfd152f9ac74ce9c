"""In-memory state of one emulated bot: its update queue, chats, callback queries and files.

Plain Python on the event loop (no HTTP here): ``methods.py`` changes it for the bot,
``users.py`` for the simulated people, ``server.py`` puts it on the network.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import CONFLICT_OTHER_POLL, ApiError
from .models import CallbackAnswer, ChatEvent, ChatMessage, StoredFile
from .textfmt import entities_to_html

__all__ = ["BotState", "ChatState", "PendingCallback", "Waiters"]

DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
HISTORY_LIMIT = 10_000


def _file_ids(media: dict) -> list[str]:
    ids = []
    for value in media.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "file_id" in item:
                ids.append(item["file_id"])
    return ids


class Waiters:
    """Wake-ups for coroutines waiting on a change (no lost wake-up: check, then wait)."""

    __slots__ = ("_futures",)

    def __init__(self) -> None:
        self._futures: list[asyncio.Future] = []

    def notify(self) -> None:
        futures, self._futures = self._futures, []
        for fut in futures:
            if not fut.done():
                fut.set_result(None)

    async def wait(self, timeout: float | None) -> bool:  # noqa: ASYNC109
        """Wait for the next ``notify``; False on timeout."""
        if timeout is not None and timeout <= 0:
            return False
        fut = asyncio.get_running_loop().create_future()
        self._futures.append(fut)
        try:
            await asyncio.wait_for(fut, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            if fut in self._futures:
                self._futures.remove(fut)


@dataclass
class ChatState:
    """One chat between the bot and a person (or a group), as both sides see it."""

    chat: dict
    messages: OrderedDict[int, ChatMessage] = field(default_factory=OrderedDict)
    bot_messages: list[ChatMessage] = field(default_factory=list)  # in order, deleted too
    reply_keyboard: dict | None = None
    chat_actions: list[str] = field(default_factory=list)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    blocked: bool = False
    changed: Waiters = field(default_factory=Waiters)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> int:
        return self.chat["id"]

    def next_message_id(self) -> int:
        return next(self._ids)


@dataclass
class PendingCallback:
    query_id: str
    chat_id: int
    message_id: int | None
    data: str | None
    created: float
    answered: bool = False


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class BotState:
    """Everything the emulator knows about one bot token."""

    def __init__(
        self,
        token: str,
        *,
        first_name: str,
        username: str,
        publish: Callable[[ChatEvent], None],
        watched: Callable[[], bool],
        callback_answer_timeout: float | None,
        first_update_id: int = 1,
    ) -> None:
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.profile = {
            "id": self.id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.sender = {k: self.profile[k] for k in ("id", "is_bot", "first_name", "username")}
        self._publish = publish
        self._watched = watched
        self.callback_answer_timeout = callback_answer_timeout
        self.chats: dict[int, ChatState] = {}
        self.people: dict[int, dict] = {}  # user id -> Telegram User dict
        self.pending: deque[dict] = deque()  # unconfirmed updates, in update_id order
        self.forced: deque[dict] = deque()  # redeliveries, sent once regardless of offset
        self.history: OrderedDict[int, dict] = OrderedDict()
        self.updates_changed = Waiters()
        self.allowed_updates: frozenset[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.callbacks: dict[str, PendingCallback] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.settings: dict[str, dict[str, Any]] = {}
        self.updates_delivered = 0
        self._update_ids = itertools.count(first_update_id)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._poll_generation = 0
        self.closed = False
        self.last_change = time.monotonic()

    # --- updates -----------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict) -> dict:
        update: dict[str, Any] = {"update_id": next(self._update_ids), kind: payload}
        self.pending.append(update)
        self.last_change = time.monotonic()
        self.history[update["update_id"]] = update
        if len(self.history) > HISTORY_LIMIT:
            self.history.popitem(last=False)
        self.updates_changed.notify()
        return update

    def redeliver(self, update_id: int) -> None:
        try:
            self.forced.append(self.history[update_id])
        except KeyError:
            raise KeyError(f"update {update_id} is not in the recent history") from None
        self.updates_changed.notify()

    def confirm(self, offset: int | None) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset``."""
        if offset is None:
            return
        if offset < 0:
            while len(self.pending) > -offset:
                self.pending.popleft()
            return
        while self.pending and self.pending[0]["update_id"] < offset:
            self.pending.popleft()

    def allowed(self, update: dict) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    def take(self, limit: int) -> list[dict]:
        batch: list[dict] = []
        while self.forced and len(batch) < limit:
            batch.append(self.forced.popleft())
        dropped = False
        for update in self.pending:
            if len(batch) >= limit:
                break
            if self.allowed(update):
                batch.append(update)
            else:
                dropped = True
        if dropped:  # Telegram drops updates of kinds the bot did not ask for
            self.pending = deque(u for u in self.pending if self.allowed(u))
        return batch

    async def get_updates(
        self,
        offset: int | None,
        limit: int,
        timeout: float,  # noqa: ASYNC109  (the Bot API's own parameter name)
        allowed: list[str] | None,
    ) -> list[dict]:
        if allowed is not None:
            self.allowed_updates = frozenset(allowed)
        self.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self.updates_changed.notify()  # an older poll still waiting is now superseded
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            batch = self.take(limit)
            if batch or self.closed:
                self.updates_delivered += len(batch)
                return batch
            if not await self.updates_changed.wait(deadline - time.monotonic()):
                return []

    @property
    def unconfirmed(self) -> int:
        return len(self.pending) + len(self.forced)

    # --- chats and messages ------------------------------------------------------------------

    def chat(self, chat_id: int) -> ChatState | None:
        return self.chats.get(chat_id)

    def open_chat(self, chat: dict) -> ChatState:
        state = self.chats.get(chat["id"])
        if state is None:
            state = self.chats[chat["id"]] = ChatState(chat=chat)
        return state

    def add_message(self, chat: ChatState, message: ChatMessage) -> ChatMessage:
        message.html = entities_to_html(message.text or "", message.entities)
        chat.messages[message.message_id] = message
        if message.from_bot:
            chat.bot_messages.append(message)
        chat.changed.notify()
        self.emit(ChatEvent("message", chat.id, message.message_id, message))
        return message

    def message_edited(
        self, chat: ChatState, message: ChatMessage, *, markup_only: bool = False
    ) -> None:
        """``markup_only``: only the inline keyboard changed, which Telegram apps do not mark
        "edited" (the edit is hidden); the text they show is as it was."""
        message.html = entities_to_html(message.text or "", message.entities)
        message.edited = message.edited or not markup_only
        message.version += 1
        message.edit_date = int(time.time())
        chat.changed.notify()
        self.emit(ChatEvent("edited", chat.id, message.message_id, message))

    def delete_message(self, chat: ChatState, message_id: int) -> None:
        chat.messages.pop(message_id).deleted = True
        chat.changed.notify()
        self.emit(ChatEvent("deleted", chat.id, message_id))

    def emit(self, event: ChatEvent) -> None:
        if self._watched():
            if event.message is not None:
                event = ChatEvent(
                    event.kind,
                    event.chat_id,
                    event.message_id,
                    event.message.snapshot(),
                    event.answer,
                    event.action,
                    event.reply_keyboard,
                    event.at,
                )
            self._publish(event)

    def message_api(self, message: ChatMessage, chat: ChatState) -> dict:
        """The message as the Bot API shows it to the bot."""
        sender = self.sender if message.from_bot else self.people.get(message.sender_id)
        data: dict = {
            "message_id": message.message_id,
            "from": sender,
            "chat": chat.chat,
            "date": message.date,
        }
        if message.edit_date:
            data["edit_date"] = message.edit_date
        if message.media_group_id:
            data["media_group_id"] = message.media_group_id
        if message.reply_to_message_id and message.reply_to_message_id in chat.messages:
            replied = chat.messages[message.reply_to_message_id]
            data["reply_to_message"] = self.message_api(
                ChatMessage(**{**replied.__dict__, "reply_to_message_id": None}), chat
            )
        data.update(message.media)
        if message.text is not None:
            if message.kind == "text":
                data["text"] = message.text
                if message.entities:
                    data["entities"] = message.entities
            else:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def forget_chat(self, chat_id: int) -> None:
        chat = self.chats.pop(chat_id, None)
        if chat is None:
            return
        for message in chat.messages.values():
            for file_id in _file_ids(message.media):
                stored = self.files.pop(file_id, None)
                if stored is not None:
                    self.files_by_path.pop(stored.file_path, None)
        for query_id in [q for q, p in self.callbacks.items() if p.chat_id == chat_id]:
            del self.callbacks[query_id]

    # --- callback queries --------------------------------------------------------------------

    def new_callback(self, chat_id: int, message_id: int | None, data: str | None) -> str:
        query_id = f"{self.id}{next(self._callback_ids):08d}"
        self.callbacks[query_id] = PendingCallback(
            query_id, chat_id, message_id, data, time.monotonic()
        )
        return query_id

    def callback_expired(self, pending: PendingCallback) -> bool:
        ttl = self.callback_answer_timeout
        return ttl is not None and time.monotonic() - pending.created > ttl

    # --- files -------------------------------------------------------------------------------

    def store_file(
        self,
        data: bytes,
        *,
        folder: str,
        extension: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
    ) -> StoredFile:
        n = next(self._file_ids)
        file_id = f"EMU{folder[:3].upper()}{n:06d}{secrets.token_urlsafe(12)}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"AQAD{n:06d}",
            data=data,
            file_size=len(data) if file_size is None else file_size,
            file_path=f"{folder}/file_{n}.{extension.lstrip('.') or 'bin'}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # --- commands ----------------------------------------------------------------------------

    def commands_for(self, chat_id: int, language_code: str | None) -> list[dict]:
        """The command menu a person would see in this chat (Bot API scope resolution)."""
        chat = self.chats.get(chat_id)
        private = chat is None or chat.chat.get("type") == "private"
        scopes = [f"chat:{chat_id}"]
        scopes.append("all_private_chats" if private else "all_group_chats")
        scopes.append("default")
        langs = [language_code.split("-")[0].lower(), ""] if language_code else [""]
        for scope in scopes:
            for lang in langs:
                if (scope, lang) in self.commands:
                    return self.commands[(scope, lang)]
        return []
