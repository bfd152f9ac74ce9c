# ruff: noqa: RUF001 - Chinese text uses full-width parentheses
from datetime import UTC, date, datetime, timedelta

import pytest

from intake.impact.format import format_due, format_response_time, format_soon, staffed_text
from intake.impact.sla import PACIFIC


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


DUE_TEXT_EN = [
    ("2026-11-29T22:00-08:00", "Sunday 29 November 2026, 22:00 PST (06:00 UTC Monday)"),
    ("2026-11-30T06:00Z", "Sunday 29 November 2026, 22:00 PST (06:00 UTC Monday)"),
    ("2026-11-25T10:00-08:00", "Wednesday 25 November 2026, 10:00 PST (18:00 UTC)"),
    ("2026-07-03T16:00-07:00", "Friday 3 July 2026, 16:00 PDT (23:00 UTC)"),
    ("2026-03-08T15:00-07:00", "Sunday 8 March 2026, 15:00 PDT (22:00 UTC)"),
    ("2026-12-31T20:00-08:00", "Thursday 31 December 2026, 20:00 PST (04:00 UTC Friday)"),
]


@pytest.mark.parametrize(("instant", "text"), DUE_TEXT_EN)
def test_format_due_in_english(instant, text):
    assert format_due(at(instant), "en") == text


DUE_TEXT_ZH = [
    ("2026-11-29T22:00-08:00", "2026年11月29日 星期日 22:00 PST（UTC 时间 周一 06:00）"),
    ("2026-11-25T10:00-08:00", "2026年11月25日 星期三 10:00 PST（UTC 时间 18:00）"),
    ("2026-07-03T16:00-07:00", "2026年7月3日 星期五 16:00 PDT（UTC 时间 23:00）"),
]


@pytest.mark.parametrize(("instant", "text"), DUE_TEXT_ZH)
def test_format_due_in_chinese(impact_catalog, instant, text):
    assert format_due(at(instant), "zh_Hans") == text


def test_format_due_in_utc_has_no_redundant_utc_part(impact_catalog):
    due = at("2026-11-30T06:00Z")
    assert format_due(due, "en", tz=UTC) == "Monday 30 November 2026, 06:00 UTC"
    assert format_due(due, "zh_Hans", tz=UTC) == "2026年11月30日 星期一 06:00 UTC"


def test_format_due_accepts_zh_variants_as_chinese(impact_catalog):
    assert format_due(at("2026-11-29T22:00-08:00"), "zh-CN").startswith("2026年11月29日")


def test_format_due_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="has no time zone"):
        format_due(datetime(2026, 11, 29, 22), "en")


@pytest.mark.parametrize(
    ("level", "en", "zh"),
    [
        ("emergency", "30 minutes", "30分钟"),
        ("highly-degraded", "4 hours", "4小时"),
        ("medium", "8 hours", "8小时"),
        ("low", "24 hours", "24小时"),
    ],
)
def test_format_response_time(level, en, zh):
    assert format_response_time(level, "en") == en
    assert format_response_time(level, "zh_Hans") == zh


def test_format_soon_names_only_the_weekday_within_six_days():
    friday = at("2026-11-27T17:00-08:00")
    sunday = at("2026-11-29T15:00-08:00")
    assert format_soon(sunday, "en", friday) == "Sunday 15:00 PST"
    next_week = at("2026-12-06T15:00-08:00")
    assert format_soon(next_week, "en", friday).startswith("Sunday 6 December 2026, 15:00 PST")


STAFFED_TEXT = [
    ("medium", "2026-11-25T10:00-08:00", (), "Support is staffed right now."),
    (
        "medium",
        "2026-11-27T17:00-08:00",
        (),
        "Support is closed now; it opens Sunday 15:00 PST.",
    ),
    (
        "low",
        "2026-11-28T10:00+08:00",  # a customer in Shanghai on Saturday morning
        (),
        "Support is closed now; it opens Sunday 15:00 PST.",
    ),
    (
        "low",
        "2026-03-07T12:00-08:00",
        (),
        "Support is closed now; it opens Sunday 15:00 PDT.",
    ),
    (
        "low",
        "2026-12-25T10:00-08:00",
        (date(2026, 12, 25),),
        "Support is closed now; it opens Sunday 15:00 PST.",
    ),
    (
        "emergency",
        "2026-11-28T12:00-08:00",
        (),
        "An on-call engineer is available right now.",
    ),
]


@pytest.mark.parametrize(("level", "instant", "holidays", "text"), STAFFED_TEXT)
def test_staffed_text_in_english(level, instant, holidays, text):
    assert staffed_text(level, at(instant), "en", holidays) == text


def test_staffed_text_names_the_date_when_the_opening_is_a_week_away():
    whole_week_off = [date(2026, 11, 29) + timedelta(days=i) for i in range(6)]  # Sun-Fri
    text = staffed_text("low", at("2026-11-28T12:00-08:00"), "en", whole_week_off)
    assert text == (
        "Support is closed now; it opens Sunday 6 December 2026, 15:00 PST (23:00 UTC)."
    )


def test_staffed_text_in_chinese(impact_catalog):
    assert staffed_text("medium", at("2026-11-25T10:00-08:00"), "zh_Hans") == (
        "支持团队现在正在值班。"
    )
    assert staffed_text("medium", at("2026-11-27T17:00-08:00"), "zh_Hans") == (
        "支持团队当前不在服务时间，将于星期日 15:00 PST 恢复服务。"
    )
    assert "值班工程师现在即可响应" in staffed_text("emergency", datetime.now(PACIFIC), "zh_Hans")
