"""Cross-cutting work: record every update first, pick the user's locale, retry requests.

- ``UpdateRecorder`` (outer, on updates): stores the update before anything acts on it,
  drops a repeated ``update_id``, keeps the users table fresh and logs the inbound message.
- ``UserI18nMiddleware``: the locale comes from our users table, never raises.
- ``RetryMiddleware`` (Bot session): honours 429 ``retry_after`` and retries 5xx and network
  errors with backoff, a bounded number of times (aiogram does not retry by itself).
- ``OutgoingRecorder`` (Bot session): logs what the bot sent into the conversation.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
from collections.abc import Awaitable, Callable
from html import unescape
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import EditMessageText, SendDocument, SendMessage, SendPhoto
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware
from sqlite_utils import Database

from intake import failpoints
from intake.bot.inbox import already_applied, payload_of
from intake.bot.states import step_of
from intake.i18n import resolve_locale
from intake.storage import conversations, messages, users
from intake.storage import updates as inbox
from intake.storage.fsm import current_update_id

logger = logging.getLogger(__name__)

# The dialogue step being shown, so outgoing messages are logged with it.
current_step: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_step", default=None
)
# (chat id, conversation id, language) of the update being handled, for the outgoing log;
# unset outside handlers (outbox notices), where the recorder looks it up.
current_conversation: contextvars.ContextVar[tuple[int, int | None, str] | None] = (
    contextvars.ContextVar("current_conversation", default=None)
)


def describe_message(message: Message) -> tuple[str, str | None]:
    """(kind, text) of an incoming message as staff should read it."""
    if message.text is not None:
        return ("command" if message.text.startswith("/") else "text"), message.text
    if message.photo:
        return "photo", message.caption
    if message.document:
        name = message.document.file_name or "file"
        return "document", f"{name}\n{message.caption}" if message.caption else name
    if message.sticker:
        return "sticker", message.sticker.emoji
    for kind in ("voice", "audio", "video", "video_note", "animation", "location", "contact"):
        if getattr(message, kind, None) is not None:
            return kind, message.caption
    return "other", message.caption


def describe_callback(callback: CallbackQuery) -> str:
    """The label of the tapped button (what the user saw), falling back to its data."""
    markup = getattr(callback.message, "reply_markup", None)
    if markup is not None:
        for row in markup.inline_keyboard:
            for button in row:
                if button.callback_data == callback.data:
                    return button.text
    return callback.data or ""


class UpdateRecorder(BaseMiddleware):
    """The inbox's middleware: a repeat is dropped, the update is done once handled.

    Updates from ``InboxPolling`` arrive stored (``inbox_stored``); any other way in (a test
    feeding the dispatcher) stores it here first. A handler that fails leaves the update
    ``failed``; one cancelled by a stop leaves it ``pending``, for the next start.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        bot: Bot = data["bot"]
        if not data.get("inbox_stored"):
            if inbox.begin(self.db, bot.id, event.update_id, payload_of(event)) == inbox.REPEAT:
                logger.info("ignoring repeated update %s", event.update_id)
                return None
        current_update_id.set(event.update_id)
        try:
            result = await self._handle(handler, event, data)
        except Exception:
            inbox.finish(self.db, bot.id, event.update_id, failed=True)
            raise
        failpoints.hit("before_update_done")
        inbox.finish(self.db, bot.id, event.update_id)
        return result

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            # The bot serves people: updates from no one (channel posts) or from bots are
            # not for any handler, which all expect a person and their dialogue.
            logger.info("update %s has no human sender; not handled", event.update_id)
            return None
        user_row = users.touch_user(
            self.db,
            user.id,
            language_code=user.language_code,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
        )
        data["user_row"] = user_row
        chat = data.get("event_chat")
        if chat is not None and chat.type != "private":
            return await handler(event, data)  # groups are not conversations: not recorded
        latest = conversations.latest_conversation(self.db, user.id)
        data["conversation_id"] = latest[0] if latest else None
        current_conversation.set(
            (chat.id if chat else user.id, data["conversation_id"], user_row.language)
        )
        step = step_of(data.get("raw_state"))
        current_step.set(step)
        replayed = data.get("inbox_replay") and messages.inbound_message_for_update(
            self.db, event.update_id
        )
        data["inbound_message_id"] = replayed or self._record_inbound(
            event, data, user_row.language, step
        )
        return await handler(event, data)

    def _record_inbound(
        self, update: Update, data: dict[str, Any], language: str, step: str | None
    ) -> int | None:
        chat = data.get("event_chat")
        user = data["event_from_user"]
        if update.message is not None:
            kind, text = describe_message(update.message)
            message_id = update.message.message_id
        elif update.callback_query is not None:
            kind, text = "callback", describe_callback(update.callback_query)
            message_id = None
        elif update.edited_message is not None:
            kind, text = "edit", update.edited_message.text or update.edited_message.caption
            message_id = update.edited_message.message_id
        else:
            return None
        return messages.record_message(
            self.db,
            conversation_id=data["conversation_id"],
            user_id=user.id,
            chat_id=chat.id if chat else user.id,
            direction="in",
            kind=kind,
            text=text,
            step=step,
            language=language,
            telegram_message_id=message_id,
            update_id=update.update_id,
        )


class UserI18nMiddleware(I18nMiddleware):
    """The user's stored language; a new user gets theirs from Telegram's language_code."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user_row = data.get("user_row")
        if user_row is not None:
            return user_row.language
        user: User | None = data.get("event_from_user")
        return resolve_locale(user.language_code if user else None)


class RetryMiddleware(BaseRequestMiddleware):
    """Bounded retries: 429 waits what Telegram asks, 5xx and network errors back off."""

    def __init__(
        self, attempts: int = 5, base_delay: float = 0.5, max_delay: float = 30.0
    ) -> None:
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > self.max_delay:
                    raise
                delay = float(exc.retry_after)
                logger.warning("%s: 429, retrying in %.1fs", type(method).__name__, delay)
            except (TelegramServerError, TelegramNetworkError) as exc:
                if attempt == self.attempts:
                    raise
                delay = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
                logger.warning(
                    "%s: %s, retrying in %.1fs", type(method).__name__, type(exc).__name__, delay
                )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


_TAG = re.compile(r"<[^>]+>")


def plain_text(html_text: str | None) -> str | None:
    """Our messages are HTML; staff read them as the customer saw them, without tags."""
    if html_text is None:
        return None
    return unescape(_TAG.sub("", html_text))


_RECORDED = (SendMessage, EditMessageText, SendPhoto, SendDocument)


class OutgoingRecorder(BaseRequestMiddleware):
    """Log each message the bot sends or edits into the user's newest conversation."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)
        if isinstance(method, _RECORDED):
            try:
                self._record(method, response)
            except Exception:  # recording must never break sending
                logger.exception("could not record an outgoing message")
        return response

    def _record(self, method: TelegramMethod[Any], response: Any) -> None:
        chat_id = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int) or chat_id < 0:
            return  # groups and channels are not conversations
        text = plain_text(getattr(method, "text", None) or getattr(method, "caption", None))
        message_id = getattr(response, "message_id", None)  # make_request returns the result
        known = current_conversation.get()
        language: str | None  # None for a chat whose user is not stored
        if known is not None and known[0] == chat_id:
            _, conversation_id, language = known
        else:
            conversation_id, language = conversations.conversation_for_chat(self.db, chat_id)
        messages.record_message(
            self.db,
            conversation_id=conversation_id,
            user_id=None,
            chat_id=chat_id,
            direction="out",
            kind="edit" if isinstance(method, EditMessageText) else "text",
            text=text,
            step=current_step.get(),
            language=language,
            telegram_message_id=message_id,
        )


def tap_key(callback: CallbackQuery) -> str:
    """Which button of which message was tapped: a double tap repeats it exactly."""
    message_id = callback.message.message_id if callback.message is not None else 0
    return f"{message_id}:{callback.data or ''}"


class FlowMiddleware(BaseMiddleware):
    """Give each message and button handler a ``flow`` for its user (after i18n is set):
    its session is loaded before the handler and saved once after it."""

    def __init__(self, options: Any) -> None:
        self.options = options

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        from intake.bot.flow import Flow  # flow imports this module for current_step

        state = data.get("state")
        user: User | None = data.get("event_from_user")
        chat = data.get("event_chat")
        if state is None or user is None:
            return await handler(event, data)
        flow = Flow(
            state=state,
            db=data["db"],
            options=self.options,
            i18n=data["i18n"],
            user_id=user.id,
            chat_id=chat.id if chat else user.id,
            bot=data["bot"],
        )
        await flow.load()
        data["flow"] = flow
        update: Update | None = data.get("event_update")
        if (
            data.get("inbox_replay")
            and update is not None
            and isinstance(event, Message | CallbackQuery)
            and await already_applied(state, update.update_id)
        ):
            # The last run applied this answer but died before replying: show where
            # the dialogue stands now rather than applying the answer twice.
            await flow.repeat(event)
            await flow.commit()
            return None
        result = await handler(event, data)
        if isinstance(event, CallbackQuery):
            flow.changed(last_tap=tap_key(event))
        await flow.commit()  # once per update, after the handler decided
        return result
