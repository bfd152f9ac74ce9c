import pytest

from intake.draft import TicketDraft
from intake.impact.levels import EMERGENCY, HIGHLY_DEGRADED, LOW, MEDIUM
from intake.impact.questions import (
    QUESTIONS,
    Override,
    OverrideError,
    apply_override,
    decide,
    next_question,
)

Y, N = "yes", "no"


def test_three_questions_most_severe_first():
    assert [q.key for q in QUESTIONS] == ["unusable", "degraded", "workaround"]
    assert [q.yes for q in QUESTIONS] == ["emergency", "highly-degraded", "medium"]
    assert "502" in QUESTIONS[0].text


ANSWER_VECTORS = [
    ({"unusable": Y}, EMERGENCY),
    ({"unusable": N, "degraded": Y}, HIGHLY_DEGRADED),
    ({"unusable": N, "degraded": N, "workaround": Y}, MEDIUM),
    ({"unusable": N, "degraded": N, "workaround": N}, LOW),
    # Later answers do not matter once one decides.
    ({"unusable": Y, "degraded": N, "workaround": N}, EMERGENCY),
    ({"unusable": N, "degraded": Y, "workaround": N}, HIGHLY_DEGRADED),
    # Case and spaces in answers are tolerated.
    ({"unusable": " No", "degraded": "YES"}, HIGHLY_DEGRADED),
]


@pytest.mark.parametrize(("answers", "level"), ANSWER_VECTORS)
def test_decide(answers, level):
    assert decide(answers) is level
    assert next_question(answers) is None


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({}, "unusable"),
        ({"unusable": N}, "degraded"),
        ({"unusable": N, "degraded": N}, "workaround"),
        ({"degraded": Y}, "unusable"),  # an answer out of order does not skip the first
    ],
)
def test_next_question_asks_in_order(answers, key):
    assert next_question(answers).key == key
    with pytest.raises(ValueError, match=f"question '{key}' is not answered yet"):
        decide(answers)


def test_walking_the_questions_ends_in_a_level():
    answers: dict[str, str] = {}
    while (question := next_question(answers)) is not None:
        answers[question.key] = N
    assert answers == {"unusable": N, "degraded": N, "workaround": N}
    assert decide(answers) is LOW


@pytest.mark.parametrize("value", ["maybe", "y", "", "true"])
def test_answers_other_than_yes_or_no_are_refused(value):
    with pytest.raises(ValueError, match="must be 'yes' or 'no'"):
        decide({"unusable": value})


def test_confirming_the_suggestion_keeps_no_reason():
    override = Override.create("medium", "medium", reason="ignored", answers={"unusable": N})
    assert not override.overridden
    assert override.reason == ""


def test_choosing_another_level_needs_a_reason():
    with pytest.raises(OverrideError) as excinfo:
        Override.create(MEDIUM, EMERGENCY, reason="   ")
    assert excinfo.value.message == "Please tell us briefly why you chose a different level."


def test_overlong_reason_is_refused():
    with pytest.raises(OverrideError, match="under 500 characters"):
        Override.create(LOW, MEDIUM, reason="x" * 501)
    assert Override.create(LOW, MEDIUM, reason="x" * 500).overridden


def test_override_is_kept_on_the_draft_with_suggestion_reason_and_answers():
    answers = {"unusable": N, "degraded": N, "workaround": Y}
    draft = TicketDraft(summary="Exports are slow")
    override = Override.create(
        decide(answers), "highly-degraded", "Month-end\n close   is tomorrow", answers
    )
    updated = apply_override(draft, override)
    assert (updated.impact, updated.impact_suggested) == ("highly-degraded", "medium")
    assert updated.impact_reason == "Month-end close is tomorrow"
    assert updated.impact_answers == answers
    assert updated.summary == "Exports are slow"
    assert draft.impact == ""  # the original is untouched


def test_overridden_draft_survives_a_json_round_trip():
    override = Override.create("low", "medium", "Blocks a demo", {"unusable": N})
    draft = apply_override(TicketDraft(), override)
    assert TicketDraft.from_dict(draft.to_dict()) == draft
