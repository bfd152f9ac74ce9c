"""Reading text in images with Tesseract, for the language policy.

Two passes keep English screenshots cheap: an English-only pass settles screenshots that
read as clean English; everything else gets the full pass with Chinese (Simplified and
Traditional), Japanese and Korean models. Words Tesseract is unsure of are dropped, so icons
read as stray glyphs weigh little. When even the full pass reads little but noise (Cyrillic,
Arabic... read with Latin and CJK models), Tesseract's script detection (OSD) names the
script, and that script's model, where installed, reads an excerpt.

Tesseract runs inside the worker process through tesserocr (tesseract_api.py), its models
loaded once per worker. Measured in bench/ocr_engines.py against the ``tesseract`` command
(pytesseract) and RapidOCR on the labelled screenshot set, it reads every screenshot right,
as the command does, with less than half its CPU time; RapidOCR missed Korean and Russian
(those models are downloads) and was several times slower. ``Engine`` is the seam the
benchmark uses to run the same passes on other engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image, ImageOps

from intake.attachments import tesseract_api
from intake.language import LanguageGuess, analyse

ENGLISH_PASS = "eng"
FULL_PASS_PREFERRED = ("eng", "chi_sim", "chi_tra", "jpn", "kor")
# Scripts OSD may name that the full pass cannot read: (language, Tesseract model).
OSD_SCRIPTS = {
    "Cyrillic": ("ru", "rus"),
    "Arabic": ("ar", "ara"),
    "Greek": ("el", "ell"),
    "Hebrew": ("he", "heb"),
    "Thai": ("th", "tha"),
    "Devanagari": ("hi", "hin"),
    "Bengali": ("bn", "ben"),
    "Tamil": ("ta", "tam"),
    "Georgian": ("ka", "kat"),
    "Armenian": ("hy", "hye"),
}
MIN_OSD_CONFIDENCE = 5.0  # OSD's script confidence; Latin text scores about 5-10
MAX_OCR_PIXELS = 6_000_000  # larger images are scaled down first (text stays legible)
UPSCALE_BELOW = 1200  # screenshots whose longer side is shorter are scaled up twice
OCR_TIMEOUT_S = 20


class OcrUnavailable(Exception):
    """Tesseract (or its language data) is not installed."""


@dataclass(frozen=True)
class OcrResult:
    text: str
    guess: LanguageGuess
    passes: int


class Engine(Protocol):
    """What the passes need from an OCR engine."""

    def words(self, image: Image.Image, lang: str, timeout_s: float) -> tuple[str, int, int]:
        """(text of confident words in reading order, confident words, unsure words)."""
        ...

    def script(self, image: Image.Image) -> tuple[str, float] | None:
        """(script name, confidence) from orientation and script detection, if it can tell."""
        ...


def available_languages() -> frozenset[str]:
    return tesseract_api.tessdata()[1]


def tesseract_available() -> bool:
    if "eng" not in available_languages():
        return False
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


def warm() -> None:
    """Load the models a worker will need (called once when a pool worker starts)."""
    if tesseract_available():
        tesseract_api.warm([ENGLISH_PASS, full_pass_languages()])


def full_pass_languages() -> str:
    langs = available_languages()
    return "+".join(lang for lang in FULL_PASS_PREFERRED if lang in langs)


def prepare(image: Image.Image) -> Image.Image:
    """Grayscale, dark themes inverted, small text scaled up and huge images scaled down."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    gray = image.convert("L")
    histogram = gray.histogram()
    mean = sum(i * n for i, n in enumerate(histogram)) / max(1, sum(histogram))
    if mean < 100:  # terminal or dark mode: Tesseract reads dark text on light best
        gray = ImageOps.invert(gray)
    width, height = gray.size
    if max(width, height) < UPSCALE_BELOW and _flat(gray):
        factor = 2
        gray = gray.resize((width * factor, height * factor), Image.Resampling.LANCZOS)
    elif width * height > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / (width * height)) ** 0.5
        gray = gray.resize(
            (max(1, int(width * scale)), max(1, int(height * scale))), Image.Resampling.LANCZOS
        )
    return gray


def _flat(gray: Image.Image) -> bool:
    """Screenshot-like: a few flat tones cover much of it (photos and noise do not)."""
    thumb = gray.copy()
    thumb.thumbnail((256, 256))
    counts = sorted(thumb.histogram(), reverse=True)
    return sum(counts[:4]) >= 0.4 * thumb.width * thumb.height


def read_image(image: Image.Image, engine: Engine | None = None) -> OcrResult:
    """OCR an image and decide the language of what it says."""
    if engine is None:
        if not tesseract_available():
            raise OcrUnavailable("tesserocr with English data is not installed")
        engine = tesseract_api
    try:
        return _passes(prepare(image), engine)
    except tesseract_api.TesseractMissing as exc:
        raise OcrUnavailable(str(exc)) from exc


def _passes(prepared: Image.Image, engine: Engine) -> OcrResult:
    text, sure, unsure = engine.words(prepared, ENGLISH_PASS, OCR_TIMEOUT_S)
    guess = analyse(text, ocr=True)
    # Clean English: many confident words, few unsure ones (a CJK screenshot read with the
    # English model gives a few "words" and a lot of low-confidence noise).
    if guess.language == "en" and guess.method == "words" and sure >= 3 and unsure <= sure * 0.25:
        return OcrResult(text, guess, 1)
    full = full_pass_languages()
    if full == ENGLISH_PASS or sure + unsure == 0:
        # Nothing at all looked like writing (a photo): the other models will not find any.
        return OcrResult(text, guess, 1)
    text, sure, unsure = engine.words(prepared, full, OCR_TIMEOUT_S)
    guess = analyse(text, ocr=True)
    weak = guess.language in ("en", None) and (guess.latin_words < 4 or unsure >= sure)
    if weak and sure + unsure >= 3:
        found = _other_script(prepared, engine)
        if found is not None:
            return OcrResult(found.excerpt, found, 3)
    return OcrResult(text, guess, 2)


def _other_script(image: Image.Image, engine: Engine) -> LanguageGuess | None:
    """A non-Latin, non-CJK script named by OSD, with an excerpt read by its model."""
    if "osd" not in available_languages():
        return None
    found = engine.script(image)
    if found is None:
        return None  # too few characters to tell
    script, confidence = found
    if script not in OSD_SCRIPTS or confidence < MIN_OSD_CONFIDENCE:
        return None
    language, model = OSD_SCRIPTS[script]
    if model in available_languages():
        text, _, _ = engine.words(image, model, OCR_TIMEOUT_S)
        guess = analyse(text, ocr=True)
        if guess.language not in ("en", None):
            return guess
    return LanguageGuess(language, "script", confidence / 100, "")
