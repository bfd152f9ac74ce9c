"""Text primitives shared by the formatting parsers: UTF-16 units, byte offsets, the error."""

from __future__ import annotations

__all__ = ["FormatError", "byte_offset", "utf16_len", "utf16_slice"]


class FormatError(ValueError):
    """Unparsable text; ``str(err)`` is Telegram's wording after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le", errors="replace")


def byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of ``text[index]``, as Telegram's error messages count."""
    return len(text[:index].encode("utf-8"))
