"""Issue 14, in the chat: a photo's verdict calls it "your photo" in the customer's language,
and the verdict is the photo's own, whatever its caption says."""

import pytest

from tests.attachments import factories
from tests.e2e.steps import ZH, reach_step

pytestmark = pytest.mark.ocr


def english_screenshot() -> bytes:
    return factories.png_bytes(
        factories.dialog(
            "Export failed", ["The report could not be exported.", "Try again later."], ["OK"]
        )
    )


async def test_an_english_photo_with_a_chinese_caption_is_your_photo_and_accepted(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap(lambda b: "Attachments" in b.text)
    await user.send_photo(english_screenshot(), caption="这是错误截图")
    verdict = await user.wait_for("Your photo", timeout=30)
    assert "✅" in verdict.text and "photo_" not in verdict.text
    row = next(intake.services.db.query("SELECT verdict, caption FROM attachments"))
    assert row == {"verdict": "accepted", "caption": "这是错误截图"}


async def test_a_chinese_customer_reads_your_photo_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "review", ZH)
    await user.tap(lambda b: "附件" in b.text)
    await user.send_photo(english_screenshot())
    verdict = await user.wait_for("您的照片", timeout=30)
    assert "✅" in verdict.text and "photo_" not in verdict.text
