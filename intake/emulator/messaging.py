"""Sending, editing and deleting messages, with Telegram's limits and wording."""

from __future__ import annotations

import time

from . import errors as E
from .errors import ApiError, bad_request
from .markup import parse_reply_markup
from .media import document_object, photo_sizes
from .models import ChatEvent, ChatMessage
from .params import Call
from .state import ChatState
from .textfmt import FormatError, parse_formatted

__all__ = [
    "chat_for",
    "delete_message",
    "delete_messages",
    "edit_message_caption",
    "edit_message_reply_markup",
    "edit_message_text",
    "send_document",
    "send_message",
    "send_photo",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024


def chat_for(call: Call, *, for_sending: bool = True) -> ChatState:
    raw = call.params.values.get("chat_id")
    if raw in (None, ""):
        raise bad_request("chat_id is empty")
    chat = None
    if isinstance(raw, str) and raw.startswith("@"):
        name = raw[1:].lower()
        chat = next(
            (
                c
                for c in call.bot.chats.values()
                if str(c.chat.get("username", "")).lower() == name
            ),
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


def _bot_message(
    call: Call,
    chat: ChatState,
    kind: str,
    text: str | None,
    entities: list,
    media: dict | None = None,
    source_html: str | None = None,
) -> dict:
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
    chat = chat_for(call)
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
    chat = chat_for(call)
    data, name, mime = _file_from_param(call, "document")
    caption, entities, source_html = _formatted(call, "caption", "caption_entities", MAX_CAPTION)
    document = document_object(call.bot, data, name or "document", mime)
    return _bot_message(
        call, chat, "document", caption or None, entities, {"document": document}, source_html
    )


def send_photo(call: Call) -> dict:
    chat = chat_for(call)
    data, _, _ = _file_from_param(call, "photo")
    caption, entities, source_html = _formatted(call, "caption", "caption_entities", MAX_CAPTION)
    return _bot_message(
        call,
        chat,
        "photo",
        caption or None,
        entities,
        {"photo": photo_sizes(call.bot, data)},
        source_html,
    )


def _bot_owned(call: Call) -> tuple[ChatState, ChatMessage]:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = chat_for(call, for_sending=False)
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
    call.bot.message_edited(chat, message, markup_only=True)
    return call.bot.message_api(message, chat)


def delete_message(call: Call) -> bool:
    chat = chat_for(call, for_sending=False)
    message_id = call.params.int("message_id", required=True)
    if message_id not in chat.messages:
        raise bad_request(E.MESSAGE_TO_DELETE_NOT_FOUND)
    if not chat.messages[message_id].from_bot and chat.chat["type"] != "private":
        raise bad_request("message can't be deleted")
    call.bot.delete_message(chat, message_id)
    return True


def delete_messages(call: Call) -> bool:
    chat = chat_for(call, for_sending=False)
    for message_id in call.params.json("message_ids") or []:
        if int(message_id) in chat.messages:
            call.bot.delete_message(chat, int(message_id))
    return True
