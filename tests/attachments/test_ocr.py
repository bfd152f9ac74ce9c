# ruff: noqa: RUF001  (CJK and Cyrillic test text is the point here)
"""Screenshots, photos and scans drawn here, read by Tesseract: the verdicts a customer gets."""

from __future__ import annotations

import pytest

from intake.attachments import policy

from . import factories as f

pytestmark = pytest.mark.ocr

STACK = [
    "$ orangesky-agent --sync",
    "2024-03-18 09:14:25 WARN retrying chunk 17/40 after HTTP 503",
    'Exception in thread "main" java.lang.NullPointerException',
    "    at com.orangesky.sync.FolderWatcher.scan(FolderWatcher.java:142)",
    "    at com.orangesky.sync.SyncService.start(SyncService.java:77)",
    "    at java.base/java.lang.Thread.run(Thread.java:833)",
    "error: upload aborted, connection reset by peer",
]


def check_image(image):
    return policy.check(f.png_bytes(image), "screenshot.png", "image/png")


ENGLISH_SCREENSHOTS = {
    "dialog": lambda: f.dialog(
        "Export failed",
        [
            "The report could not be exported because the",
            "connection to the server was lost. Try again later.",
        ],
        ["Cancel", "Retry"],
    ),
    "small dialog": lambda: f.dialog(
        "Sign in",
        [
            "Your session has expired. Please sign in again",
            "to continue working on your projects.",
        ],
        ["OK"],
        scale=0.8,
    ),
    "browser": lambda: f.browser(
        "https://app.orangesky.example/settings/billing",
        "Billing settings",
        [
            "Your subscription renews on the first day of each month.",
            "Payment method: card ending in 4242. Update it before the renewal date.",
            "Download invoices from the history page below.",
        ],
    ),
    "terminal": lambda: f.terminal(STACK),
    "phone": lambda: f.phone(
        ["Notifications", "Sync over mobile data", "Dark mode", "Send crash reports"], "en"
    ),
    "english ui, chinese user name": lambda: f.dialog(
        "Members",
        [
            "Invite people to this workspace by email.",
            "Owner: 张伟 (zhang.wei@example.com)",
            "Members can view and edit every project.",
        ],
        ["Close", "Invite"],
        lang="zh",
    ),
}

FOREIGN_SCREENSHOTS = {
    "simplified dialog": (
        lambda: f.dialog(
            "导出失败",
            ["无法导出报告，因为与服务器的连接已断开。", "请稍后再试。"],
            ["取消", "重试"],
            lang="zh",
        ),
        "zh",
    ),
    "traditional browser": (
        lambda: f.browser(
            "https://app.orangesky.example/settings",
            "帳單設定",
            [
                "您的訂閱會在每個月的第一天自動續訂。",
                "付款方式：末四碼為 4242 的信用卡。",
                "請在下方的歷史記錄頁面下載發票。",
            ],
            lang="zh_Hant",
        ),
        "zh",
    ),
    "japanese phone": (
        lambda: f.phone(
            ["通知", "モバイルデータで同期", "ダークモード", "クラッシュレポートを送信"], "ja"
        ),
        "ja",
    ),
    "korean dialog": (
        lambda: f.dialog(
            "내보내기 실패",
            ["서버와의 연결이 끊어져 보고서를", "내보낼 수 없습니다. 나중에 다시 시도하세요."],
            ["취소", "다시 시도"],
            lang="ko",
        ),
        "ko",
    ),
    "chinese terminal": (
        lambda: f.terminal(
            [
                "$ orangesky sync",
                "正在同步 3 个文件夹……",
                "错误：您没有权限访问文件夹“报告”，请联系管理员。",
                "同步已停止。",
            ],
            lang="zh",
        ),
        "zh",
    ),
    "russian dialog": (
        lambda: f.dialog(
            "Ошибка экспорта",
            [
                "Не удалось выгрузить отчёт: соединение с сервером",
                "было разорвано. Повторите попытку позже.",
            ],
            ["Отмена", "Повторить"],
            lang="ru",
        ),
        "ru",
    ),
    "chinese ui with english error": (
        lambda: f.dialog(
            "同步错误",
            [
                "同步客户端无法连接到服务器，请检查网络设置。",
                "错误详情：ECONNRESET (connection reset by peer)",
                "如果问题持续出现，请联系管理员。",
            ],
            ["关闭", "查看日志"],
            lang="zh",
        ),
        "zh",
    ),
}


@pytest.mark.parametrize("name", ENGLISH_SCREENSHOTS)
def test_english_screenshot_is_accepted(name):
    result = check_image(ENGLISH_SCREENSHOTS[name]())
    assert (result.verdict, result.language) == ("accepted", "en"), result


@pytest.mark.parametrize("name", FOREIGN_SCREENSHOTS)
def test_foreign_screenshot_is_refused_with_evidence(name):
    factory, language = FOREIGN_SCREENSHOTS[name]
    result = check_image(factory())
    assert (result.verdict, result.language, result.reason) == (
        "refused",
        language,
        "not_english",
    ), result
    assert result.excerpt and result.kind == "image"


@pytest.mark.parametrize("seed", [3, 4])
def test_photo_without_text_is_accepted(seed):
    result = check_image(f.photo(seed=seed))
    assert (result.verdict, result.reason) == ("accepted", "no_text"), result


def test_blank_image_is_accepted():
    from PIL import Image

    result = check_image(Image.new("RGB", (640, 480), "white"))
    assert (result.verdict, result.reason) == ("accepted", "no_text")


def test_jpeg_screenshot_is_read():
    image = ENGLISH_SCREENSHOTS["dialog"]()
    result = policy.check(f.png_bytes(image, "JPEG"), None, "image/jpeg")
    assert result.verdict == "accepted" and result.language == "en"


def test_scanned_chinese_pdf_is_refused():
    page = f.dialog(
        "发票", ["发票上的公司名称写错了，需要重新开具。", "请尽快处理，谢谢。"], [], lang="zh"
    )
    result = policy.check(f.image_pdf([page]), "scan.pdf", "application/pdf")
    assert (result.verdict, result.language) == ("refused", "zh"), result
    assert "Page 1" in result.detail


def test_scanned_english_pdf_is_accepted():
    page = f.dialog(
        "Invoice",
        ["The company name on the invoice is wrong.", "Please issue a corrected invoice."],
        [],
    )
    result = policy.check(f.image_pdf([page]), "scan.pdf", "application/pdf")
    assert (result.verdict, result.language) == ("accepted", "en"), result


def test_zip_with_a_chinese_screenshot_is_refused():
    shot = f.png_bytes(FOREIGN_SCREENSHOTS["simplified dialog"][0]())
    data = f.zip_of({"log.txt": b"ERROR timeout", "screens/error.png": shot})
    result = policy.check(data, "report.zip", "application/zip")
    assert (result.verdict, result.language) == ("refused", "zh"), result
    assert "screens/error.png" in result.detail
