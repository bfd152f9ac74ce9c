"""Getting text out of attachments: what kind a file is, text decoding, PDFs, archives.

Everything here works on bytes in memory, is bounded (sizes, page counts, member counts,
compression ratio) and raises ``Unreadable`` with a reason code instead of guessing.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import chardet

from intake.attachments.reasons import Reason

# Limits. Telegram bots download at most 20 MB (more through a self-hosted Bot API server).
MAX_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 80_000  # analysed per text: the head and a piece of the tail
MAX_PDF_PAGES = 30  # pages whose text layer is read
MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_TOTAL = 50 * 1024 * 1024  # bytes after decompression, all members together
MAX_MEMBER_BYTES = 10 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ARCHIVE_FILES_CHECKED = 20

TEXT_EXTENSIONS = frozenset(
    """
    txt log csv tsv json jsonl ndjson xml yaml yml md ini cfg conf toml properties har html htm
    out err trace dmp stacktrace sql sh bat ps1 py js ts java cs go rb php c h cpp kt swift eml
""".split()
)
IMAGE_EXTENSIONS = frozenset("png jpg jpeg gif webp bmp tif tiff".split())
AUDIO_EXTENSIONS = frozenset("ogg oga opus mp3 m4a wav flac aac amr wma".split())
VIDEO_EXTENSIONS = frozenset("mp4 mov m4v webm mkv avi wmv 3gp mpeg mpg".split())
OFFICE_PARTS = {  # document kind: (member name pattern, text elements' tag)
    "docx": (re.compile(r"word/(document|header\d*|footer\d*)\.xml$"), "w:t"),
    "xlsx": (re.compile(r"xl/sharedStrings\.xml$"), "t"),
    "pptx": (re.compile(r"ppt/slides/slide\d+\.xml$"), "a:t"),
    "odf": (re.compile(r"content\.xml$"), None),
}


class Unreadable(Exception):
    """The file cannot be checked; ``reason`` is a Verdict reason code."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Extracted:
    """Text found in a container, and any images inside it that still need OCR."""

    texts: list[tuple[str, str]] = field(default_factory=list)  # (where, text)
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (where, image bytes)
    skipped: list[str] = field(default_factory=list)  # members we did not read


def extension(file_name: str | None) -> str:
    name = (file_name or "").lower().rsplit("/", 1)[-1]
    if name.endswith(".gz") and name.count(".") >= 2:
        return "gz"
    return name.rsplit(".", 1)[-1] if "." in name else ""


def sniff(data: bytes, file_name: str | None, mime_type: str | None) -> str:
    """The kind of file: magic bytes first, then MIME type, then the extension.

    One of: image, svg, pdf, zip, gzip, audio, video, text, heic, unknown.
    """
    head = data[:64]
    if looks_like_svg(data):
        return "svg"
    if (
        head.startswith(
            (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
        )
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[:2] == b"BM" and head[6:10] == b"\0\0\0\0")
    ):
        return "image"
    if head.lstrip().startswith(b"%PDF-") or (
        b"%PDF-" in data[:1024] and not looks_like_text(data[:1024])
    ):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
            return "heic"
        if brand in (b"M4A ", b"M4B "):
            return "audio"
        return "video"
    if (
        head.startswith((b"OggS", b"fLaC", b"#!AMR", b"\xff\xfb", b"\xff\xf3"))
        or (head[:3] == b"ID3" and head[3:4] in (b"\x02", b"\x03", b"\x04"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
    ):
        return "video" if b"theora" in data[:256].lower() else "audio"
    if head.startswith(b"\x1a\x45\xdf\xa3") or (head[:4] == b"RIFF" and head[8:12] == b"AVI "):
        return "video"
    mime = (mime_type or "").lower()
    ext = extension(file_name)
    if (mime == "image/svg+xml" or ext in ("svg", "svgz")) and not head.startswith(b"\x1f\x8b"):
        return "svg"
    if mime.startswith("audio/") or ext in AUDIO_EXTENSIONS:
        return "audio"
    if mime.startswith("video/") or ext in VIDEO_EXTENSIONS:
        return "video"
    if mime.startswith("image/") or ext in IMAGE_EXTENSIONS:
        return "image"  # claims to be an image but has no image signature: Pillow will say
    if (
        mime.startswith("text/")
        or ext in TEXT_EXTENSIONS
        or mime in ("application/json", "application/xml", "application/x-ndjson")
    ):
        return "text"
    if looks_like_text(data):
        return "text"
    return "unknown"


_SVG_ROOT = re.compile(
    rb"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<svg[\s>]", re.S | re.I
)


def looks_like_svg(data: bytes) -> bool:
    """An SVG drawing: its root element is <svg>, after any XML declaration or comments."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_SVG_ROOT.match(head))


def svg_text(data: bytes) -> str:
    """The words an SVG shows or names: <text> (with its <tspan>s), <title> and <desc>.

    Parsed by defusedxml: an SVG that declares entities (the "billion laughs" and external
    entity attacks) is refused, never expanded. Tag names, attributes, styles and path data
    are not text anyone reads.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise Unreadable(
            Reason.UNSUPPORTED, "The SVG declares XML entities; it is not read."
        ) from exc
    except (ParseError, ValueError) as exc:
        raise Unreadable(Reason.CORRUPT, "The SVG is not well-formed XML.") from exc
    parts = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in ("text", "title", "desc"):
            parts.append(" ".join("".join(element.itertext()).split()))
    return "\n".join(part for part in parts if part)


def looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return True
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _utf16_order(sample):
        return True
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    return controls <= len(sample) * 0.01


def _utf16_order(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when zero bytes sit at every other position (ASCII-heavy)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_zero = even.count(0) / len(even)
    odd_zero = odd.count(0) / max(1, len(odd))
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then UTF-16 by its zero bytes, strict UTF-8, chardet, GB18030."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    order = _utf16_order(data)
    if order:
        return data.decode(order, errors="replace"), order
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = chardet.detect(data[:65536]).get("encoding")
    if guess:
        try:
            return data.decode(guess), guess.lower()
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("gb18030", errors="replace"), "gb18030"


def sample_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Head and tail of a long text: logs start with context and end with the error."""
    if len(text) <= limit:
        return text
    head = int(limit * 0.75)
    return text[:head] + "\n" + text[-(limit - head) :]


def strip_markup(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


def gunzip(data: bytes, limit: int = MAX_MEMBER_BYTES) -> bytes:
    decompressor = zlib.decompressobj(wbits=31)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise Unreadable(Reason.CORRUPT, f"The gzip data is damaged ({exc}).") from exc
    if len(out) > limit or (decompressor.unconsumed_tail and len(out) >= limit):
        raise Unreadable(Reason.TOO_LARGE, f"The gzip file expands beyond {limit // 2**20} MB.")
    if not decompressor.eof:
        raise Unreadable(Reason.CORRUPT, "The gzip file is truncated.")
    return out


def pdf_pages(data: bytes, max_pages: int = MAX_PDF_PAGES):
    """(page count, list of (page index, text, page)) for the first ``max_pages`` pages."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise Unreadable(Reason.ENCRYPTED, "The PDF is protected by a password.")
            except NotImplementedError as exc:
                raise Unreadable(
                    Reason.ENCRYPTED, "The PDF uses an encryption we cannot open."
                ) from exc
        count = len(reader.pages)
        pages = []
        for index in range(min(count, max_pages)):
            page = reader.pages[index]
            pages.append((index, page.extract_text() or "", page))
    except Unreadable:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
        zlib.error,
    ) as exc:
        raise Unreadable(
            Reason.CORRUPT, f"The PDF could not be read ({type(exc).__name__})."
        ) from exc
    return count, pages


def pdf_page_images(page, max_pixels: int) -> list[tuple[int, int, bytes]]:
    """The images drawn on a PDF page as (width, height, PNG bytes), refusing huge ones."""
    images = []
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for name in list(xobjects.keys()):
            obj = xobjects[name].get_object()
            if obj.get("/Subtype") != "/Image":
                continue
            width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
            if width * height > max_pixels:
                raise Unreadable(
                    Reason.TOO_LARGE,
                    f"A scanned page is too large to read ({width}x{height} pixels).",
                )
        for image_file in page.images:
            out = io.BytesIO()
            image_file.image.save(out, format="PNG")
            images.append((image_file.image.width, image_file.image.height, out.getvalue()))
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(
            Reason.CORRUPT, f"An image in the PDF could not be decoded ({type(exc).__name__})."
        ) from exc
    return images


def office_kind(names: list[str]) -> str | None:
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "content.xml" in names and "mimetype" in names:
        return "odf"
    return None


def read_zip(data: bytes) -> Extracted:
    """Texts (and images) inside a zip, or an Office document's text, within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise Unreadable(Reason.CORRUPT, "The archive is damaged or truncated.") from exc
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise Unreadable(
            Reason.TOO_LARGE,
            f"The archive holds {len(infos)} files; at most {MAX_ARCHIVE_MEMBERS} are checked.",
        )
    declared = sum(info.file_size for info in infos)
    if declared > MAX_ARCHIVE_TOTAL:
        raise Unreadable(
            Reason.TOO_LARGE,
            f"The archive expands to {declared // 2**20} MB, "
            f"more than {MAX_ARCHIVE_TOTAL // 2**20} MB.",
        )
    result = Extracted()
    kind = office_kind([info.filename for info in infos])
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        if kind:
            pattern, _tag = OFFICE_PARTS[kind]
            if not pattern.search(name):
                continue
        if info.flag_bits & 0x1:
            raise Unreadable(
                Reason.ENCRYPTED, f"{name} in the archive is protected by a password."
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            raise Unreadable(
                Reason.TOO_LARGE,
                f"{name} in the archive is compressed "
                f"{info.file_size // info.compress_size}:1, "
                "which looks like a zip bomb.",
            )
        member_kind = "text" if kind else sniff(b"", name, None)
        if member_kind not in ("text", "image", "svg", "unknown"):
            result.skipped.append(name)
            continue
        if len(result.texts) + len(result.images) >= MAX_ARCHIVE_FILES_CHECKED:
            result.skipped.append(name)
            continue
        body = _read_member(archive, info, min(MAX_MEMBER_BYTES, MAX_ARCHIVE_TOTAL - total))
        total += len(body)
        kind_of_body = member_kind if member_kind != "unknown" else sniff(body, name, None)
        if kind_of_body == "image":
            result.images.append((name, body))
        elif kind_of_body == "svg":
            result.texts.append((name, svg_text(body)))
        elif kind_of_body == "text":
            text = decode_text(body)[0]
            if kind or name.lower().endswith((".xml", ".html", ".htm")):
                text = strip_markup(text)
            result.texts.append((name, text))
        else:
            result.skipped.append(name)
    return result


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read at most ``limit`` bytes: the declared size may lie, the stream does not."""
    try:
        with archive.open(info) as member:
            body = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise Unreadable(Reason.CORRUPT, f"{info.filename} in the archive is damaged.") from exc
    if len(body) > limit:
        raise Unreadable(
            Reason.TOO_LARGE,
            f"{info.filename} in the archive expands beyond the {limit // 2**20} MB limit.",
        )
    return body


def read_gzip(data: bytes) -> bytes:
    try:
        return gunzip(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:  # pragma: no cover - zlib covers most
        raise Unreadable(Reason.CORRUPT, "The gzip file is damaged.") from exc
