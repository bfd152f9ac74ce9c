"""The impact step as the user sees it: suggestion, questions, the level card, overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from intake.bot.keyboards import Keyboard, footer, nav_button, pick_button
from intake.draft import TicketDraft
from intake.impact import format as impact_format
from intake.impact.levels import LEVELS, get_level
from intake.impact.questions import next_question, suggest_from_text
from intake.impact.sla import Holidays, first_response_due
from intake.telegram_html import fill, html

Prompt = tuple[str, InlineKeyboardMarkup]

# Sub-stages of the impact step, kept in FSM data under "impact_stage".
SUGGEST, QUESTION, RESULT, CHOOSE = "suggest", "question", "result", "choose"


def level_name(key: str) -> str:
    if not key:
        return "—"
    return _(get_level(key).name)


def prompt(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    stage = data.get("impact_stage") or QUESTION
    if stage == SUGGEST and draft.impact_suggested:
        return _suggestion(draft, locale, data)
    if stage == CHOOSE:
        return _choose(draft, locale)
    if stage == RESULT and (draft.impact or draft.impact_suggested):
        return _result(draft, locale, data)
    return _question(draft, locale, data)


def _suggestion(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = (
        _("⚖️ From what you wrote, this sounds like:")
        + "\n\n"
        + level_card(draft.impact_suggested, locale, holidays=data.get("holidays", ()))
        + "\n\n"
        + _("Is that right?")
    )
    builder = Keyboard()
    builder.row(nav_button(_("✅ Yes, that's right"), "impact", "accept"))
    builder.row(nav_button(_("Answer a few questions instead"), "impact", "questions"))
    builder.row(nav_button(_("Choose another level"), "impact", "choose"))
    return text, footer(builder, locale, "impact").as_markup()


def _question(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    question = next_question(draft.impact_answers)
    if question is None:  # answers already decide: show the result instead
        return _result(draft, locale, data)
    text = _("⚖️ How badly are you affected?") + "\n\n" + _(question.text)
    builder = Keyboard()
    builder.add(
        pick_button(_("Yes"), "impact", f"{question.key}=yes"),
        pick_button(_("No"), "impact", f"{question.key}=no"),
    )
    builder.adjust(2)
    return text, footer(builder, locale, "impact").as_markup()


def level_card(
    level_key: str, locale: str, opened_at: datetime | None = None, holidays: Holidays = ()
) -> str:
    """Level, definition, first-response time, due time and whether support is staffed now."""
    level = get_level(level_key)
    opened_at = opened_at or datetime.now(UTC)
    due = first_response_due(level, opened_at, holidays)
    return "\n".join(
        [
            _("<b>{level}</b>: {definition}").format(
                level=_(level.name), definition=_(level.definition)
            ),
            _("Example: {example}").format(example=_(level.example)),
            "",
            _("⏱ First response within {time}. Support hours: {hours}.").format(
                time=impact_format.format_response_time(level, locale),
                hours=_(level.hours_text),
            ),
            fill(
                _("If you send the ticket now, expect a first response by {due}."),
                due=html(due_html(due, locale)),
            ),
            impact_format.staffed_text(level, opened_at, locale, holidays),
        ]
    )


def due_html(due: datetime, locale: str) -> str:
    """A due time as HTML: Pacific time (support's clock) as text, for the record.

    First a Telegram ``date_time`` entity (Bot API 9.5, aiogram 3.31: ``<tg-time>``) that
    each client shows in the reader's own time zone and format, wherever the customer is;
    its text, shown by clients that do not know the entity, is the time in UTC.
    """
    # The entity already shows the instant (its fallback text in UTC): Pacific alone after it.
    pacific = impact_format.format_due(due, locale, utc=False)
    local = fill(
        '<tg-time unix="{unix}" format="{format}">{utc}</tg-time>',
        unix=int(due.timestamp()),
        format=DUE_FORMAT,
        utc=impact_format.format_due(due, locale, UTC),
    )
    return fill(_("{local} (Pacific time: {pacific})"), local=html(local), pacific=pacific)


# Weekday, long date, short time: "Friday, 27 November 2026 21:28" in the reader's zone.
DUE_FORMAT = "wDt"


def _result(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    # A level the user already chose (perhaps over the suggestion) is the one to confirm.
    level_key = draft.impact or draft.impact_suggested
    text = (
        _("⚖️ Your impact level:")
        + "\n\n"
        + level_card(level_key, locale, holidays=data.get("holidays", ()))
    )
    builder = Keyboard()
    builder.row(nav_button(_("✅ Confirm"), "impact", "confirm"))
    builder.row(nav_button(_("Choose another level"), "impact", "choose"))
    return text, footer(builder, locale, "impact").as_markup()


def _choose(draft: TicketDraft, locale: str) -> Prompt:
    text = _("⚖️ Choose the level that fits best:")
    for level in sorted(LEVELS, key=lambda item: -item.severity):
        text += "\n\n" + _("<b>{level}</b>: {summary}").format(
            level=_(level.name), summary=_(level.summary)
        )
    builder = Keyboard()
    levels = sorted(LEVELS, key=lambda item: -item.severity)
    builder.add(*(pick_button(_(level.name), "impact", level.key) for level in levels))
    builder.adjust(2)
    return text, footer(builder, locale, "impact").as_markup()


def reason_prompt(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = _(
        "✍️ You chose <b>{chosen}</b> instead of the suggested <b>{suggested}</b>. "
        "In a sentence, why? This helps the engineer."
    ).format(
        chosen=level_name(data.get("impact_chosen", "")),
        suggested=level_name(draft.impact_suggested),
    )
    builder = Keyboard()
    return text, footer(builder, locale, "impact_reason").as_markup()


def prepare(draft: TicketDraft) -> tuple[TicketDraft, str]:
    """Where the impact step starts: the chosen level, a suggestion, or the questions."""
    if draft.impact:
        draft.impact_suggested = draft.impact_suggested or draft.impact
        return draft, RESULT
    words = " ".join([draft.summary, draft.extra, *draft.description])
    suggested = suggest_from_text(words)
    if suggested is not None:
        draft.impact_suggested = suggested.key
        return draft, SUGGEST
    draft.impact_suggested = ""
    draft.impact_answers = {}
    return draft, QUESTION
