# ruff: noqa: RUF001  (CJK and Cyrillic test text is the point here)
"""policy.check and check_text on files made here: verdicts, reasons and evidence."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from intake.attachments import policy
from intake.attachments.policy import REASONS, Verdict

from . import factories

LONG_LOG = (
    "\n".join(
        f"2024-03-18 09:14:{i % 60:02d},{i:03d} INFO [worker-{i % 4}] c.o.sync.Uploader - "
        f"uploaded chunk {i}/5000 of /data/users/8812/files/report_{i}.pdf in {i % 97} ms"
        for i in range(5000)
    )
    + "\nERROR upload aborted: connection reset by peer"
)


def _is_valid(verdict: Verdict) -> bool:
    return (
        verdict.verdict in REASONS
        and verdict.reason in REASONS[verdict.verdict]
        and isinstance(verdict.detail, str)
        and verdict.detail
        and verdict.elapsed_ms >= 0
    )


@pytest.mark.parametrize(
    ("text", "encoding", "verdict", "language"),
    [
        ("The export fails with error 500 since this morning.", "utf-8", "accepted", "en"),
        ("导出报表的时候一直转圈，最后显示失败。", "utf-8", "refused", "zh"),
        ("导出报表的时候一直转圈，最后显示失败。", "gbk", "refused", "zh"),
        ("匯出報表時一直轉圈，最後顯示失敗。", "big5", "refused", "zh"),
        (
            "エクスポートに失敗しました。サーバーとの接続が切断されました。",
            "utf-8",
            "refused",
            "ja",
        ),
        ("보고서를 내보낼 수 없습니다. 나중에 다시 시도하세요.", "utf-8", "refused", "ko"),
        ("Не удалось выгрузить отчёт, сервер не отвечает.", "utf-16", "refused", "ru"),
        ("Die Seite bleibt weiß, wenn ich auf den Link klicke.", "utf-8", "refused", "de"),
        (
            "La página se queda en blanco cuando abro el enlace compartido.",
            "utf-8",
            "refused",
            "es",
        ),
        ("", "utf-8", "accepted", None),
    ],
)
def test_text_files_in_many_languages_and_encodings(text, encoding, verdict, language):
    result = policy.check(text.encode(encoding), "notes.txt", "text/plain")
    assert (result.verdict, result.language) == (verdict, language)
    assert _is_valid(result)


def test_refusal_shows_the_foreign_text_as_evidence():
    result = policy.check(
        "Error 500\n导出报表的时候一直转圈，最后显示失败。".encode(), "a.log", None
    )
    assert result.reason == "not_english"
    assert "导出报表" in result.excerpt
    assert "Chinese" in result.detail


def test_long_english_log_is_accepted():
    result = policy.check(LONG_LOG.encode(), "sync.log", "text/plain")
    assert (result.verdict, result.reason, result.language) == ("accepted", "english", "en")


def test_utf16_log_without_bom_is_english():
    data = LONG_LOG[:5000].encode("utf-16-le")
    assert policy.check(data, "export.log", None).language == "en"


def test_gzipped_log_is_checked():
    data = gzip.compress("同步失败：网络连接超时，请检查网络设置。".encode())
    result = policy.check(data, "sync.log.gz", "application/gzip")
    assert (result.verdict, result.language, result.kind) == ("refused", "zh", "archive")


def test_zip_of_logs_names_the_foreign_member():
    data = factories.zip_of(
        {"en.log": b"ERROR timeout while uploading", "zh.log": "上传超时，请稍后再试。".encode()}
    )
    result = policy.check(data, "logs.zip", "application/zip")
    assert result.verdict == "refused"
    assert "zh.log" in result.detail


def test_zip_of_english_logs_is_accepted():
    data = factories.zip_of({"a.log": LONG_LOG[:3000].encode(), "b.json": b'{"error": "quota"}'})
    assert policy.check(data, "logs.zip", None).verdict == "accepted"


def test_zip_bomb_is_unchecked_too_large():
    result = policy.check(factories.zip_bomb(expanded_mb=120), "logs.zip", "application/zip")
    assert (result.verdict, result.reason) == ("unchecked", "too_large")


def test_english_text_pdf_is_accepted():
    data = factories.text_pdf(
        [
            "Invoice 2024-118",
            "The total is wrong: VAT was added twice.",
            "Please send a corrected invoice.",
        ]
    )
    result = policy.check(data, "invoice.pdf", "application/pdf")
    assert (result.verdict, result.language, result.kind) == ("accepted", "en", "pdf")


def test_chinese_text_pdf_is_refused():
    result = policy.check(
        factories.cjk_text_pdf("发票上的公司名称写错了，需要重新开具。"),
        "fapiao.pdf",
        "application/pdf",
    )
    assert (result.verdict, result.language) == ("refused", "zh")


def test_truncated_pdf_is_unchecked_corrupt():
    data = factories.text_pdf(["The total is wrong."])
    result = policy.check(data[:40], "invoice.pdf", "application/pdf")
    assert (result.verdict, result.reason) in {("unchecked", "corrupt"), ("accepted", "no_text")}


def test_truncated_png_is_unchecked_corrupt():
    png = factories.png_bytes(factories.photo(size=(300, 200)))
    result = policy.check(png[: len(png) // 3], "shot.png", "image/png")
    assert (result.verdict, result.reason) == ("unchecked", "corrupt")


def test_not_an_image_at_all_is_corrupt():
    result = policy.check(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "shot.png", "image/png")
    assert (result.verdict, result.reason) == ("unchecked", "corrupt")


def test_decompression_bomb_is_refused_without_decoding():
    bomb = factories.png_bytes(Image.new("1", (9000, 6000)))
    assert len(bomb) < 200_000
    result = policy.check(bomb, "huge.png", "image/png")
    assert (result.verdict, result.reason) == ("unchecked", "too_large")
    assert result.elapsed_ms < 2000


def test_file_over_the_size_limit_is_not_read():
    result = policy.check(b"a" * (policy.MAX_BYTES + 1), "big.log", "text/plain")
    assert (result.verdict, result.reason) == ("unchecked", "too_large")


@pytest.mark.parametrize(
    ("data", "name", "mime", "reason"),
    [
        (b"OggS\x00\x02" + bytes(200), None, "audio/ogg", "audio"),
        (b"ID3\x03\x00" + bytes(200), "memo.mp3", None, "audio"),
        (b"\x00\x00\x00\x20ftypisom" + bytes(200), "screen.mp4", "video/mp4", "video"),
        (b"\x1a\x45\xdf\xa3" + bytes(200), "clip.webm", None, "video"),
        (bytes(range(256)) * 8, "setup.exe", "application/octet-stream", "unsupported"),
        (b"\x00\x00\x00\x20ftypheic" + bytes(200), "IMG_1.HEIC", "image/heic", "unsupported"),
    ],
)
def test_media_that_cannot_be_checked_says_why(data, name, mime, reason):
    result = policy.check(data, name, mime)
    assert (result.verdict, result.reason) == ("unchecked", reason)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Here is the log from this morning", "accepted"),
        ("这是今天早上的日志", "refused"),
        ("OK", "accepted"),
        ("", "accepted"),
    ],
)
def test_check_text(text, verdict):
    result = policy.check_text(text)
    assert result.verdict == verdict
    assert result.kind == "message"


def test_verdict_serialises_to_the_cli_fields():
    fields = policy.check_text("hello there").as_dict()
    assert {"verdict", "language", "reason", "detail", "excerpt", "elapsed_ms"} <= set(fields)


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=2048),
    name=st.sampled_from(["a.png", "a.pdf", "a.zip", "a.txt", "a.gz", None, "a.docx"]),
    mime=st.sampled_from([None, "image/png", "application/pdf", "text/plain"]),
)
def test_check_never_raises_on_arbitrary_bytes(data, name, mime):
    assert _is_valid(policy.check(data, name, mime))


@settings(max_examples=40, deadline=None)
@given(
    prefix=st.sampled_from(
        [b"%PDF-1.4\n", b"PK\x03\x04", b"\x1f\x8b\x08", b"\x89PNG\r\n\x1a\n", b"GIF89a"]
    ),
    rest=st.binary(max_size=1024),
)
def test_check_never_raises_on_broken_containers(prefix, rest):
    result = policy.check(prefix + rest, None, None)
    assert _is_valid(result)
    assert result.verdict != "refused"


def test_html_is_judged_by_its_words_not_its_tags():
    page = (
        "<!DOCTYPE html><html><head><style>body{font:12px}</style></head><body>"
        "<div class='dialog'><p>无法导出报告，因为与服务器的连接已断开。</p></div></body></html>"
    )
    assert policy.check(page.encode(), "page.html", "text/html").language == "zh"
    english = "<html><body><p>The export failed, please try again.</p></body></html>"
    assert policy.check(english.encode(), "page.html", "text/html").language == "en"


def _svg(body: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" '
        f'height="100">{body}</svg>'
    ).encode()


@pytest.mark.parametrize(
    ("body", "verdict", "reason", "language"),
    [
        (
            '<rect width="100" height="50"/><circle cx="200" cy="50" r="40"/>',
            "accepted",
            "no_text",
            None,
        ),
        (
            "<title>Login flow</title><text x='5' y='20'>Sign in, then open the dashboard</text>",
            "accepted",
            "english",
            "en",
        ),
        (
            "<title>登录流程</title><text x='5' y='20'>登录以后打开控制面板</text>",
            "refused",
            "not_english",
            "zh",
        ),
    ],
)
def test_svg_is_judged_by_its_text_and_one_without_text_is_accepted(
    body, verdict, reason, language
):
    result = policy.check(_svg(body), "diagram.svg", "image/svg+xml")
    assert (result.verdict, result.reason, result.language) == (verdict, reason, language)
    assert result.kind == "drawing"


def test_svgz_is_read_like_svg():
    data = gzip.compress(_svg("<text>Sign in, then open the dashboard</text>"))
    result = policy.check(data, "diagram.svgz", "image/svg+xml")
    assert (result.verdict, result.language) == ("accepted", "en")


def test_every_reason_belongs_to_one_outcome_and_has_words_for_staff_and_customer():
    from intake.attachments.messages import MESSAGES
    from intake.attachments.reasons import REASONS, Outcome, Reason
    from intake.staff.present import REASON_LABELS

    listed = [reason for reasons in REASONS.values() for reason in reasons]
    assert sorted(listed) == sorted(Reason)
    assert set(REASONS) == set(Outcome)
    assert set(REASON_LABELS) == set(Reason)
    # Refusals have their own templates; every other reason has a message of its own.
    assert set(MESSAGES) == set(Reason) - set(REASONS[Outcome.REFUSED])
