"""OCR tests need tesserocr, Tesseract's data and Debian's fonts: skipped locally without them,
failed in CI."""

from __future__ import annotations

import os

import pytest

from intake.attachments import ocr

from . import factories


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("ocr") is None:
        return
    missing = []
    if not ocr.tesseract_available():
        missing.append("tesserocr and tesseract-ocr with English data")
    wanted = {
        "chi_sim": "chi-sim",
        "chi_tra": "chi-tra",
        "jpn": "jpn",
        "kor": "kor",
        "rus": "rus",
        "osd": "osd",
    }
    missing += [
        f"tesseract-ocr-{pkg}"
        for lang, pkg in wanted.items()
        if lang not in ocr.available_languages()
    ]
    if not factories.fonts_available():
        missing.append("fonts-noto-cjk / fonts-dejavu-core")
    if not missing:
        return
    message = "OCR test needs: " + ", ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI must install them)")
    pytest.skip(message)
