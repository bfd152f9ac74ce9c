"""Reading text in images with Tesseract (through pytesseract), for the language policy.

Two passes keep English screenshots cheap: an English-only pass (about 0.3 s) settles
screenshots that read as clean English; everything else gets the full pass with Chinese
(Simplified and Traditional), Japanese and Korean models (about 1 s). Words Tesseract is
unsure of are dropped, so icons read as stray glyphs weigh little. When even the full pass
reads little but noise (Cyrillic, Arabic... read with Latin and CJK models), Tesseract's
script detection (OSD) names the script, and that script's model, where installed, reads an
excerpt. Runs in a worker process
(see checker.py): Tesseract is a subprocess and OMP_THREAD_LIMIT=1 keeps it to one core.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageOps

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
MIN_WORD_CONFIDENCE = 55  # Tesseract's 0-100 word confidence; below it a word is ignored
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


@cache
def available_languages() -> frozenset[str]:
    if shutil.which("tesseract") is None:
        return frozenset()
    try:
        out = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def tesseract_available() -> bool:
    return "eng" in available_languages()


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


def _words(image: Image.Image, lang: str) -> tuple[str, int, int]:
    """(text of confident words in reading order, confident words, unsure words)."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_S,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("tesseract is not installed") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        raise TimeoutError("tesseract took too long") from exc
    lines: dict[tuple[int, int, int], list[str]] = {}
    sure = unsure = 0
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word:
            continue
        if float(data["conf"][i]) < MIN_WORD_CONFIDENCE:
            unsure += 1
            continue
        sure += 1
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
    return "\n".join(" ".join(words) for words in lines.values()), sure, unsure


def read_image(image: Image.Image) -> OcrResult:
    """OCR an image and decide the language of what it says."""
    if not tesseract_available():
        raise OcrUnavailable("tesseract with English data is not installed")
    prepared = prepare(image)
    text, sure, unsure = _words(prepared, ENGLISH_PASS)
    guess = analyse(text, ocr=True)
    # Clean English: many confident words, few unsure ones (a CJK screenshot read with the
    # English model gives a few "words" and a lot of low-confidence noise).
    if guess.language == "en" and guess.method == "words" and sure >= 3 and unsure <= sure * 0.25:
        return OcrResult(text, guess, 1)
    full = full_pass_languages()
    if full == ENGLISH_PASS or sure + unsure == 0:
        # Nothing at all looked like writing (a photo): the other models will not find any.
        return OcrResult(text, guess, 1)
    text, sure, unsure = _words(prepared, full)
    guess = analyse(text, ocr=True)
    weak = guess.language in ("en", None) and (guess.latin_words < 4 or unsure >= sure)
    if weak and sure + unsure >= 3:
        found = _other_script(prepared)
        if found is not None:
            return OcrResult(found.excerpt, found, 3)
    return OcrResult(text, guess, 2)


def _other_script(image: Image.Image) -> LanguageGuess | None:
    """A non-Latin, non-CJK script named by OSD, with an excerpt read by its model."""
    import pytesseract

    if "osd" not in available_languages():
        return None
    try:
        osd = pytesseract.image_to_osd(
            image, config="--psm 0", timeout=OCR_TIMEOUT_S, output_type=pytesseract.Output.DICT
        )
    except (pytesseract.TesseractError, RuntimeError):
        return None  # too few characters to tell, or too slow
    script, confidence = osd.get("script"), float(osd.get("script_conf", 0))
    if script not in OSD_SCRIPTS or confidence < MIN_OSD_CONFIDENCE:
        return None
    language, model = OSD_SCRIPTS[script]
    if model in available_languages():
        text, _, _ = _words(image, model)
        guess = analyse(text, ocr=True)
        if guess.language not in ("en", None):
            return guess
    return LanguageGuess(language, "script", confidence / 100, "")
