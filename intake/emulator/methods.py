"""The Bot API methods the emulator implements, each checked the way Telegram checks it.

A method is ``handler(call) -> result``; errors are raised as :class:`ApiError` with
Telegram's wording so aiogram raises the same exception class it would in production.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors as E
from .errors import ApiError, bad_request
from .markup import parse_reply_markup
from .media import document_object, photo_sizes
from .models import CallbackAnswer, ChatEvent, ChatMessage
from .state import BotState, ChatState, WebhookConfig
from .textfmt import FormatError, parse_formatted

__all__ = ["METHODS", "Call", "Params", "Upload"]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None


class Params:
    """Request parameters from form fields (strings, JSON-encoded objects) or a JSON body."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.uploads = uploads or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def str(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: str, *, required: bool = False, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


@dataclass
class Call:
    """One Bot API request: which bot, its parameters, and hooks into the emulator."""

    bot: BotState
    params: Params
    on_webhook_change: Callable[[BotState], None] = field(default=lambda bot: None)


Handler = Callable[[Call], Any | Awaitable[Any]]


def _chat(call: Call, *, for_sending: bool = True) -> ChatState:
    raw = call.params.values.get("chat_id")
    if raw in (None, ""):
        raise bad_request("chat_id is empty")
    chat = None
    if isinstance(raw, str) and raw.startswith("@"):
        name = raw[1:].lower()
        chat = next(
            (c for c in call.bot.chats.values()
             if str(c.chat.get("username", "")).lower() == name),
            None,
        )
    else:
        try:
            chat = call.bot.chat(int(raw))
        except (TypeError, ValueError):
            chat = None
    if chat is None:
        raise bad_request(E.CHAT_NOT_FOUND)
    if for_sending and chat.blocked:
        raise ApiError(403, E.BOT_BLOCKED)
    return chat


def _formatted(
    call: Call, text_key: str, entities_key: str, limit: int
) -> tuple[str, list, str | None]:
    text = call.params.str(text_key) or ""
    parse_mode = call.params.str("parse_mode")
    try:
        plain, entities = parse_formatted(text, parse_mode, call.params.json(entities_key))
    except FormatError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    if len(plain) > limit:
        too_long = E.MESSAGE_TOO_LONG if text_key == "text" else "message caption is too long"
        raise bad_request(too_long)
    source_html = text if (parse_mode or "").lower() == "html" else None
    return plain, entities, source_html


def _reply_to(call: Call) -> int | None:
    parameters = call.params.json("reply_parameters")
    if isinstance(parameters, dict) and parameters.get("message_id"):
        return int(parameters["message_id"])
    return call.params.int("reply_to_message_id")


def _attach_markup(call: Call, chat: ChatState, message: ChatMessage) -> None:
    markup = parse_reply_markup(call.params.values.get("reply_markup"))
    if markup is None:
        return
    if "inline_keyboard" in markup:
        message.reply_markup = markup
    elif "keyboard" in markup or "remove_keyboard" in markup:
        chat.reply_keyboard = markup if "keyboard" in markup else None
        call.bot.emit(ChatEvent("reply_keyboard", chat.id, reply_keyboard=chat.reply_keyboard))


def _bot_message(call: Call, chat: ChatState, kind: str, text: str | None, entities: list,
                 media: dict | None = None, source_html: str | None = None) -> dict:
    message = ChatMessage(
        message_id=chat.next_message_id(),
        chat_id=chat.id,
        from_bot=True,
        sender_id=call.bot.id,
        date=int(time.time()),
        kind=kind,
        text=text,
        entities=entities,
        media=media or {},
        reply_to_message_id=_reply_to(call),
        source_html=source_html,
    )
    _attach_markup(call, chat, message)
    call.bot.add_message(chat, message)
    return call.bot.message_api(message, chat)


def send_message(call: Call) -> dict:
    chat = _chat(call)
    text, entities, source_html = _formatted(call, "text", "entities", MAX_TEXT)
    if not text.strip():
        raise bad_request(E.MESSAGE_TEXT_EMPTY)
    return _bot_message(call, chat, "text", text, entities, source_html=source_html)


def _file_from_param(call: Call, name: str) -> tuple[bytes, str | None, str | None]:
    """Bytes, file name and type for a file parameter: an upload, a known file_id or a URL."""
    value = call.params.str(name, required=True) or ""
    if value.startswith("attach://"):
        upload = call.params.uploads.get(value[len("attach://") :])
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return upload.data, upload.filename, upload.content_type
    if value in call.params.uploads:
        upload = call.params.uploads[value]
        return upload.data, upload.filename, upload.content_type
    stored = call.bot.files.get(value)
    if stored is not None:
        return stored.data, stored.file_name, stored.mime_type
    if value.startswith(("http://", "https://")):
        return b"", value.rsplit("/", 1)[-1] or "file", None
    raise bad_request("wrong file identifier/HTTP URL specified")


def send_document(call: Call) -> dict:
    chat = _chat(call)
    data, name, mime = _file_from_param(call, "document")
    caption, entities, source_html = _formatted(call, "caption", "caption_entities", MAX_CAPTION)
    document = document_object(call.bot, data, name or "document", mime)
    return _bot_message(call, chat, "document", caption or None, entities,
                        {"document": document}, source_html)


def send_photo(call: Call) -> dict:
    chat = _chat(call)
    data, _, _ = _file_from_param(call, "photo")
    caption, entities, source_html = _formatted(call, "caption", "caption_entities", MAX_CAPTION)
    return _bot_message(call, chat, "photo", caption or None, entities,
                        {"photo": photo_sizes(call.bot, data)}, source_html)


def _bot_owned(call: Call) -> tuple[ChatState, ChatMessage]:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = _chat(call, for_sending=False)
    message_id = call.params.int("message_id", required=True)
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request(E.MESSAGE_TO_EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request(E.MESSAGE_CANT_BE_EDITED)
    return chat, message


def _new_inline_markup(call: Call) -> dict | None:
    markup = parse_reply_markup(call.params.values.get("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def edit_message_text(call: Call) -> dict:
    chat, message = _bot_owned(call)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    text, entities, source_html = _formatted(call, "text", "entities", MAX_TEXT)
    if not text.strip():
        raise bad_request(E.MESSAGE_TEXT_EMPTY)
    # Editing the text without reply_markup removes the inline keyboard, as in Telegram.
    markup = _new_inline_markup(call)
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(E.MESSAGE_NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = text, entities, markup
    message.source_html = source_html
    call.bot.message_edited(chat, message)
    return call.bot.message_api(message, chat)


def edit_message_caption(call: Call) -> dict:
    chat, message = _bot_owned(call)
    if message.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    caption, entities, source_html = _formatted(call, "caption", "caption_entities", MAX_CAPTION)
    markup = _new_inline_markup(call)
    new = (caption or None, entities, markup)
    if new == (message.text, message.entities, message.reply_markup):
        raise bad_request(E.MESSAGE_NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = caption or None, entities, markup
    message.source_html = source_html
    call.bot.message_edited(chat, message)
    return call.bot.message_api(message, chat)


def edit_message_reply_markup(call: Call) -> dict:
    chat, message = _bot_owned(call)
    markup = _new_inline_markup(call)
    if markup == message.reply_markup:
        raise bad_request(E.MESSAGE_NOT_MODIFIED)
    message.reply_markup = markup
    call.bot.message_edited(chat, message)
    return call.bot.message_api(message, chat)


def delete_message(call: Call) -> bool:
    chat = _chat(call, for_sending=False)
    message_id = call.params.int("message_id", required=True)
    if message_id not in chat.messages:
        raise bad_request(E.MESSAGE_TO_DELETE_NOT_FOUND)
    if not chat.messages[message_id].from_bot and chat.chat["type"] != "private":
        raise bad_request("message can't be deleted")
    call.bot.delete_message(chat, message_id)
    return True


def delete_messages(call: Call) -> bool:
    chat = _chat(call, for_sending=False)
    for message_id in call.params.json("message_ids") or []:
        if int(message_id) in chat.messages:
            call.bot.delete_message(chat, int(message_id))
    return True


def answer_callback_query(call: Call) -> bool:
    query_id = call.params.str("callback_query_id", required=True) or ""
    pending = call.bot.callbacks.get(query_id)
    if pending is None or pending.answered or call.bot.callback_expired(pending):
        raise bad_request(E.QUERY_TOO_OLD)
    text = call.params.str("text")
    if text and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    answer = CallbackAnswer(
        query_id=query_id,
        message_id=pending.message_id,
        data=pending.data,
        text=text,
        show_alert=call.params.bool("show_alert"),
        url=call.params.str("url"),
        cache_time=call.params.int("cache_time", default=0) or 0,
    )
    chat = call.bot.chat(pending.chat_id)
    if chat is not None:
        chat.callback_answers.append(answer)
        chat.changed.notify()
        call.bot.emit(ChatEvent("callback_answer", chat.id, pending.message_id, answer=answer))
    return True


def send_chat_action(call: Call) -> bool:
    chat = _chat(call)
    action = call.params.str("action", required=True)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.chat_actions.append(action)
    chat.changed.notify()
    call.bot.emit(ChatEvent("chat_action", chat.id, action=action))
    return True


def _scope_key(call: Call) -> tuple[str, str]:
    scope = call.params.json("scope") or {"type": "default"}
    kind = scope.get("type", "default") if isinstance(scope, dict) else "default"
    if kind in ("chat", "chat_administrators"):
        kind = f"{kind}:{scope.get('chat_id')}"
    elif kind == "chat_member":
        kind = f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    language = call.params.str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return kind, language


def set_my_commands(call: Call) -> bool:
    commands = call.params.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be an array of at most 100 BotCommand")
    for c in commands:
        if not _COMMAND_RE.match(str(c.get("command", "")).lstrip("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(c.get("description", ""))) <= 256:
            raise bad_request("command description must be 1-256 characters")
    key = _scope_key(call)
    if commands:
        call.bot.commands[key] = [
            {"command": str(c["command"]).lstrip("/"), "description": c["description"]}
            for c in commands
        ]
    else:
        call.bot.commands.pop(key, None)
    return True


def get_my_commands(call: Call) -> list[dict]:
    return call.bot.commands.get(_scope_key(call), [])


def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_scope_key(call), None)
    return True


def get_file(call: Call) -> dict:
    file_id = call.params.str("file_id", required=True) or ""
    stored = call.bot.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD:
        raise bad_request(E.FILE_TOO_BIG)
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }


def set_webhook(call: Call) -> bool:
    url = call.params.str("url") or ""
    secret = call.params.str("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    allowed = call.params.json("allowed_updates")
    if allowed is not None:
        call.bot.allowed_updates = frozenset(allowed)
    if call.params.bool("drop_pending_updates"):
        call.bot.pending.clear()
    call.bot.webhook = (
        WebhookConfig(url, secret, call.params.int("max_connections", default=40) or 40)
        if url
        else None
    )
    call.on_webhook_change(call.bot)
    return True


def delete_webhook(call: Call) -> bool:
    if call.params.bool("drop_pending_updates"):
        call.bot.pending.clear()
    call.bot.webhook = None
    call.on_webhook_change(call.bot)
    return True


def get_webhook_info(call: Call) -> dict:
    hook = call.bot.webhook
    info: dict = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(call.bot.pending),
    }
    if hook:
        info["max_connections"] = hook.max_connections
        if hook.last_error_date:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    if call.bot.allowed_updates:
        info["allowed_updates"] = sorted(call.bot.allowed_updates)
    return info


async def get_updates(call: Call) -> list[dict]:
    if call.bot.webhook is not None:
        raise ApiError(409, E.CONFLICT_WEBHOOK)
    p = call.params
    limit = min(max(p.int("limit", default=100) or 100, 1), 100)
    timeout = max(p.int("timeout", default=0) or 0, 0)
    return await call.bot.get_updates(p.int("offset"), limit, timeout, p.json("allowed_updates"))


def get_chat(call: Call) -> dict:
    chat = _chat(call, for_sending=False)
    return {
        **chat.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def _setting(name: str) -> Handler:
    def store(call: Call) -> bool:
        call.bot.settings[name] = dict(call.params.values)
        return True

    return store


def _read_setting(name: str, key: str, default: Any) -> Handler:
    def read(call: Call) -> Any:
        stored = call.bot.settings.get(name) or {}
        return {key: stored.get(key, default)} if key else stored or default

    return read


METHODS: dict[str, Handler] = {
    name.lower(): handler
    for name, handler in {
        "getMe": lambda call: call.bot.profile,
        "getUpdates": get_updates,
        "sendMessage": send_message,
        "sendDocument": send_document,
        "sendPhoto": send_photo,
        "editMessageText": edit_message_text,
        "editMessageCaption": edit_message_caption,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "deleteMessages": delete_messages,
        "answerCallbackQuery": answer_callback_query,
        "sendChatAction": send_chat_action,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "getFile": get_file,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
        "getChat": get_chat,
        "close": lambda call: True,
        "logOut": lambda call: True,
        "setMyDescription": _setting("description"),
        "getMyDescription": _read_setting("description", "description", ""),
        "setMyShortDescription": _setting("short_description"),
        "getMyShortDescription": _read_setting("short_description", "short_description", ""),
        "setMyName": _setting("name"),
        "getMyName": lambda call: {"name": call.bot.profile["first_name"]},
        "setChatMenuButton": _setting("menu_button"),
        "getChatMenuButton": lambda call: {"type": "commands"},
    }.items()
}
