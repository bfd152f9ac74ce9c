# ruff: noqa: RUF001  (CJK and Cyrillic screenshot text is the point here)
"""A labelled set of screenshots drawn here: what the OCR engines are measured and tested on.

Each entry is (draw, expected): expected is 'en' for an English screenshot (accepted), None
for a picture with no text (accepted, nothing to read), or the language a refusal must name.
English, Simplified and Traditional Chinese, Japanese, Korean and Russian interfaces, photos,
dark mode, small fonts and a 4K page: the cases customers send. Used by tests/attachments and
bench/ocr_engines.py; drawn with Debian's fonts, nothing is committed as an image.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from . import factories as f

Expected = str | None


def page_4k(heading: str, paragraphs: list[str], lang: str = "en") -> Image.Image:
    """A 3840x2160 browser page at 200 % scaling, as a 4K monitor's screenshot is."""
    width, height = 3840, 2160
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 160), fill=(222, 225, 230))
    draw.rounded_rectangle((240, 88, width - 240, 144), radius=24, fill="white")
    draw.text((280, 96), "https://app.orangesky.example/reports", font=f.font(30), fill="black")
    draw.rectangle((0, 160, 440, height), fill=(247, 247, 250))
    draw.text((520, 220), heading, font=f.font(64, lang, bold=True), fill=(20, 20, 20))
    y = 360
    for paragraph in paragraphs:
        draw.text((520, y), paragraph, font=f.font(36, lang), fill=(40, 40, 40))
        y += 72
    return image


def _dialog_zh(**kwargs) -> Image.Image:
    return f.dialog(
        "导出失败",
        ["无法导出报告，因为与服务器的连接已断开。", "请稍后再试。"],
        ["取消", "重试"],
        lang="zh",
        **kwargs,
    )


def _dialog_en(**kwargs) -> Image.Image:
    return f.dialog(
        "Export failed",
        [
            "The report could not be exported because the",
            "connection to the server was lost. Try again later.",
        ],
        ["Cancel", "Retry"],
        **kwargs,
    )


SCREENSHOTS: dict[str, tuple[Callable[[], Image.Image], Expected]] = {
    "english dialog": (_dialog_en, "en"),
    "english browser": (
        lambda: f.browser(
            "https://app.orangesky.example/settings/billing",
            "Billing settings",
            [
                "Your subscription renews on the first day of each month.",
                "Payment method: card ending in 4242. Update it before the renewal date.",
                "Download invoices from the history page below.",
            ],
        ),
        "en",
    ),
    "english terminal": (
        lambda: f.terminal(
            [
                "$ orangesky-agent --sync",
                "2024-03-18 09:14:25 WARN retrying chunk 17/40 after HTTP 503",
                'Exception in thread "main" java.lang.NullPointerException',
                "    at com.orangesky.sync.FolderWatcher.scan(FolderWatcher.java:142)",
                "error: upload aborted, connection reset by peer",
            ]
        ),
        "en",
    ),
    "english phone": (
        lambda: f.phone(
            ["Notifications", "Sync over mobile data", "Dark mode", "Send crash reports"], "en"
        ),
        "en",
    ),
    "english dark mode": (lambda: _dialog_en(dark=True), "en"),
    "english small font": (
        lambda: f.dialog(
            "Sign in",
            [
                "Your session has expired. Please sign in again",
                "to continue working on your projects.",
            ],
            ["OK"],
            scale=0.7,
        ),
        "en",
    ),
    "english 4k": (
        lambda: page_4k(
            "Monthly report",
            [
                "The report for November is ready. It covers 14 projects and 212 tasks.",
                "Three tasks are overdue; their owners were notified this morning.",
                "Export the report as PDF or share a link with your team.",
            ],
        ),
        "en",
    ),
    "english ui, chinese user name": (
        lambda: f.dialog(
            "Members",
            [
                "Invite people to this workspace by email.",
                "Owner: 张伟 (zhang.wei@example.com)",
                "Members can view and edit every project.",
            ],
            ["Close", "Invite"],
            lang="zh",
        ),
        "en",
    ),
    "simplified chinese dialog": (_dialog_zh, "zh"),
    "simplified chinese dark mode": (lambda: _dialog_zh(dark=True), "zh"),
    "simplified chinese small font": (lambda: _dialog_zh(scale=0.7), "zh"),
    "simplified chinese 4k": (
        lambda: page_4k(
            "月度报告",
            [
                "十一月的报告已经生成，共包含 14 个项目和 212 项任务。",
                "有三项任务已经逾期，负责人今天上午已收到通知。",
                "您可以将报告导出为 PDF，或者与团队共享链接。",
            ],
            lang="zh",
        ),
        "zh",
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
    "traditional chinese browser": (
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
    "japanese dialog": (
        lambda: f.dialog(
            "エクスポートに失敗しました",
            ["サーバーとの接続が切断されたため、", "レポートをエクスポートできませんでした。"],
            ["キャンセル", "再試行"],
            lang="ja",
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
    "photo without text": (lambda: f.photo(seed=3), None),
    "another photo without text": (lambda: f.photo(seed=4, size=(1600, 1200)), None),
}


def right(expected: Expected, verdict: str, language: str | None) -> bool:
    """Whether a verdict is the right one for a screenshot labelled ``expected``."""
    if expected is None:
        return verdict == "accepted" and language is None
    if expected == "en":
        return verdict == "accepted"
    return verdict == "refused" and language == expected
