from datetime import timedelta

import pytest

from intake.impact.levels import (
    EMERGENCY,
    HIGHLY_DEGRADED,
    LEVEL_KEYS,
    LEVELS,
    LOW,
    MEDIUM,
    get_level,
)


def test_four_levels_most_severe_first_with_the_pages_response_times_and_hours():
    assert LEVEL_KEYS == ("emergency", "highly-degraded", "medium", "low")
    assert [(lvl.response, lvl.hours) for lvl in LEVELS] == [
        (timedelta(minutes=30), "24x7"),
        (timedelta(hours=4), "24x5"),
        (timedelta(hours=8), "24x5"),
        (timedelta(hours=24), "24x5"),
    ]
    assert [lvl.severity for lvl in LEVELS] == sorted(
        (lvl.severity for lvl in LEVELS), reverse=True
    )
    assert [lvl.response_minutes for lvl in LEVELS] == [30, 240, 480, 1440]


def test_every_level_has_name_summary_definition_and_example():
    for level in LEVELS:
        for text in (level.name, level.summary, level.definition, level.example, level.hours_text):
            assert text.strip()


def test_only_emergency_is_always_staffed():
    assert [lvl.key for lvl in LEVELS if lvl.always_staffed] == ["emergency"]


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("emergency", EMERGENCY),
        ("EMERGENCY", EMERGENCY),
        ("highly-degraded", HIGHLY_DEGRADED),
        ("highly_degraded", HIGHLY_DEGRADED),
        ("Highly Degraded", HIGHLY_DEGRADED),
        (" medium ", MEDIUM),
        ("Medium Impact", MEDIUM),
        ("low-impact", LOW),
        (LOW, LOW),
    ],
)
def test_get_level_accepts_keys_names_and_levels(value, level):
    assert get_level(value) is level


@pytest.mark.parametrize("value", ["", "urgent", "high", "critical", "emergencies", "5"])
def test_get_level_refuses_unknown_levels_naming_the_valid_ones(value):
    with pytest.raises(ValueError, match="emergency, highly-degraded, medium, low"):
        get_level(value)


def test_one_name_per_level_for_customers_staff_and_redmine():
    """The support page's names; staff pages, exports and Redmine's Impact field read the
    same words as the customer's buttons (whose translation starts from them)."""
    from intake.impact.levels import LEVEL_NAMES, ImpactLevel, level_name
    from intake.staff.present import IMPACT_LABELS
    from intake.tickets.redmine.config import RedmineSettings

    names = ["Emergency", "Highly Degraded", "Medium Impact", "Low Impact"]
    assert [lvl.name for lvl in LEVELS] == names
    assert list(IMPACT_LABELS.values()) == list(LEVEL_NAMES.values()) == names
    assert list(ImpactLevel) == list(LEVEL_KEYS) == list(RedmineSettings().priority_names())
    assert level_name("medium") == "Medium Impact"
    assert level_name("something-old") == "something-old"
    assert level_name(None, "not given") == "not given"
