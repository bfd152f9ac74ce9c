"""Formatting the way the Bot API parses it, and safe HTML for the web chat."""

import pytest

from intake.emulator.textfmt import (
    FormatError,
    entities_to_html,
    parse_formatted,
    parse_html,
    parse_markdown_v2,
)


def test_html_tags_become_entities_with_utf16_offsets():
    text, entities = parse_html('😀 <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a>')
    assert text == "😀 bold link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]


def test_html_entities_decode_and_a_bare_ampersand_stays_text():
    assert parse_html("Tom &amp; Jerry &lt;3 &#20013; R&D")[0] == "Tom & Jerry <3 中 R&D"


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("1 < 2", 'Unsupported start tag ""'),
        ("a<br>b", 'Unsupported start tag "br"'),
        ("<b>open", "Can't find end tag"),
        ("<b>x</i>", "Unmatched end tag"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
    ],
)
def test_html_telegram_would_refuse_is_refused(markup, message):
    with pytest.raises(FormatError, match=message):
        parse_html(markup)


def test_pre_with_a_language_is_one_entity():
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert (text, entities) == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    )


def test_markdown_v2_requires_reserved_characters_escaped():
    text, entities = parse_markdown_v2(r"*Step 1\.* version \(e\.g\. 120\)")
    assert text == "Step 1. version (e.g. 120)"
    assert entities == [{"type": "bold", "offset": 0, "length": 7}]
    with pytest.raises(FormatError, match=r"Character '\.' is reserved"):
        parse_markdown_v2("Version 1.2")


def test_explicit_entities_win_over_parse_mode():
    assert parse_formatted("<b>", "HTML", [{"type": "bold", "offset": 0, "length": 3}]) == (
        "<b>",
        [{"type": "bold", "offset": 0, "length": 3}],
    )


def test_rendering_escapes_text_and_keeps_nesting():
    text, entities = parse_html("<b>a <i>&lt;b&gt;</i></b> c")
    assert entities_to_html(text, entities) == "<b>a <i>&lt;b&gt;</i></b> c"


def test_rendering_drops_unsafe_links_and_keeps_web_links():
    text = "bad good"
    entities = [
        {"type": "text_link", "offset": 0, "length": 3, "url": "javascript:alert(1)"},
        {"type": "text_link", "offset": 4, "length": 4, "url": "https://orangesky.example/"},
    ]
    rendered = entities_to_html(text, entities)
    assert rendered.startswith('bad <a href="https://orangesky.example/"')
    assert "javascript" not in rendered


def test_rendering_slices_by_utf16_around_emoji():
    text, entities = parse_html("👍👍 <u>下一步</u>")
    assert entities_to_html(text, entities) == "👍👍 <u>下一步</u>"
