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

from ._html import parse_html
from ._markdown import parse_markdown_legacy, parse_markdown_v2
from ._text import FormatError, utf16_len, utf16_slice

__all__ = [
    "FormatError",
    "entities_to_html",
    "parse_formatted",
    "parse_html",
    "parse_markdown_legacy",
    "parse_markdown_v2",
    "utf16_len",
    "utf16_slice",
]


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
