"""Attachments the tests (and bench/attachments.py) make for themselves.

Screenshots are drawn with Pillow and Debian's fonts (fonts-noto-cjk, fonts-dejavu-core):
dialogs, browser pages and terminals, with icons that OCR may read as stray glyphs. PDFs are
written by hand (a text PDF needs only a few objects) or by Pillow (image-only "scans").
Nothing here touches the network and nothing big is committed.
"""

from __future__ import annotations

import io
import random
import zipfile
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_CJK_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
# Face index inside the Noto CJK collection for each script's regional design.
CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2, "zh_Hant": 3}


def fonts_available() -> bool:
    return NOTO_CJK.exists() and DEJAVU.exists() and DEJAVU_MONO.exists()


@cache
def font(size: int, lang: str = "en", mono: bool = False, bold: bool = False):
    if mono:
        if lang in CJK_INDEX:  # Noto Sans Mono CJK: the collection's faces 5-8
            return ImageFont.truetype(str(NOTO_CJK), size, index=5 + CJK_INDEX[lang])
        return ImageFont.truetype(str(DEJAVU_MONO), size)
    path = NOTO_CJK_BOLD if bold else NOTO_CJK
    if lang in CJK_INDEX or lang == "ru" or lang == "en":
        # Noto CJK also has Latin and Cyrillic; use the regional face for CJK text.
        return ImageFont.truetype(str(path), size, index=CJK_INDEX.get(lang, 2))
    return ImageFont.truetype(str(DEJAVU), size)  # Arabic, Hebrew, Greek, accented Latin


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _icons(draw: ImageDraw.ImageDraw, x: int, y: int, rng: random.Random, size: int = 18) -> None:
    """A row of toolbar icons: the shapes OCR likes to read as 口, 田 or stray letters."""
    for i in range(6):
        left = x + i * (size + 14)
        kind = rng.choice(["box", "circle", "menu", "grid", "star"])
        box = (left, y, left + size, y + size)
        if kind == "box":
            draw.rectangle(box, outline=(90, 90, 90), width=2)
        elif kind == "circle":
            draw.ellipse(box, outline=(90, 90, 90), width=2)
        elif kind == "menu":
            for k in range(3):
                row = y + 3 + k * 6
                draw.line((left, row, left + size, row), fill=(60, 60, 60), width=2)
        elif kind == "grid":
            draw.rectangle(box, outline=(90, 90, 90), width=2)
            mid_x, mid_y = left + size // 2, y + size // 2
            draw.line((mid_x, y, mid_x, y + size), fill=(90, 90, 90), width=2)
            draw.line((left, mid_y, left + size, mid_y), fill=(90, 90, 90), width=2)
        else:
            cx, cy, r = left + size // 2, y + size // 2, size // 2
            draw.polygon(
                [
                    (cx, cy - r),
                    (cx + r, cy + r),
                    (cx - r, cy - 2),
                    (cx + r, cy - 2),
                    (cx - r, cy + r),
                ],
                outline=(90, 90, 90),
            )


def dialog(
    title: str,
    body: list[str],
    buttons: list[str],
    lang: str = "en",
    scale: float = 1.0,
    seed: int = 1,
    dark: bool = False,
) -> Image.Image:
    """An application window with a title bar, toolbar icons, text and buttons."""
    rng = random.Random(seed)
    size = max(10, int(16 * scale))
    width, height = int(720 * scale), int((200 + 30 * len(body)) * scale)
    background, ink = ((32, 33, 36), (225, 225, 225)) if dark else ((245, 245, 245), (20, 20, 20))
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, int(36 * scale)), fill=(55, 60, 75) if dark else (40, 90, 160))
    draw.text(
        (int(14 * scale), int(8 * scale)), title, font=font(size, lang, bold=True), fill="white"
    )
    _icons(draw, int(14 * scale), int(50 * scale), rng, size=int(18 * scale))
    y = int(90 * scale)
    for line in body:
        draw.text((int(20 * scale), y), line, font=font(size, lang), fill=ink)
        y += int(30 * scale)
    bx = width - int(20 * scale)
    for label in reversed(buttons):
        w = int(draw.textlength(label, font=font(size, lang))) + int(30 * scale)
        box = (bx - w, height - int(56 * scale), bx, height - int(20 * scale))
        draw.rounded_rectangle(box, radius=6, fill=(40, 90, 160))
        draw.text(
            (box[0] + int(15 * scale), box[1] + int(8 * scale)),
            label,
            font=font(size, lang),
            fill="white",
        )
        bx -= w + int(14 * scale)
    return image


def browser(
    url: str, heading: str, paragraphs: list[str], lang: str = "en", seed: int = 2
) -> Image.Image:
    """A browser window: tabs, address bar, a page with a heading, text and a sidebar."""
    rng = random.Random(seed)
    width, height = 1280, 200 + 34 * len(paragraphs) + 120
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 80), fill=(222, 225, 230))
    draw.rounded_rectangle((10, 6, 240, 34), radius=6, fill="white")
    draw.text((20, 10), "Orangesky", font=font(14, "en"), fill="black")
    draw.rounded_rectangle((120, 44, width - 120, 72), radius=12, fill="white")
    draw.text((140, 48), url, font=font(15, "en"), fill=(60, 60, 60))
    _icons(draw, 10, 48, rng, size=16)
    _icons(draw, width - 110, 48, rng, size=14)
    draw.rectangle((0, 80, 220, height), fill=(247, 247, 250))
    for i in range(6):
        top = 110 + i * 40
        draw.rounded_rectangle((20, top, 200, top + 20), radius=4, fill=(225, 228, 235))
    draw.text((260, 100), heading, font=font(30, lang, bold=True), fill=(20, 20, 20))
    y = 160
    for paragraph in paragraphs:
        draw.text((260, y), paragraph, font=font(18, lang), fill=(40, 40, 40))
        y += 34
    return image


def terminal(lines: list[str], width: int = 1000, lang: str = "en") -> Image.Image:
    """A dark terminal with monospace output (logs, stack traces)."""
    height = 40 + 22 * len(lines)
    image = Image.new("RGB", (width, height), (30, 30, 30))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((12, 14 + 22 * i), line, font=font(15, lang, mono=True), fill=(220, 220, 220))
    return image


def phone(lines: list[str], lang: str) -> Image.Image:
    """A phone screenshot: tall, with a status bar, a list of settings and toggles."""
    width, height = 540, 120 + 70 * len(lines)
    image = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.text((20, 8), "9:41", font=font(18, "en"), fill="black")
    draw.rectangle((480, 12, 515, 26), outline="black", width=2)
    y = 60
    for line in lines:
        draw.text((24, y), line, font=font(24, lang), fill=(20, 20, 20))
        draw.rounded_rectangle((440, y + 2, 500, y + 32), radius=15, fill=(80, 200, 120))
        draw.ellipse((470, y + 4, 498, y + 30), fill="white")
        draw.line((24, y + 52, width - 24, y + 52), fill=(220, 220, 220))
        y += 70
    return image


def photo(seed: int = 3, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A 'photo' with no text: a gradient sky, noise and a few blurred shapes."""
    rng = random.Random(seed)
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (
            gradient.point(lambda v: 90 + v // 3),
            gradient.point(lambda v: 140 + v // 4),
            gradient.point(lambda v: 200 + v // 6),
        ),
    )
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(width), rng.randrange(height // 2, height), rng.randrange(20, 120)
        draw.ellipse(
            (x - r, y - r, x + r, y + r),
            fill=(rng.randrange(40, 120), rng.randrange(80, 160), rng.randrange(30, 90)),
        )
    noise = Image.effect_noise(size, 40).convert("RGB")
    return Image.blend(image, noise, 0.25)


def text_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with real text (Helvetica, WinAnsi; Latin text only)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = (
        "BT /F1 12 Tf 72 720 Td 16 TL\n"
        + "".join(f"({esc(line)}) Tj T*\n" for line in lines)
        + "ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    return _assemble_pdf(objects)


def cjk_text_pdf(text: str) -> bytes:
    """A one-page PDF whose text is Chinese, with a ToUnicode map so extractors can read it.

    The glyphs are not embedded (viewers substitute a font); only the text layer matters here.
    """
    codes = [ord(ch) for ch in text]
    hexstr = "".join(f"{c:04X}" for c in codes)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(codes)} beginbfchar\n"
        + "".join(f"<{c:04X}> <{c:04X}>\n" for c in sorted(set(codes)))
        + "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    stream = f"BT /F1 14 Tf 72 720 Td <{hexstr}> Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
    ]
    return _assemble_pdf(objects)


def _assemble_pdf(objects: list[str]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def image_pdf(images: list[Image.Image]) -> bytes:
    """An image-only PDF, as a scanner makes: each page one picture, no text layer."""
    out = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=96)
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(expanded_mb: int = 200) -> bytes:
    """A small zip whose single member expands to ``expanded_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("logs/huge.log", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(expanded_mb):
                member.write(chunk)
    return out.getvalue()
