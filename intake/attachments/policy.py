"""The English-only attachment policy: bytes in, a Verdict out.

Orangesky's support page: "Any attached media used for issue resolution must be sent in
English." ``check`` is synchronous and pure (no I/O but Tesseract), so it runs in a worker
process (checker.py) and never on the event loop. Per type:

- text and logs (any encoding), Office documents, PDFs with a text layer: the text's language;
- images and scanned PDF pages: OCR, then the text's language; no text at all is accepted;
- SVG drawings: the words of their <text>, <title> and <desc> (no OCR); no text is accepted;
- zip and gzip archives: the texts (and a few images) inside, within limits (zip bombs);
- audio and voice: unchecked ('audio'): we cannot transcribe here; ask for a written description;
- video: unchecked ('video'): frame sampling needs a video decoder we do not ship;
- anything else, or broken: unchecked ('unsupported', 'corrupt', 'encrypted', 'too_large').

A file is judged alone: its caption is the customer's description, in their language, and
never decides the file's verdict (a Chinese caption on an English screenshot is fine).
Verdicts: 'accepted' (English, or nothing to judge), 'refused' (another language, with an
excerpt as evidence), 'unchecked' (we could not tell, with why).
"""

from __future__ import annotations

import io
import time
import warnings
from dataclasses import dataclass, replace

from intake.attachments import extract
from intake.attachments.extract import Unreadable
from intake.attachments.reasons import REASONS as REASONS
from intake.attachments.reasons import Outcome, Reason
from intake.i18n import language_name
from intake.language import LanguageGuess, analyse

ACCEPTED, REFUSED, UNCHECKED = Outcome.ACCEPTED, Outcome.REFUSED, Outcome.UNCHECKED
MAX_BYTES = extract.MAX_BYTES
MAX_IMAGE_PIXELS = 40_000_000  # decompression bombs: a 40 MP screenshot is already absurd
MAX_OCR_PAGES = 3  # scanned PDF pages and archive images read by OCR, per file
EXCERPT_CHARS = 60


@dataclass(frozen=True)
class Verdict:
    verdict: Outcome
    language: str | None  # ISO 639-1 of the text found, e.g. 'en', 'zh', 'ja'
    excerpt: str  # for a refusal: a short piece of the text in the other language
    reason: Reason  # see REASONS
    detail: str  # one English sentence for staff and the command line
    elapsed_ms: int
    # What was checked: 'image', 'drawing' (SVG), 'pdf', 'text', 'archive', 'audio', 'video',
    # 'message' (text typed at the attachment step), 'unknown'. Picks the customer's wording.
    kind: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "language": self.language,
            "reason": self.reason,
            "detail": self.detail,
            "excerpt": self.excerpt,
            "elapsed_ms": self.elapsed_ms,
            "kind": self.kind,
        }


def unchecked(reason: Reason, detail: str, elapsed_ms: int = 0) -> Verdict:
    return Verdict(UNCHECKED, None, "", reason, detail, elapsed_ms)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _from_guess(guess: LanguageGuess, what: str) -> Verdict:
    """Turn a language decision about ``what`` (e.g. 'the text') into a verdict."""
    if guess.method == "empty":
        return Verdict(ACCEPTED, None, "", Reason.NO_TEXT, f"No text was found in {what}.", 0)
    subject = what[0].upper() + what[1:]
    if guess.language == "en":
        detail = (
            f"{subject} is technical text (logs, code, identifiers)."
            if guess.method == "technical"
            else f"{subject} is in English."
        )
        return Verdict(ACCEPTED, "en", "", Reason.ENGLISH, detail, 0)
    if guess.language is None:
        return Verdict(
            ACCEPTED,
            None,
            "",
            Reason.UNDETERMINED,
            f"The language of {what} could not be told with confidence, so it is accepted.",
            0,
        )
    name = language_name(guess.language) or guess.language
    return Verdict(
        REFUSED,
        guess.language,
        _shorten(guess.excerpt),
        Reason.NOT_ENGLISH,
        f"{subject} is in {name}, not English.",
        0,
    )


def check_text(text: str) -> Verdict:
    """Text typed at the attachment step."""
    started = time.perf_counter()
    verdict = _from_guess(analyse(text), "the text")
    return replace(verdict, elapsed_ms=_ms(started), kind="message")


def check(data: bytes, file_name: str | None, mime_type: str | None) -> Verdict:
    """Decide whether an attachment follows the English-only rule. Never raises.

    There is no caption here on purpose: the file is judged by what it contains.
    """
    started = time.perf_counter()
    kind = "unknown"
    try:
        kind = extract.sniff(data, file_name, mime_type)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf and Pillow warn about odd files
            verdict = _check_file(data, kind)
    except Unreadable as exc:
        verdict = unchecked(exc.reason, exc.detail)
    except MemoryError:
        verdict = unchecked(Reason.TOO_LARGE, "The file needs too much memory to check.")
    except Exception as exc:
        verdict = unchecked(Reason.CORRUPT, f"The file could not be read ({type(exc).__name__}).")
    return replace(verdict, kind=_KIND_NAMES.get(kind, kind), elapsed_ms=_ms(started))


_KIND_NAMES = {"zip": "archive", "gzip": "archive", "heic": "image", "svg": "drawing"}


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _check_file(data: bytes, kind: str) -> Verdict:
    if len(data) > MAX_BYTES:
        return unchecked(
            Reason.TOO_LARGE,
            f"The file is {len(data) // 2**20} MB; files up to "
            f"{MAX_BYTES // 2**20} MB are checked.",
        )
    if kind == "audio":
        return unchecked(Reason.AUDIO, "Audio and voice messages cannot be checked for language.")
    if kind == "video":
        return unchecked(Reason.VIDEO, "Videos are not checked for language.")
    if kind == "heic":
        return unchecked(Reason.UNSUPPORTED, "HEIC/AVIF photos cannot be read here.")
    if kind == "image":
        return _check_image(data, "the image")
    if kind == "svg":
        return _from_guess(analyse(extract.svg_text(data)), "the drawing")
    if kind == "pdf":
        return _check_pdf(data)
    if kind == "zip":
        return _check_archive(extract.read_zip(data))
    if kind == "gzip":
        expanded = extract.read_gzip(data)
        if extract.looks_like_svg(expanded):  # .svgz
            return _from_guess(analyse(extract.svg_text(expanded)), "the drawing")
        return _check_text(expanded, "the compressed file")
    if kind == "text":
        return _check_text(data, "the text file")
    return unchecked(Reason.UNSUPPORTED, "This file type cannot be checked for language.")


def _check_text(data: bytes, what: str) -> Verdict:
    text, _encoding = extract.decode_text(data)
    if text.lstrip("\ufeff \r\n\t").startswith("<") and text.rstrip().endswith(">"):
        # HTML, XML, SVG: the words between the tags, not the tag names
        text = extract.strip_markup(text)
    return _from_guess(analyse(extract.sample_text(text)), what)


def _open_image(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise Unreadable(Reason.CORRUPT, "The image is damaged or not an image.") from exc
    except Image.DecompressionBombError as exc:
        raise Unreadable(Reason.TOO_LARGE, "The image has too many pixels to check.") from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise Unreadable(
            Reason.TOO_LARGE,
            f"The image is {width}x{height} pixels; images up to "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels are checked.",
        )
    try:
        image.seek(0)
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Unreadable(Reason.CORRUPT, "The image is truncated or damaged.") from exc
    return image


def _ocr(image, what: str) -> Verdict:
    from intake.attachments import ocr

    try:
        result = ocr.read_image(image)
    except ocr.OcrUnavailable:
        return unchecked(Reason.OCR_UNAVAILABLE, "Text recognition (Tesseract) is not installed.")
    except TimeoutError:
        return unchecked(Reason.TIMEOUT, f"Reading the text in {what} took too long.")
    return _from_guess(result.guess, what)


def _check_image(data: bytes, what: str) -> Verdict:
    return _ocr(_open_image(data), what)


def _check_pdf(data: bytes) -> Verdict:
    count, pages = extract.pdf_pages(data)
    text = "\n".join(page_text for _, page_text, _ in pages)
    verdict = _from_guess(analyse(extract.sample_text(text)), "the PDF")
    if verdict.verdict == REFUSED:
        return verdict
    scanned = [(i, page) for i, page_text, page in pages if len(page_text.strip()) < 20]
    ocr_verdicts = []
    for index, page in scanned[:MAX_OCR_PAGES]:
        for width, height, png in extract.pdf_page_images(page, MAX_IMAGE_PIXELS)[:2]:
            if width * height < 10_000:
                continue  # logos and bullets
            page_verdict = _check_image(png, f"page {index + 1} of the PDF")
            if page_verdict.verdict == REFUSED:
                return page_verdict
            ocr_verdicts.append(page_verdict)
    if verdict.reason == "no_text" and ocr_verdicts:
        return _combine(ocr_verdicts, "the PDF")
    if count > len(pages):
        return replace(
            verdict, detail=verdict.detail[:-1] + f" (first {len(pages)} of {count} pages read)."
        )
    return verdict


def _check_archive(found: extract.Extracted) -> Verdict:
    verdicts = []
    for name, text in found.texts:
        verdict = _from_guess(analyse(extract.sample_text(text)), name)
        if verdict.verdict == REFUSED:
            return replace(
                verdict, detail=f"{name} in the archive is in {verdict.language}, not English."
            )
        verdicts.append(verdict)
    for name, image_bytes in found.images[:MAX_OCR_PAGES]:
        try:
            verdict = _check_image(image_bytes, name)
        except Unreadable as exc:
            verdict = unchecked(exc.reason, f"{name} in the archive: {exc.detail}")
        if verdict.verdict == REFUSED:
            return replace(
                verdict, detail=f"{name} in the archive is in {verdict.language}, not English."
            )
        verdicts.append(verdict)
    if not verdicts:
        if found.skipped:
            return unchecked(
                Reason.UNSUPPORTED,
                f"The archive holds no file we can check ({', '.join(found.skipped[:3])}).",
            )
        return Verdict(ACCEPTED, None, "", Reason.NO_TEXT, "The archive is empty.", 0)
    return _combine(verdicts, "the archive")


def _combine(verdicts: list[Verdict], what: str) -> Verdict:
    """Several accepted/unchecked parts: English if any part is, else the first reason."""
    for reason in (Reason.ENGLISH, Reason.UNDETERMINED, Reason.NO_TEXT):
        for verdict in verdicts:
            if verdict.reason == reason:
                return replace(verdict, detail=_part_detail(reason, what))
    return verdicts[0]


def _part_detail(reason: Reason, what: str) -> str:
    return {
        "english": f"The text in {what} is in English.",
        "undetermined": f"The language of {what} could not be told with confidence, so it is "
        "accepted.",
        "no_text": f"No text was found in {what}.",
    }[reason]
