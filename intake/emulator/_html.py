"""Telegram's HTML parse mode: its tags, four named entities, and its errors."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ._text import FormatError, byte_offset, utf16_len

__all__ = ["parse_html"]


_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",  # Bot API 9.5: shown in the reader's own time zone and format
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_:-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start16: int
    byte_offset: int


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Telegram's HTML: only its tags and four named entities; an unescaped ``<`` is an error."""
    out: list[str] = []
    pos16 = 0
    stack: list[_Open] = []
    entities: list[dict] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded, consumed = _decode_entity(text, i)
            if consumed:
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i += consumed
                continue
        if c != "<":
            out.append(c)
            pos16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        close = _tag_end(text, i)
        if text.startswith("</", i):
            name = text[i + 2 : close if close != -1 else n].strip().lower()
            if close == -1:
                raise FormatError(f"Can't find end tag corresponding to start tag {name!r}")
            if not stack:
                raise FormatError(f"Unexpected end tag at byte offset {byte_offset(text, i)}")
            top = stack.pop()
            if name and name != top.tag:
                raise FormatError(
                    f"Unmatched end tag at byte offset {byte_offset(text, i)}, "
                    f'expected "</{top.tag}>", found "</{name}>"'
                )
            _close_entity(top, stack[-1] if stack else None, pos16, entities)
            i = close + 1
            continue
        m = _TAG_NAME.match(text, i)
        name = m.group(1).lower() if m else ""
        if name not in _SIMPLE_TAGS or close == -1:
            raise FormatError(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(text, i)}'
            )
        attrs = {
            a.group(1).lower(): html.unescape((a.group(2) or "").strip("\"'"))
            for a in _ATTR_RE.finditer(text[i + 1 + len(name) : close])
            if a.group(1)
        }
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise FormatError('Tag "span" must have class "tg-spoiler"')
        stack.append(_Open(name, attrs, pos16, byte_offset(text, i)))
        i = close + 1
    if stack:
        raise FormatError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _tag_end(text: str, start: int) -> int:
    """Index of the ``>`` closing the tag at ``start`` (a ``>`` inside quotes does not), or -1."""
    quote = ""
    for j in range(start + 1, len(text)):
        c = text[j]
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == ">":
            return j
    return -1


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode ``&...;`` at ``i``; (``""``, 0) when it is no entity (then ``&`` stays text)."""
    m = _ENTITY.match(text, i, i + 12)
    if not m:
        return "", 0
    body = m.group(1)
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
            return chr(code), m.end() - i
        except (ValueError, OverflowError):
            return "", 0
    if body.lower() in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body.lower()], m.end() - i
    return "", 0


def _close_entity(top: _Open, parent: _Open | None, end16: int, entities: list[dict]) -> None:
    length = end16 - top.start16
    if top.tag == "code" and parent is not None and parent.tag == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, not two entities.
        cls = top.attrs.get("class", "")
        if cls.startswith("language-"):
            parent.attrs["language"] = cls[len("language-") :]
        return
    if length <= 0:
        return
    entity: dict = {"type": _SIMPLE_TAGS[top.tag], "offset": top.start16, "length": length}
    if top.tag == "a":
        entity["url"] = top.attrs.get("href", "")
    elif top.tag == "tg-emoji":
        entity["custom_emoji_id"] = top.attrs.get("emoji-id", "")
    elif top.tag == "tg-time":
        unix = top.attrs.get("unix", "")
        if not unix.isdigit():
            raise FormatError('Tag "tg-time" must have a valid "unix" attribute')
        entity["unix_time"] = int(unix)
        if top.attrs.get("format"):
            entity["date_time_format"] = top.attrs["format"]
    elif top.tag == "blockquote" and "expandable" in top.attrs:
        entity["type"] = "expandable_blockquote"
    elif top.tag == "pre" and top.attrs.get("language"):
        entity["language"] = top.attrs["language"]
    entities.append(entity)
