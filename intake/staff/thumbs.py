"""Image thumbnails for the conversation page, re-encoded so no original bytes are inlined.

Re-encoding means a file that claims to be an image but carries HTML or SVG script never
reaches the page as such. Runs in a thread (Pillow is CPU work).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

THUMBNAIL_SIZE = (360, 360)
MAX_PIXELS = 40_000_000


def make_thumbnail(data: bytes) -> bytes | None:
    """A PNG (with transparency) or JPEG at most 360 px a side, or None if not an image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.thumbnail(THUMBNAIL_SIZE)
                keep_alpha = image.mode in ("RGBA", "LA", "P")
                converted = image.convert("RGBA" if keep_alpha else "RGB")
                out = io.BytesIO()
                if keep_alpha:
                    converted.save(out, format="PNG", optimize=True)
                else:
                    converted.save(out, format="JPEG", quality=82)
                return out.getvalue()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return None
