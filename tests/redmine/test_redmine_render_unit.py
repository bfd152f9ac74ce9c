"""Escaping rules of the description, per text formatting (the real page is checked in
test_redmine_render_injection.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from intake.tickets.redmine.render import (
    ZWSP,
    AttachmentLine,
    IssueContent,
    Markup,
    TranscriptLine,
    render_description,
    render_subject,
)

TEXTILE = Markup("textile")
COMMON = Markup("common_mark")


def test_redmine_textile_block_cannot_be_closed_by_the_customer():
    block = TEXTILE.block("a </pre> b < / PRE> <code> </notextile>")
    inner = block.removeprefix("<pre>\n").removesuffix("\n</pre>")
    assert "</pre" not in inner.lower().replace(" ", "")
    assert inner.replace(ZWSP, "") == "a </pre> b < / PRE> <code> </notextile>"


@given(st.text())
def test_redmine_textile_block_keeps_exactly_one_pre(text):
    block = TEXTILE.block(text)
    lowered = block.lower()
    assert lowered.count("<pre") == 1 and lowered.count("</pre") == 1


@given(st.text())
def test_redmine_common_mark_fence_is_longer_than_any_backtick_run(text):
    block = COMMON.block(text)
    fence = block.split("text\n", 1)[0]
    body = block[len(fence) + len("text\n") : -len(fence) - 1]
    assert fence not in body


def test_redmine_inline_values_stay_on_one_line_and_escape_pipes():
    assert TEXTILE.inline("a\nb|c") == "<code>a b|c</code>"
    assert COMMON.inline("a\nb|c") == "`a b\\|c`"
    assert COMMON.inline("x ``y`` z") == "```x ``y`` z```"
    assert COMMON.inline("`edge`") == "`` `edge` ``"
    assert TEXTILE.inline("   ") == "-"


def test_redmine_control_characters_are_dropped():
    assert TEXTILE.inline("a\x00b\x1bc") == "<code>abc</code>"


def _content(**overrides) -> IssueContent:
    values = dict(
        receipt="OS-000007",
        reference="OS-000007-abcdef",
        summary="Login fails",
        language="zh_Hans",
        impact="emergency",
        opened_at=datetime(2024, 5, 3, 10, 0, tzinfo=UTC),
        due_at=datetime(2024, 5, 3, 10, 30, tzinfo=UTC),
        environment={"Browser": "Firefox"},
        description="It fails.",
        customer="Alice (@alice, Telegram id 42)",
        attachments=[
            AttachmentLine(
                "big.log",
                6_000_000,
                "text/plain",
                "accepted",
                not_uploaded_reason="larger than Redmine's limit of 5.0 MB",
            )
        ],
        transcript=[
            TranscriptLine(
                datetime(2024, 5, 3, 9, 59, tzinfo=UTC), "in", "登录失败\n第二行", "zh_Hans"
            )
        ],
    )
    values.update(overrides)
    return IssueContent(**values)


def test_redmine_description_has_every_section_for_the_engineer():
    text = render_description(_content())
    for part in (
        "h2. Summary",
        "h3. Environment",
        "h3. Impact",
        "| Level | Emergency |",
        "2024-05-03 10:30 UTC (Fri 2024-05-03 03:30 PDT)",
        "h3. Attachments",
        "not uploaded: larger than Redmine's limit of 5.0 MB",
        "h3. Conversation transcript (Chinese (Simplified) (zh_Hans))",
        "2024-05-03 09:59:00 Customer [zh_Hans]: 登录失败\n    第二行",
        "OS-000007-abcdef",
    ):
        assert part in text, part


def test_redmine_common_mark_description_uses_markdown_constructs():
    text = render_description(_content(), "common_mark")
    assert "## Summary" in text and "### Environment" in text
    assert "| Field | Value |\n|---|---|" in text
    assert "<pre>" not in text


def test_redmine_subject_is_one_line_and_bounded():
    assert render_subject(_content(summary="a\nb " + "x" * 400)).startswith("a b x")
    assert len(render_subject(_content(summary="x" * 400))) == 250
    assert render_subject(_content(summary="  ")) == "OS-000007"


def test_redmine_impact_answers_read_as_the_questions_the_customer_answered():
    text = render_description(_content(impact_answers={"unusable": "no", "degraded": "yes"}))
    assert "Is Orangesky completely unusable for everyone" in text
    assert "<code>unusable</code>" not in text


def test_redmine_description_is_labelled_with_the_language_it_is_written_in():
    """A Chinese customer who switched the chat to English still wrote in Chinese."""
    text = render_description(
        _content(language="en", description="输入密码后页面一直转圈无法登录")
    )
    assert "Description (customer's words, Chinese (zh))" in text
