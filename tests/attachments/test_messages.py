"""What the customer reads: every reason has a message, Chinese is complete and consistent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from intake.attachments import messages, policy
from intake.attachments.policy import REASONS, Verdict

INCOMING = Path(__file__).resolve().parents[2] / "locales" / "incoming" / "attachments.json"


def _msgids() -> set[str]:
    return (
        {messages.OTHER_LANGUAGE}
        | set(messages.UNNAMED.values())
        | {messages.UNNAMED_DEFAULT, messages.PHOTO}
        | {
            messages.REFUSED_SCREENSHOT,
            messages.REFUSED_DOCUMENT,
            messages.REFUSED_TEXT,
            messages.REFUSED_NO_EXCERPT,
        }
        | set(messages.MESSAGES.values())
    )


@pytest.mark.parametrize("reason", [r for v in ("accepted", "unchecked") for r in REASONS[v]])
def test_every_reason_has_a_message(reason):
    verdict = Verdict("unchecked", None, "", reason, "detail", 0, "image")
    text = messages.user_message(verdict, "en", file_name="shot.png")
    assert "{" not in text and text


def test_refused_screenshot_says_what_was_found_and_what_to_do():
    verdict = Verdict("refused", "zh", "导出失败", "not_english", "d", 5, "image")
    text = messages.user_message(verdict, "en")
    assert text.startswith("Your image looks like it is in Chinese (\u201c导出失败\u201d)")
    assert "switch Orangesky's interface to English" in text


def test_refused_document_and_typed_text_have_their_own_advice():
    doc = Verdict("refused", "ja", "ログイン", "not_english", "d", 5, "pdf")
    typed = Verdict("refused", "ru", "Привет", "not_english", "d", 5, "message")
    assert "send an English version" in messages.user_message(doc, "en", "manual.pdf")
    assert messages.user_message(typed, "en").startswith("Your text looks like it is in Russian")


def test_unknown_language_code_has_a_name():
    assert messages.language_name("xx") == "a language other than English"
    assert messages.language_name(None) == "a language other than English"


def test_language_names_come_from_babel_in_the_customers_language():
    assert messages.language_name("ja") == "Japanese"
    assert messages.language_name("ja", "zh_Hans") == "日语"
    assert messages.language_name("zh", "zh_Hans") == "中文"
    assert messages.language_name("fa", "zh_Hans") == "波斯语"
    verdict = Verdict("refused", "ru", "Привет", "not_english", "d", 5, "message")
    assert messages.user_message(verdict, "zh_Hans").startswith("您发送的文字看起来是俄语")


def test_user_message_accepts_a_real_verdict():
    verdict = policy.check_text("密码错误")
    assert "Chinese" in messages.user_message(verdict, "en")


def test_chinese_translations_cover_every_message():
    catalog = json.loads(INCOMING.read_text(encoding="utf-8"))
    assert set(catalog) == _msgids()
    for msgid, msgstr in catalog.items():
        assert msgstr.strip()
        assert sorted(re.findall(r"\{\w+\}", msgid)) == sorted(re.findall(r"\{\w+\}", msgstr))


def test_refusal_without_excerpt_has_no_empty_quotes():
    verdict = Verdict("refused", "ar", "", "not_english", "d", 5, "image")
    text = messages.user_message(verdict, "en")
    assert text.startswith("Your image looks like it is in Arabic.")
    assert "\u201c" not in text


SCREENSHOT_REFUSED = Verdict("refused", "zh", "导出失败", "not_english", "d", 5, "image")
SCREENSHOT_ACCEPTED = Verdict("accepted", "en", "", "english", "d", 5, "image")


@pytest.mark.parametrize(
    ("verdict", "locale", "expected"),
    [
        (SCREENSHOT_ACCEPTED, "en", "Your photo is in English."),
        (SCREENSHOT_REFUSED, "en", "Your photo looks like it is in Chinese"),
        (SCREENSHOT_ACCEPTED, "zh_Hans", "您的照片是英文内容"),
        (SCREENSHOT_REFUSED, "zh_Hans", "您的照片的内容看起来是中文"),
    ],
)
def test_issue_14_a_photo_is_your_photo_not_the_bots_file_name(verdict, locale, expected):
    text = messages.user_message(verdict, locale, "photo_17.jpg", photo=True)
    assert text.startswith(expected), text
    assert "photo_17" not in text


def test_our_wording_mid_sentence_stays_lower_case():
    verdict = Verdict("unchecked", None, "", "download_failed", "d", 0, "image")
    assert "download your photo from Telegram" in messages.user_message(verdict, "en", photo=True)
    assert "下载您的照片" in messages.user_message(verdict, "zh_Hans", photo=True)


def test_a_document_keeps_the_name_the_customer_gave_it():
    text = messages.user_message(SCREENSHOT_ACCEPTED, "zh_Hans", "登录 错误.png")
    assert text.startswith("登录 错误.png 是英文内容")
    assert messages.user_message(SCREENSHOT_ACCEPTED, "en", "app.log").startswith("app.log is")
