"""Staff notes in Textile or CommonMark become safe Telegram HTML: escaped, links kept, no
raw markup, nothing injected, split under Telegram's limit without breaking a tag."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from intake.tickets.redmine.journals import JournalUpdate
from intake.tickets.redmine.markup import split_html, to_telegram_blocks, to_telegram_html
from intake.tickets.updates import note_messages

ALLOWED = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}


class _Tags(HTMLParser):
    """Collects tags and checks they nest and close (what Telegram's HTML parser wants)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.seen: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text += data


def telegram_safe(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert not parser.stack, f"unclosed {parser.stack}"
    for tag, attrs in parser.seen:
        assert tag in ALLOWED, tag
        if tag == "a":
            assert set(attrs) == {"href"}
            assert attrs["href"].startswith(("http://", "https://", "mailto:"))
        else:
            assert not attrs
    return parser


def test_textile_formatting_becomes_telegram_tags():
    html = to_telegram_html(
        "h2. Fixed in 4.3\n\nPlease *update* to _4.3_, then -restart- +both+ nodes.\n"
        "* step one\n* step two\n# first\n# second\nbq. quoted line\n@ls -la@",
        "textile",
    )
    assert html.splitlines() == [
        "<b>Fixed in 4.3</b>",
        "",
        "Please <b>update</b> to <i>4.3</i>, then <s>restart</s> <u>both</u> nodes.",
        "• step one",
        "• step two",
        "1. first",
        "2. second",
        "<blockquote>quoted line</blockquote>",
        "<code>ls -la</code>",
    ]
    telegram_safe(html)


def test_common_mark_formatting_becomes_telegram_tags():
    html = to_telegram_html(
        "## Fixed\n**bold** and *it* and ~~old~~ and `x < y`\n- item\n> quoted\n"
        "```\nif a < b && c:\n    pass\n```",
        "common_mark",
    )
    assert "<b>Fixed</b>" in html
    assert "<b>bold</b> and <i>it</i> and <s>old</s> and <code>x &lt; y</code>" in html
    assert "• item" in html and "<blockquote>quoted</blockquote>" in html
    assert "<pre>if a &lt; b &amp;&amp; c:\n    pass</pre>" in html
    telegram_safe(html)


@pytest.mark.parametrize(
    ("text", "formatting", "href", "label"),
    [
        (
            'See "the guide":https://docs.example.com/a?b=1&c=2 now',
            "textile",
            "https://docs.example.com/a?b=1&c=2",
            "the guide",
        ),
        (
            "See [the guide](https://docs.example.com/a?b=1&c=2) now",
            "common_mark",
            "https://docs.example.com/a?b=1&c=2",
            "the guide",
        ),
        (
            "See https://docs.example.com/x. Then",
            "textile",
            "https://docs.example.com/x",
            "https://docs.example.com/x",
        ),
        (
            "See <https://docs.example.com/x>",
            "common_mark",
            "https://docs.example.com/x",
            "https://docs.example.com/x",
        ),
    ],
)
def test_links_are_kept_with_their_target(text, formatting, href, label):
    html = to_telegram_html(text, formatting)
    parsed = telegram_safe(html)
    assert ("a", {"href": href}) in parsed.seen
    assert label in parsed.text


@pytest.mark.parametrize("formatting", ["textile", "common_mark"])
@pytest.mark.parametrize(
    "attack",
    [
        "<b>not bold</b> <script>alert(1)</script> <a href='javascript:alert(1)'>x</a>",
        '"click":javascript:alert(1) [click](javascript:alert(1)) [x](data:text/html,hi)',
        '</blockquote></pre><a href="https://evil.example">phish</a>',
        '"x":https://ok.example/"><b>oops',
        "&lt;b&gt; &amp; & < > \" '",
    ],
)
def test_injection_attempts_stay_text(formatting, attack):
    html = to_telegram_html(attack, formatting)
    parsed = telegram_safe(html)
    assert "javascript:" not in " ".join(a.get("href", "") for _, a in parsed.seen)
    assert "data:" not in " ".join(a.get("href", "") for _, a in parsed.seen)
    assert ">phish</a>" not in html and "<b>oops" not in html  # the note's own tags: text


def test_macros_and_images_are_dropped():
    textile = to_telegram_html(
        "{{toc}} {{collapse(x)}} see !https://img.example/t.png!", "textile"
    )
    markdown = to_telegram_html(
        "{{toc}} see ![the chart](https://img.example/t.png)", "common_mark"
    )
    assert telegram_safe(textile).text.strip() == "see"
    assert telegram_safe(markdown).text.strip() == "see the chart"


def test_no_raw_markup_is_left_for_the_customer():
    textile = to_telegram_html("h1. Title\n\np. *Done* _now_\nbc. make", "textile")
    markdown = to_telegram_html("# Title\n**Done** _now_\n***", "common_mark")
    for html in (textile, markdown):
        text = telegram_safe(html).text
        assert not re.search(r"h1\.|p\. |bc\.|\*\*|^#", text, re.M), text


def test_ordinary_text_with_symbols_is_left_alone():
    for formatting in ("textile", "common_mark"):
        text = telegram_safe(
            to_telegram_html("snake_case_name, 5*3*2 = 30, a-b-c, 2+2+3, C# and A&B", formatting)
        ).text
        assert text == "snake_case_name, 5*3*2 = 30, a-b-c, 2+2+3, C# and A&B"


def test_a_long_note_is_split_under_the_limit_without_breaking_tags():
    note = "\n".join(
        f"Line {n}: *important* & <detail> see https://x.example/{n}" for n in range(400)
    )
    update = JournalUpdate(
        issue_id=45, journal_id=1, created_on="", author="Jane <QA>", notes=note
    )
    messages = note_messages(
        "en", update, receipt="OS-000123", url="https://rm.example/issues/45", formatting="textile"
    )
    assert len(messages) > 1
    assert "<b>Jane &lt;QA&gt;</b> wrote on your ticket OS-000123 / " in messages[0]
    for message in messages:
        assert len(message) <= 4096
        telegram_safe(message)
    joined = "".join(telegram_safe(m).text for m in messages)
    assert "Line 0:" in joined and "Line 399:" in joined


def test_one_block_longer_than_the_limit_is_cut_between_characters():
    blocks = to_telegram_blocks("*" + "a&b " * 3000 + "*", "textile")
    parts = split_html(blocks, 4096)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= 4096
        telegram_safe(part)
        assert not re.search(r"&[a-z]*$", part)
