"""Message formatting as the Bot API does it: HTML and MarkdownV2 in, plain text and entities out.

The emulator parses formatting the strict way Telegram does, so a bot that builds invalid HTML
(an unescaped ``<`` from user input, a ``<br>``) fails in tests rather than in production. The
reverse direction, :func:`entities_to_html`, renders any message as safe HTML for a web chat:
everything is escaped and rebuilt from entities, never copied from the bot's markup.
Entity offsets and lengths count UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = [
    "FormatError",
    "entities_to_html",
    "parse_formatted",
    "parse_html",
    "parse_markdown_v2",
    "utf16_len",
]


class FormatError(ValueError):
    """Unparsable text; ``str(err)`` is Telegram's wording after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le", errors="replace")


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[dict] | None = None
) -> tuple[str, list[dict]]:
    """Plain text and entities for a message; explicit ``entities`` win over ``parse_mode``."""
    if entities:
        return text, _normalize_entities(entities)
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown_legacy(text)
    raise FormatError(f"unsupported parse_mode {parse_mode!r}")


def _normalize_entities(entities: list[dict]) -> list[dict]:
    out = []
    for e in entities:
        if not isinstance(e, dict) or "type" not in e:
            raise FormatError("entity without type")
        try:
            offset, length = int(e["offset"]), int(e["length"])
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError("entity without offset or length") from exc
        if length > 0:
            out.append({**e, "offset": offset, "length": length})
    return sorted(out, key=lambda e: (e["offset"], -e["length"]))


# --- HTML ------------------------------------------------------------------------------------

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


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


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
                raise FormatError(
                    f'Unexpected end tag at byte offset {_byte_offset(text, i)}'
                )
            top = stack.pop()
            if name and name != top.tag:
                raise FormatError(
                    f'Unmatched end tag at byte offset {_byte_offset(text, i)}, '
                    f'expected "</{top.tag}>", found "</{name}>"'
                )
            _close_entity(top, stack[-1] if stack else None, pos16, entities)
            i = close + 1
            continue
        m = _TAG_NAME.match(text, i)
        name = m.group(1).lower() if m else ""
        if name not in _SIMPLE_TAGS or close == -1:
            raise FormatError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
            )
        attrs = {
            a.group(1).lower(): html.unescape((a.group(2) or "").strip("\"'"))
            for a in _ATTR_RE.finditer(text[i + 1 + len(name) : close])
            if a.group(1)
        }
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise FormatError('Tag "span" must have class "tg-spoiler"')
        stack.append(_Open(name, attrs, pos16, _byte_offset(text, i)))
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
    elif top.tag == "blockquote" and "expandable" in top.attrs:
        entity["type"] = "expandable_blockquote"
    elif top.tag == "pre" and top.attrs.get("language"):
        entity["language"] = top.attrs["language"]
    entities.append(entity)


# --- MarkdownV2 --------------------------------------------------------------------------------

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {
    "*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"
}


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    """MarkdownV2 with Telegram's rule that every reserved character outside markup is escaped."""
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, int, int]] = []  # (marker, start16, byte offset)
    entities: list[dict] = []
    i, n = 0, len(text)

    def emit(s: str) -> None:
        nonlocal pos16
        out.append(s)
        pos16 += utf16_len(s)

    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            emit(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end == -1:
                raise FormatError(
                    f"Can't find end of Pre entity at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + 3 : end]
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            body = re.sub(r"\\([`\\])", r"\1", body)
            start = pos16
            emit(body)
            entity = {"type": "pre", "offset": start, "length": pos16 - start}
            if language:
                entity["language"] = language
            entities.append(entity)
            i = end + 3
            continue
        if c == "`":
            end = text.find("`", i + 1)
            if end == -1:
                raise FormatError(
                    f"Can't find end of Code entity at byte offset {_byte_offset(text, i)}"
                )
            start = pos16
            emit(re.sub(r"\\([`\\])", r"\1", text[i + 1 : end]))
            entities.append({"type": "code", "offset": start, "length": pos16 - start})
            i = end + 1
            continue
        if c == "[":
            stack.append(("[", pos16, _byte_offset(text, i)))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            _, start, _ = stack.pop()
            m = re.match(r"\]\(((?:\\.|[^)\\])*)\)", text[i:])
            if not m:
                raise FormatError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            url = re.sub(r"\\(.)", r"\1", m.group(1))
            entities.append({"type": "text_link", "offset": start, "length": pos16 - start,
                             "url": url})
            i += m.end()
            continue
        marker = text[i : i + 2] if text[i : i + 2] in ("__", "||") else c
        if marker in _MDV2_MARKERS:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                if pos16 > start:
                    entities.append(
                        {"type": _MDV2_MARKERS[marker], "offset": start, "length": pos16 - start}
                    )
            else:
                stack.append((marker, pos16, _byte_offset(text, i)))
            i += len(marker)
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            end = text.find("\n", i)
            end = n if end == -1 else end
            start = pos16
            inner, inner_entities = parse_markdown_v2(text[i + 1 : end])
            for e in inner_entities:
                entities.append({**e, "offset": e["offset"] + start})
            emit(inner)
            entities.append({"type": "blockquote", "offset": start, "length": pos16 - start})
            i = end
            continue
        if c in _MDV2_RESERVED:
            raise FormatError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(c)
        i += 1
    if stack:
        marker, _, offset = stack[-1]
        kind = "TextUrl" if marker == "[" else _MDV2_MARKERS[marker].capitalize()
        raise FormatError(f"Can't find end of {kind} entity at byte offset {offset}")
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def parse_markdown_legacy(text: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: ``*bold*``, ``_italic_``, backticks, ``[text](url)``; no escaping."""
    out: list[str] = []
    pos16 = 0
    entities: list[dict] = []
    i, n = 0, len(text)
    pairs = {"*": "bold", "_": "italic", "`": "code"}
    while i < n:
        c = text[i]
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end == -1:
                raise FormatError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + 3 : end]
            entities.append({"type": "pre", "offset": pos16, "length": utf16_len(body)})
            out.append(body)
            pos16 += utf16_len(body)
            i = end + 3
            continue
        if c in pairs:
            end = text.find(c, i + 1)
            if end == -1:
                raise FormatError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + 1 : end]
            if body:
                entities.append({"type": pairs[c], "offset": pos16, "length": utf16_len(body)})
            out.append(body)
            pos16 += utf16_len(body)
            i = end + 1
            continue
        m = re.match(r"\[([^\]]*)\]\(([^)]*)\)", text[i:]) if c == "[" else None
        if m:
            body = m.group(1)
            entities.append({"type": "text_link", "offset": pos16, "length": utf16_len(body),
                             "url": m.group(2)})
            out.append(body)
            pos16 += utf16_len(body)
            i += m.end()
            continue
        out.append(c)
        pos16 += utf16_len(c)
        i += 1
    return "".join(out), [e for e in entities if e["length"] > 0]


# --- rendering -------------------------------------------------------------------------------

_SAFE_URL = re.compile(r"^(https?://|tg://|mailto:)", re.IGNORECASE)


def _open_tag(e: dict, inner_text: str) -> tuple[str, str]:
    t = e["type"]
    simple = {"bold": "b", "italic": "i", "underline": "u", "strikethrough": "s", "code": "code"}
    if t in simple:
        return f"<{simple[t]}>", f"</{simple[t]}>"
    if t == "spoiler":
        return '<span class="tg-spoiler">', "</span>"
    if t == "pre":
        lang = e.get("language")
        if lang:
            cls = html.escape(f"language-{lang}", quote=True)
            return f'<pre><code class="{cls}">', "</code></pre>"
        return "<pre>", "</pre>"
    if t in ("blockquote", "expandable_blockquote"):
        extra = " expandable" if t == "expandable_blockquote" else ""
        return f"<blockquote{extra}>", "</blockquote>"
    if t in ("text_link", "url"):
        url = e.get("url") if t == "text_link" else inner_text
        if url and t == "url" and not _SAFE_URL.match(url):
            url = "http://" + url
        if url and _SAFE_URL.match(url):
            href = html.escape(url, quote=True)
            return f'<a href="{href}" rel="noopener noreferrer" target="_blank">', "</a>"
        return "", ""
    if t in ("bot_command", "mention", "hashtag", "cashtag", "email", "phone_number"):
        return f'<span class="tg-{t.replace("_", "-")}">', "</span>"
    return "", ""


def entities_to_html(text: str, entities: list[dict] | None) -> str:
    """Safe HTML for a web chat: the text escaped, entities as tags, newlines kept as text."""
    if not entities:
        return html.escape(text, quote=False)
    ents = sorted(
        (e for e in entities if e.get("length", 0) > 0),
        key=lambda e: (e["offset"], -e["length"]),
    )
    return _render(text, 0, utf16_len(text), ents)


def _render(text: str, start: int, end: int, ents: list[dict]) -> str:
    parts: list[str] = []
    pos = start
    i = 0
    while i < len(ents):
        e = ents[i]
        e_start = max(e["offset"], pos)
        e_end = min(e["offset"] + e["length"], end)
        j = i + 1
        children = []
        while j < len(ents) and ents[j]["offset"] < e_end:
            child = ents[j]
            c_end = min(child["offset"] + child["length"], e_end)
            if c_end > child["offset"]:
                children.append({**child, "length": c_end - child["offset"]})
            j += 1
        if e_end > e_start:
            parts.append(html.escape(utf16_slice(text, pos, e_start), quote=False))
            open_tag, close_tag = _open_tag(e, utf16_slice(text, e_start, e_end))
            parts.append(open_tag + _render(text, e_start, e_end, children) + close_tag)
            pos = e_end
        i = j
    parts.append(html.escape(utf16_slice(text, pos, end), quote=False))
    return "".join(parts)
