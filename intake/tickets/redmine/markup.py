"""Staff notes, written in Redmine's text formatting, as safe Telegram HTML.

Redmine stores a note as its author typed it: Textile (Redmine 5's default) or CommonMark,
whichever the server is set to (REDMINE_TEXT_FORMATTING; no REST call reveals it). Telegram
shows a small HTML subset. The conversion keeps what carries meaning in a chat (bold, italic,
strike, underline, inline code, code blocks, quotes, lists, headings as bold lines, links) and
drops the rest of the syntax, so the customer never sees ``*`` or ``h2.`` noise.

Safety: every piece of the note's text goes through ``html.escape``; the only tags in the
output are the ones written here, always balanced within one block; link targets must be
http(s) or mailto (anything else, e.g. ``javascript:``, becomes plain text). A note cannot
inject markup into the message around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import escape
from typing import Literal

Formatting = Literal["textile", "common_mark"]

TELEGRAM_LIMIT = 4096
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_url(url: str) -> str | None:
    url = url.strip()
    return url if url.lower().startswith(_SAFE_SCHEMES) and " " not in url else None


def link(url: str, text_html: str) -> str:
    target = safe_url(url)
    if target is None:
        return text_html
    return f'<a href="{escape(target, quote=True)}">{text_html}</a>'


# -- inline ---------------------------------------------------------------------------------------

Rule = tuple[str, Callable[[re.Match[str], Callable[[str], str]], str]]


def _tag(name: str, group: int = 1) -> Callable[[re.Match[str], Callable[[str], str]], str]:
    return lambda m, inline: f"<{name}>{inline(m.group(group))}</{name}>"


def _code(m: re.Match[str], _inline: Callable[[str], str]) -> str:
    return f"<code>{escape(m.group(1))}</code>"


def _link(text_group: int, url_group: int) -> Callable[[re.Match[str], Callable[[str], str]], str]:
    return lambda m, inline: link(m.group(url_group), inline(m.group(text_group)))


def _bare(m: re.Match[str], _inline: Callable[[str], str]) -> str:
    url = m.group(0)
    return link(url, escape(url))


_URL = r"(?:https?://|mailto:)[^\s<>\"]+[^\s<>\".,;:!?)\]]"
_MACRO: Rule = (r"\{\{[^{}]*\}\}", lambda m, inline: "")  # {{toc}}, {{collapse}}: Redmine's own

_TEXTILE_RULES: list[Rule] = [
    _MACRO,
    (r"@([^@\n]+)@", _code),
    (r"<code>(.+?)</code>", _code),
    (r'"([^"\n]+)":(' + _URL + r")", _link(1, 2)),
    (r"!(?:\{[^}]*\})?([^!\s][^!\n]*)!(?::\S+)?", lambda m, inline: ""),  # inline images
    (r"(?<![\w*])\*\*?(?=\S)([^*\n]+?)(?<=\S)\*\*?(?![\w*])", _tag("b")),
    (r"(?<![\w_])__?(?=\S)([^_\n]+?)(?<=\S)__?(?![\w_])", _tag("i")),
    (r"(?<![\w+])\+(?=\S)([^+\n]+?)(?<=\S)\+(?![\w+])", _tag("u")),
    (r"(?<![\w-])-(?=\S)([^-\n]+?)(?<=\S)-(?![\w-])", _tag("s")),
    (_URL, _bare),
]

_MARKDOWN_RULES: list[Rule] = [
    _MACRO,
    (r"`([^`\n]+)`", _code),
    (r"!\[([^\]\n]*)\]\([^)\n]*\)", lambda m, inline: inline(m.group(1))),  # image: its alt
    (r"\[([^\]\n]+)\]\(\s*(" + _URL + r")(?:\s+\"[^\"]*\")?\s*\)", _link(1, 2)),
    (
        r"\[([^\]\n]+)\]\([^()\n]*(?:\([^()\n]*\))?[^()\n]*\)",
        lambda m, inline: inline(m.group(1)),
    ),  # a target that is not http(s) or mailto
    (r"<(" + _URL + r")>", lambda m, inline: link(m.group(1), escape(m.group(1)))),
    (r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])", _tag("b")),
    (r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])", _tag("b")),
    (r"~~(?=\S)(.+?)(?<=\S)~~", _tag("s")),
    (r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", _tag("i")),
    (r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", _tag("i")),
    (r"<[a-zA-Z/][^<>\n]*>", lambda m, inline: ""),  # raw HTML tags: Redmine strips them too
    (_URL, _bare),
]


def _inline_converter(rules: list[Rule]) -> Callable[[str], str]:
    pattern = re.compile("|".join(f"({p})" for p, _ in rules), re.DOTALL)
    # Group numbers of each rule's whole match within the combined pattern.
    starts, n = [], 1
    for p, _ in rules:
        starts.append(n)
        n += 1 + re.compile(p).groups

    def inline(text: str) -> str:
        out, pos = [], 0
        for m in pattern.finditer(text):
            out.append(escape(text[pos : m.start()], quote=False))
            index = next(i for i, g in enumerate(starts) if m.group(g) is not None)
            sub = re.compile(rules[index][0], re.DOTALL).fullmatch(m.group(starts[index]))
            out.append(rules[index][1](sub, inline) if sub else escape(m.group(0), quote=False))
            pos = m.end()
        out.append(escape(text[pos:], quote=False))
        return "".join(out)

    return inline


_TEXTILE_INLINE = _inline_converter(_TEXTILE_RULES)
_MARKDOWN_INLINE = _inline_converter(_MARKDOWN_RULES)


# -- blocks ---------------------------------------------------------------------------------------


def _textile_blocks(text: str) -> Iterator[str]:
    """One balanced HTML string per block (line or code block)."""
    lines = text.split("\n")
    i, number = 0, 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not re.match(r"#+\s", stripped):
            number = 0
        if stripped.lower().startswith("<pre"):
            body = [re.sub(r"^\s*<pre[^>]*>", "", line)]
            while "</pre>" not in body[-1] and i + 1 < len(lines):
                i += 1
                body.append(lines[i])
            code = "\n".join(body).split("</pre>")[0]
            code = re.sub(r"</?code[^>]*>", "", code)
            yield f"<pre>{escape(code.strip(chr(10)), quote=False)}</pre>"
        elif m := re.match(r"bc\.\s?(.*)$", stripped):
            yield f"<pre>{escape(m.group(1), quote=False)}</pre>"
        elif m := re.match(r"h[1-6]\.\s+(.*)$", stripped):
            yield f"<b>{_TEXTILE_INLINE(m.group(1))}</b>"
        elif m := re.match(r"bq\.\s+(.*)$", stripped):
            yield f"<blockquote>{_TEXTILE_INLINE(m.group(1))}</blockquote>"
        elif m := re.match(r"([*#]+)\s+(.*)$", stripped):
            depth = len(m.group(1))
            if m.group(1)[-1] == "#":
                number += 1
            bullet = f"{number}." if m.group(1)[-1] == "#" else "•"
            yield "  " * (depth - 1) + f"{bullet} {_TEXTILE_INLINE(m.group(2))}"
        elif m := re.match(r"p\.\s+(.*)$", stripped):
            yield _TEXTILE_INLINE(m.group(1))
        elif stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            yield " | ".join(_TEXTILE_INLINE(re.sub(r"^_\.\s*", "", c)) for c in cells)
        else:
            yield _TEXTILE_INLINE(line.rstrip())
        i += 1


def _markdown_blocks(text: str) -> Iterator[str]:
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if m := re.match(r"(`{3,}|~{3,})", stripped):
            fence, body = m.group(1), []
            while i + 1 < len(lines) and not lines[i + 1].strip().startswith(fence):
                i += 1
                body.append(lines[i])
            i += 1  # the closing fence (or the end)
            yield f"<pre>{escape(chr(10).join(body), quote=False)}</pre>"
        elif m := re.match(r"#{1,6}\s+(.*?)\s*#*$", stripped):
            yield f"<b>{_MARKDOWN_INLINE(m.group(1))}</b>"
        elif m := re.match(r">\s?(.*)$", stripped):
            yield f"<blockquote>{_MARKDOWN_INLINE(m.group(1))}</blockquote>"
        elif m := re.match(r"(\s*)[-*+]\s+(.*)$", line):
            yield " " * len(m.group(1)) + f"• {_MARKDOWN_INLINE(m.group(2))}"
        elif re.fullmatch(r"([-*_])(\s*\1){2,}", stripped):
            yield "———"
        elif stripped.startswith("|") and stripped.endswith("|"):
            if re.fullmatch(r"[|:\-\s]+", stripped):
                i += 1
                continue
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            yield " | ".join(_MARKDOWN_INLINE(c) for c in cells)
        else:
            yield _MARKDOWN_INLINE(line.rstrip())
        i += 1


def to_telegram_blocks(text: str, formatting: Formatting) -> list[str]:
    """The note as balanced HTML blocks (one per line or code block)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    blocks = _textile_blocks(text) if formatting == "textile" else _markdown_blocks(text)
    out: list[str] = []
    for block in blocks:
        if block == "" and (not out or out[-1] == ""):
            continue  # one blank line between paragraphs is enough
        out.append(block)
    while out and out[-1] == "":
        out.pop()
    return out


def to_telegram_html(text: str, formatting: Formatting) -> str:
    return "\n".join(to_telegram_blocks(text, formatting))


def strip_tags(html: str) -> str:
    """A block's text without its tags, still escaped (cut anywhere, or unescaped as text)."""
    return re.sub(r"<[^>]+>", "", html)


def split_html(blocks: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Messages of at most ``limit`` characters, cut between blocks so no tag is broken.

    A block longer than ``limit`` on its own loses its formatting and is cut between
    characters, never inside an escape such as ``&amp;``.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        if len(block) > limit:
            if current:
                messages.append(current)
                current = ""
            messages.extend(_cut(strip_tags(block), limit))
            continue
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current.strip():
        messages.append(current)
    return [m for m in messages if m.strip()]


def _cut(escaped: str, limit: int) -> list[str]:
    pieces = []
    while len(escaped) > limit:
        at = escaped.rfind("\n", 0, limit)
        if at <= 0:
            at = limit
            amp = escaped.rfind("&", max(0, at - 8), at)
            if amp != -1 and ";" not in escaped[amp:at]:
                at = amp  # do not split an entity
        pieces.append(escaped[:at])
        escaped = escaped[at:].lstrip("\n")
    if escaped:
        pieces.append(escaped)
    return pieces
