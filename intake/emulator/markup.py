"""reply_markup validation with the Bot API's limits (callback_data at most 64 bytes, ...)."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import BUTTON_DATA_INVALID, bad_request

__all__ = ["parse_reply_markup"]

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)
_CANT_PARSE = "can't parse reply keyboard markup JSON object"


def parse_reply_markup(raw: Any) -> dict | None:
    """Decode (JSON string or dict) and validate; a broken markup raises 400 like Telegram."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise bad_request(_CANT_PARSE) from exc
    if not isinstance(raw, dict):
        raise bad_request(_CANT_PARSE)
    if "inline_keyboard" in raw:
        _check_inline(raw["inline_keyboard"])
        return {"inline_keyboard": raw["inline_keyboard"]}
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" must be an Array of Array')
        normalized = [
            [b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows
        ]
        for row in normalized:
            for b in row:
                if not str(b.get("text", "")).strip():
                    raise bad_request("keyboard button text must be non-empty")
        return {**raw, "keyboard": normalized}
    if raw.get("remove_keyboard"):
        return {"remove_keyboard": True, **({"selective": True} if raw.get("selective") else {})}
    if raw.get("force_reply"):
        return dict(raw)
    raise bad_request(_CANT_PARSE)


def _check_inline(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Array')
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request('can\'t find field "text"')
            if not button["text"].strip():
                raise bad_request("BUTTON_TEXT_EMPTY")
            actions = [a for a in _INLINE_ACTIONS if a in button and button[a] is not None]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode("utf-8"))
                if size < 1 or size > 64:
                    raise bad_request(BUTTON_DATA_INVALID)
            url = button.get("url")
            if url is not None and not _URL_RE.match(str(url)):
                raise bad_request("BUTTON_URL_INVALID")
    if count > 100:
        raise bad_request("reply markup is too long")
