"""Telegram media objects (photo sizes, documents, stickers, voice) built over stored bytes."""

from __future__ import annotations

import base64
import io
import mimetypes

from .state import BotState

__all__ = ["TINY_PNG", "document_object", "image_size", "photo_sizes"]

# A valid 1x1 PNG, for tests that only need "a photo".
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height when Pillow can read the image, else a typical phone photo size."""
    try:
        from PIL import Image  # a project dependency; optional for the emulator

        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except Exception:
        return 1280, 960


def photo_sizes(bot: BotState, data: bytes) -> list[dict]:
    """PhotoSize objects smallest first, like Telegram; every size serves the original bytes.

    Telegram re-encodes each size; the emulator does not, so a bot that downloads any size
    gets exactly what the person sent (the largest size is what bots normally fetch).
    """
    width, height = image_size(data)
    longest = max(width, height, 1)
    targets = [t for t in (90, 320, 800) if t < longest] + [min(longest, 1280)]
    sizes = []
    for target in targets:
        scale = target / longest
        stored = bot.store_file(data, folder="photos", extension="jpg", mime_type="image/jpeg")
        sizes.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
            }
        )
    return sizes


def document_object(
    bot: BotState,
    data: bytes,
    file_name: str,
    mime_type: str | None,
    file_size: int | None = None,
) -> dict:
    mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
    stored = bot.store_file(
        data,
        folder="documents",
        extension=extension,
        file_name=file_name,
        mime_type=mime,
        file_size=file_size,
    )
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": file_name,
        "mime_type": mime,
        "file_size": stored.file_size,
    }


def sticker_object(bot: BotState, emoji: str) -> dict:
    stored = bot.store_file(
        b"RIFF\x00\x00\x00\x00WEBP", folder="stickers", extension="webp", mime_type="image/webp"
    )
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": "EmulatorStickers",
        "file_size": stored.file_size,
    }


def voice_object(bot: BotState, data: bytes, duration: int) -> dict:
    stored = bot.store_file(data, folder="voice", extension="oga", mime_type="audio/ogg")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": stored.file_size,
    }
