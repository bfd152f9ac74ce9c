"""Tesseract in the worker's own process (tesserocr): models loaded once, not once per image.

Running the ``tesseract`` command costs a process start and a model load per pass (up to
four per screenshot, the Chinese, Japanese and Korean models together take about a second
to load). A ``PyTessBaseAPI`` keeps its models: each worker process of the checker's pool
makes one per language set the first time it needs it and reuses it for every later image.
An API is not thread-safe; a worker process runs one check at a time, which is what makes
one API per worker enough.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

from PIL import Image

MIN_WORD_CONFIDENCE = 55  # Tesseract's 0-100 word confidence; below it a word is ignored


class TesseractMissing(Exception):
    """tesserocr, or Tesseract's language data, is not installed."""


@cache
def tessdata() -> tuple[str, frozenset[str]]:
    """(folder of the installed language data, the languages in it), as ``tesseract`` says.

    The tesserocr wheel carries its own library but no language data: Debian's packages
    (tesseract-ocr-eng, -chi-sim, ...) provide that, and the command line tells us where.
    """
    if shutil.which("tesseract") is None:
        return "", frozenset()
    try:
        out = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "", frozenset()
    lines = out.stdout.splitlines()
    found = re.search(r'"(.+?)"', lines[0]) if lines else None
    langs = frozenset(line.strip() for line in lines[1:] if line.strip())
    return (found.group(1) if found else ""), langs


@cache
def _api(lang: str):
    """One API per language set, per process, made on first use and kept."""
    try:
        from tesserocr import PSM, PyTessBaseAPI
    except ImportError as exc:
        raise TesseractMissing("tesserocr is not installed") from exc
    path, _ = tessdata()
    psm = PSM.OSD_ONLY if lang == "osd" else PSM.AUTO
    try:
        return PyTessBaseAPI(path=path, lang=lang, psm=psm)
    except RuntimeError as exc:
        raise TesseractMissing(f"Tesseract could not load {lang}: {exc}") from exc


def warm(langs: list[str]) -> None:
    """Load these language sets now (a worker's start), so no customer waits for it."""
    for lang in langs:
        try:
            _api(lang)
        except TesseractMissing:
            pass


def words(image: Image.Image, lang: str, timeout_s: float) -> tuple[str, int, int]:
    """(text of confident words in reading order, confident words, unsure words)."""
    from tesserocr import RIL, iterate_level

    api = _api(lang)
    api.SetImage(image)
    try:
        if not api.Recognize(int(timeout_s * 1000)):
            raise TimeoutError("tesseract took too long")
        lines: list[list[str]] = []
        sure = unsure = 0
        iterator = api.GetIterator()
        if iterator is None:
            return "", 0, 0
        for item in iterate_level(iterator, RIL.WORD):
            if item.Empty(RIL.WORD):
                continue
            word = (item.GetUTF8Text(RIL.WORD) or "").strip()
            if not word:
                continue
            if item.IsAtBeginningOf(RIL.TEXTLINE) or not lines:
                lines.append([])
            if item.Confidence(RIL.WORD) < MIN_WORD_CONFIDENCE:
                unsure += 1
                continue
            sure += 1
            lines[-1].append(word)
        text = "\n".join(" ".join(line) for line in lines if line)
        return text, sure, unsure
    finally:
        api.Clear()  # drop the image and results, keep the models


def script(image: Image.Image) -> tuple[str, float] | None:
    """(script name, confidence) from Tesseract's orientation and script detection."""
    api = _api("osd")
    api.SetImage(image)
    try:
        found = api.DetectOrientationScript()
    except RuntimeError:
        return None
    finally:
        api.Clear()
    if not found:
        return None
    return found.get("script_name") or "", float(found.get("script_conf") or 0.0)
