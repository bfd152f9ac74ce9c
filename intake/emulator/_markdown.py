"""MarkdownV2 (strict: reserved characters must be escaped) and legacy Markdown parse modes."""

from __future__ import annotations

import re

from ._text import FormatError, byte_offset, utf16_len

__all__ = ["parse_markdown_legacy", "parse_markdown_v2"]


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
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
                    f"Can't find end of Pre entity at byte offset {byte_offset(text, i)}"
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
                    f"Can't find end of Code entity at byte offset {byte_offset(text, i)}"
                )
            start = pos16
            emit(re.sub(r"\\([`\\])", r"\1", text[i + 1 : end]))
            entities.append({"type": "code", "offset": start, "length": pos16 - start})
            i = end + 1
            continue
        if c == "[":
            stack.append(("[", pos16, byte_offset(text, i)))
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
            entities.append(
                {"type": "text_link", "offset": start, "length": pos16 - start, "url": url}
            )
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
                stack.append((marker, pos16, byte_offset(text, i)))
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
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
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
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
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
            entities.append(
                {
                    "type": "text_link",
                    "offset": pos16,
                    "length": utf16_len(body),
                    "url": m.group(2),
                }
            )
            out.append(body)
            pos16 += utf16_len(body)
            i += m.end()
            continue
        out.append(c)
        pos16 += utf16_len(c)
        i += 1
    return "".join(out), [e for e in entities if e["length"] > 0]
