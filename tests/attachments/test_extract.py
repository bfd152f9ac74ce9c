# ruff: noqa: RUF001  (CJK and Cyrillic test text is the point here)

"""Text decoding, file kinds and archive limits: no OCR needed."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from intake.attachments import extract
from intake.attachments.extract import Unreadable

from . import factories


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("The export fails with error 500.", "utf-8"),
        ("导出报表时一直转圈，最后显示失败。", "utf-8"),
        ("导出报表时一直转圈，最后显示失败。", "utf-8-sig"),
        ("Ошибка: не удалось подключиться", "utf-16"),
        ("Export failed: timeout after 30 s", "utf-16-le"),
        ("Export failed: timeout after 30 s", "utf-16-be"),
        ("匯出報表時一直轉圈，最後顯示失敗。", "big5"),
        ("登录失败，请稍后再试一次吧", "gbk"),  # ten-odd characters: the short GBK case
        ("导出报表的时候一直转圈，最后显示失败，请尽快处理。", "gb18030"),
    ],
)
def test_decode_text_recovers_the_text(text, encoding):
    decoded, _ = extract.decode_text(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text


def test_short_gbk_decodes_to_chinese_not_korean():
    decoded, _ = extract.decode_text("无法登录系统".encode("gbk"))
    assert decoded == "无法登录系统"


@pytest.mark.parametrize(
    ("data", "name", "mime", "kind"),
    [
        (factories.png_bytes(factories.photo(size=(40, 30))), None, "image/jpeg", "image"),
        (factories.text_pdf(["Hello"]), "a.bin", None, "pdf"),
        (factories.zip_of({"a.txt": b"x"}), "logs.zip", None, "zip"),
        (gzip.compress(b"log line"), "app.log.gz", None, "gzip"),
        (b"OggS\x00\x02" + bytes(100), "voice.oga", "audio/ogg", "audio"),
        (b"\x00\x00\x00\x20ftypisom" + bytes(100), "clip.mp4", "video/mp4", "video"),
        (b"\x00\x00\x00\x20ftypheic" + bytes(100), "IMG_0001.HEIC", "image/heic", "heic"),
        (b"plain words", "notes", None, "text"),
        (bytes(range(256)) * 4, "blob.bin", "application/octet-stream", "unknown"),
    ],
)
def test_sniff_trusts_content_before_names(data, name, mime, kind):
    assert extract.sniff(data, name, mime) == kind


def test_zip_bomb_is_refused_before_expanding():
    with pytest.raises(Unreadable) as caught:
        extract.read_zip(factories.zip_bomb(expanded_mb=120))
    assert caught.value.reason == "too_large"


def test_zip_with_a_high_ratio_member_is_refused():
    bomb = factories.zip_of({"zeros.log": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(Unreadable) as caught:
        extract.read_zip(bomb)
    assert caught.value.reason == "too_large"
    assert "zip bomb" in caught.value.detail


def test_zip_with_too_many_members_is_refused():
    many = factories.zip_of({f"f{i}.txt": b"x" for i in range(extract.MAX_ARCHIVE_MEMBERS + 1)})
    with pytest.raises(Unreadable) as caught:
        extract.read_zip(many)
    assert caught.value.reason == "too_large"


def test_zip_member_that_lies_about_its_size_is_cut_off(monkeypatch):
    monkeypatch.setattr(extract, "MAX_MEMBER_BYTES", 1000)
    data = factories.zip_of({"big.txt": b"word " * 2000})  # ratio is low; size is the limit
    with pytest.raises(Unreadable) as caught:
        extract.read_zip(data)
    assert caught.value.reason == "too_large"


def test_truncated_zip_is_corrupt():
    data = factories.zip_of({"a.txt": b"hello world " * 100})
    with pytest.raises(Unreadable) as caught:
        extract.read_zip(data[: len(data) // 2])
    assert caught.value.reason == "corrupt"


def test_zip_reads_texts_and_skips_media():
    data = factories.zip_of(
        {
            "logs/app.log": b"ERROR timeout",
            "voice.ogg": b"OggS",
            "shot.png": factories.png_bytes(factories.photo(size=(20, 20))),
        }
    )
    found = extract.read_zip(data)
    assert found.texts == [("logs/app.log", "ERROR timeout")]
    assert [name for name, _ in found.images] == ["shot.png"]
    assert found.skipped == ["voice.ogg"]


def test_docx_text_is_read_from_its_xml():
    xml = (
        "<w:document><w:body><w:p><w:r><w:t>无法导出报告</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    data = factories.zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": xml,
            "docProps/app.xml": b"<Properties>Microsoft Office Word</Properties>",
        }
    )
    found = extract.read_zip(data)
    assert [(name, text.strip()) for name, text in found.texts] == [
        ("word/document.xml", "无法导出报告")
    ]


def test_encrypted_zip_member_is_reported():
    data = bytearray(factories.zip_of({"a.txt": b"hello"}))
    data[6] |= 0x1  # the local header's "encrypted" flag
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1
    with pytest.raises(Unreadable) as caught:
        extract.read_zip(bytes(data))
    assert caught.value.reason == "encrypted"


def test_gzip_bomb_is_refused():
    with pytest.raises(Unreadable) as caught:
        extract.gunzip(gzip.compress(b"\0" * (extract.MAX_MEMBER_BYTES + 10)))
    assert caught.value.reason == "too_large"


def test_truncated_gzip_is_corrupt():
    data = gzip.compress(b"log line\n" * 1000)
    with pytest.raises(Unreadable) as caught:
        extract.gunzip(data[:20])
    assert caught.value.reason == "corrupt"


def test_pdf_text_layer_is_read():
    count, pages = extract.pdf_pages(factories.text_pdf(["Export failed", "Try again later"]))
    assert count == 1
    assert "Export failed" in pages[0][1]


def test_cjk_pdf_text_layer_is_read():
    _, pages = extract.pdf_pages(factories.cjk_text_pdf("无法导出报告"))
    assert "无法导出报告" in pages[0][1]


def test_truncated_pdf_is_corrupt_or_empty():
    data = factories.text_pdf(["Export failed"])
    try:
        _count, pages = extract.pdf_pages(data[:60])
    except Unreadable as exc:
        assert exc.reason == "corrupt"
    else:
        assert not "".join(text for _, text, _ in pages).strip()


def test_sample_text_keeps_head_and_tail():
    text = "head " + "x" * 200_000 + " tail"
    sampled = extract.sample_text(text)
    assert sampled.startswith("head") and sampled.endswith("tail")
    assert len(sampled) <= extract.MAX_TEXT_CHARS + 1


def test_markup_is_stripped():
    assert extract.strip_markup(
        "<p>Hello <b>world</b></p><script>var x='中文';</script>"
    ).split() == ["Hello", "world"]


def test_image_pdf_factory_has_no_text_layer():
    data = factories.image_pdf([factories.photo(size=(200, 100))])
    _, pages = extract.pdf_pages(data)
    assert pages[0][1].strip() == ""
    assert io.BytesIO(data).read(4) == b"%PDF"
    assert zipfile.is_zipfile(io.BytesIO(data)) is False


@pytest.mark.parametrize(
    "text",
    [
        b"BMW dealers report the same problem",
        b"ID3 tags are wrong",
        b"The file starts with %PDF-1.7 but does not open",
    ],
)
def test_text_that_starts_like_a_signature_is_still_text(text):
    assert extract.sniff(text, None, None) == "text"


SVG_DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">
  <title>Sync architecture</title>
  <style>.box { fill: #eee; }</style>
  <rect class="box" x="10" y="10" width="120" height="60"/>
  <text x="20" y="40">Desktop <tspan font-weight="bold">client</tspan></text>
  <path d="M130 40 L260 40"/>
</svg>
"""


def test_svg_is_sniffed_by_its_root_element_whatever_its_name():
    assert extract.sniff(SVG_DIAGRAM, "diagram.bin", None) == "svg"
    assert extract.sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>", None, None) == "svg"
    assert extract.sniff(b"<html><body>svg</body></html>", "page.html", None) == "text"


def test_svg_text_is_what_the_drawing_shows_and_names():
    assert extract.svg_text(SVG_DIAGRAM).splitlines() == ["Sync architecture", "Desktop client"]


def test_svg_with_entities_is_not_expanded():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>"""
    with pytest.raises(extract.Unreadable) as caught:
        extract.svg_text(bomb)
    assert caught.value.reason == "unsupported"


def test_broken_svg_is_corrupt():
    with pytest.raises(extract.Unreadable) as caught:
        extract.svg_text(b"<svg xmlns='http://www.w3.org/2000/svg'><text>cut off")
    assert caught.value.reason == "corrupt"
