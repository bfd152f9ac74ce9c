"""The Bot API methods the emulator implements, each checked the way Telegram checks it.

A method is ``handler(call) -> result``; errors are raised as :class:`ApiError` with
Telegram's wording so aiogram raises the same exception class it would in production.
"""

from __future__ import annotations

import re
from typing import Any

from . import errors as E
from .errors import ApiError, bad_request
from .messaging import (
    chat_for,
    delete_message,
    delete_messages,
    edit_message_caption,
    edit_message_reply_markup,
    edit_message_text,
    send_document,
    send_message,
    send_photo,
)
from .models import CallbackAnswer, ChatEvent
from .params import Call, Handler
from .state import WebhookConfig

__all__ = ["METHODS"]

MAX_DOWNLOAD = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


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
    chat = chat_for(call)
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
    chat = chat_for(call, for_sending=False)
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
