"""The chosen OCR engine (Tesseract in-process, through tesserocr) on the labelled screenshot
set: every screenshot right, and the models loaded once per process, not once per image."""

from __future__ import annotations

import pytest

from intake.attachments import ocr, policy, tesseract_api

from . import factories as f
from .screenshots import SCREENSHOTS, right

pytestmark = pytest.mark.ocr


@pytest.mark.parametrize("name", SCREENSHOTS)
def test_every_screenshot_in_the_set_gets_the_right_verdict(name):
    draw, expected = SCREENSHOTS[name]
    verdict = policy.check(f.png_bytes(draw()), "screenshot.png", "image/png")
    assert right(expected, verdict.verdict, verdict.language), verdict
    if expected not in (None, "en"):
        assert verdict.excerpt, verdict


def test_models_are_loaded_once_per_process_not_per_image():
    ocr.warm()
    before = tesseract_api._api.cache_info()
    for name in ("english dialog", "simplified chinese dialog", "japanese phone"):
        ocr.read_image(SCREENSHOTS[name][0]())
    after = tesseract_api._api.cache_info()
    assert after.misses == before.misses  # no new PyTessBaseAPI: the warm ones were reused
    assert after.hits > before.hits


def test_ocr_unavailable_is_an_unchecked_verdict_not_a_crash(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    verdict = policy.check(f.png_bytes(SCREENSHOTS["english dialog"][0]()), "a.png", None)
    assert (verdict.verdict, verdict.reason) == ("unchecked", "ocr_unavailable")
