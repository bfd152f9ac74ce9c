# ruff: noqa: RUF001  (CJK and Cyrillic test text is the point here)
"""The language decision: the labelled set's floors, and the cases that matter most."""

from __future__ import annotations

import pytest

from intake.language import analyse, detect_language, suggest_switch

from .language_samples import MIXED_ENGLISH, MIXED_NOT_ENGLISH, SAMPLES


def _right(label: str, language: str | None) -> bool:
    # English must be accepted (unsure counts as accepted); others refused with the language.
    return language in ("en", None) if label == "en" else language == label


def test_labelled_set_refuses_at_most_one_percent_of_english():
    english = [text for label, text in SAMPLES if label == "en"]
    refused = [text for text in english if analyse(text).language not in ("en", None)]
    assert len(refused) <= 0.01 * len(english), refused


def test_labelled_set_is_at_least_98_percent_right():
    wrong = [
        (label, text, analyse(text).language)
        for label, text in SAMPLES
        if not _right(label, analyse(text).language)
    ]
    assert len(wrong) <= 0.02 * len(SAMPLES), wrong


def test_every_non_english_sample_is_refused_as_not_english():
    accepted = [
        text for label, text in SAMPLES if label != "en" and analyse(text).language in ("en", None)
    ]
    assert len(accepted) <= 0.02 * len(SAMPLES), accepted


@pytest.mark.parametrize(
    "text",
    [
        "網頁打不開",
        "我的帳號被鎖定了，要怎麼解鎖？",
        "請問資料儲存在哪個地區？",
    ],
)
def test_traditional_chinese_is_chinese_not_korean(text):
    assert detect_language(text) == "zh"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ログインできません", "ja"),
        ("로그인이 안 돼요", "ko"),
        ("Не могу войти в аккаунт", "ru"),
        ("Не можу увійти в обліковий запис", "uk"),
        ("لا أستطيع تسجيل الدخول", "ar"),
        ("เข้าสู่ระบบไม่ได้", "th"),
        ("Je n'arrive pas à me connecter depuis hier", "fr"),
        ("Ich kann mich seit gestern nicht anmelden", "de"),
    ],
)
def test_scripts_and_latin_languages_are_named(text, language):
    assert detect_language(text) == language


def test_stack_trace_of_identifiers_is_english():
    trace = (
        'Exception in thread "main" java.lang.NullPointerException\n'
        "\tat com.orangesky.sync.FolderWatcher.scan(FolderWatcher.java:142)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:833)"
    )
    assert analyse(trace).language == "en"


def test_log_lines_full_of_paths_and_numbers_are_english():
    log = (
        "2024-03-18 09:14:25,102 WARN [pool-3-thread-1] c.o.sync.Uploader - retrying "
        "chunk 17/40 after 503 C:\\Users\\li.wei\\AppData\\Local\\Orangesky"
    )
    assert analyse(log).language == "en"


def test_chinese_name_in_an_english_sentence_stays_english():
    assert detect_language("My name is 张伟 and I cannot log in since Monday") == "en"


def test_chinese_sentence_with_english_terms_is_chinese():
    assert detect_language("在 Chrome 120 上页面是空白的，Edge 上正常。") == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "API 返回 401 Unauthorized，token 是刚生成的。",
        "Telegram Desktop 4.14 Windows 版 登录失败",
        "升级到 v2.14.3 (build 8812) 以后 Settings 页面 crash",
        "Error 500 了",
    ],
)
def test_issue_14_chinese_carrying_english_words_is_chinese(text):
    guess = analyse(text)
    assert guess.language == "zh", guess
    assert guess.excerpt


@pytest.mark.parametrize(("language", "text"), MIXED_NOT_ENGLISH)
def test_prose_in_another_script_with_english_terms_is_that_language(language, text):
    assert analyse(text).language == language


@pytest.mark.parametrize("text", MIXED_ENGLISH)
def test_english_with_a_chinese_name_folder_or_label_stays_english(text):
    assert analyse(text).language == "en"


def test_a_path_with_chinese_folder_names_is_technical():
    assert analyse("C:\\Users\\张三\\文档\\导出\\report.xlsx").language == "en"


@pytest.mark.parametrize("text", ["Merci", "Danke", "Gracias", "Grazie"])
def test_one_short_word_of_another_latin_language_is_not_refused(text):
    assert analyse(text).language in ("en", None)


def test_ocr_stray_glyphs_do_not_make_english_chinese():
    ocr_text = "口 Export failed\n田 The report could not be exported 口\n〇 Cancel Retry"
    assert analyse(ocr_text, ocr=True).language == "en"


def test_ocr_spaced_chinese_is_joined_and_detected():
    assert (
        analyse("无 法 导出 报告 ， 因 为 与 服务 器 的 连接 已 断 开", ocr=True).language == "zh"
    )


@pytest.mark.parametrize("text", ["", "   ", "404", "0x80070005", "https://x.example/a/b?c=1"])
def test_no_words_means_no_language(text):
    assert detect_language(text) is None


@pytest.mark.parametrize("text", ["Gracias", "Merci", "asdf"])
def test_one_foreign_word_is_not_enough_to_refuse(text):
    assert analyse(text).language in ("en", None)


def test_refusal_carries_an_excerpt_of_the_foreign_text():
    guess = analyse("Error 500\n导出报表的时候一直转圈，最后显示失败。")
    assert guess.language == "zh"
    assert "导出报表" in guess.excerpt


def test_detection_is_repeatable():
    text = "Paguei o plano Pro mas a conta continua gratuita."
    assert {analyse(text) for _ in range(5)} == {analyse(text)}


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("你好，我登录不了", "en", "zh_Hans"),
        ("我的帳號被鎖定了", "en", "zh_Hans"),
        ("I cannot log in since yesterday, the page stays blank", "zh_Hans", "en"),
        ("OK", "zh_Hans", None),
        ("Error 500", "zh_Hans", None),
        ("Chrome 120", "zh_Hans", None),
        ("hello", "en", None),
        ("你好", "zh_Hans", None),
        ("Ich kann mich seit gestern nicht anmelden", "zh_Hans", None),
    ],
)
def test_suggest_switch(text, locale, expected):
    assert suggest_switch(text, locale) == expected


def test_an_excerpt_from_a_pdf_shows_kangxi_radicals_as_the_characters_they_stand_for():
    """PDF text extraction gives '⼗' (U+2F17) for '十' and '⽤' (U+2F64) for '用'."""
    guess = analyse("请在三\u2f17秒后重试，所有\u2f64户都无法登录。")
    assert guess.language == "zh"
    assert "三十秒" in guess.excerpt and "所有用户" in guess.excerpt
