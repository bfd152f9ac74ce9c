"""The impact step: a suggestion from the user's words, the questions, the level, overrides."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake.bot.filters import TextAnswer
from intake.bot.flow import Flow
from intake.bot.impact_view import CHOOSE, QUESTION, RESULT
from intake.bot.keyboards import Nav, Pick
from intake.bot.states import Intake
from intake.impact.levels import BY_KEY
from intake.impact.questions import (
    BY_KEY as QUESTIONS,
)
from intake.impact.questions import (
    Override,
    OverrideError,
    apply_override,
    decide,
    next_question,
)


def create_router() -> Router:
    router = Router(name="impact")
    # Every button here belongs to the impact step: one check skips them all elsewhere.
    router.callback_query.filter(StateFilter(Intake.impact))
    router.message.filter(StateFilter(Intake.impact_reason))

    @router.callback_query(Nav.filter((F.step == "impact") & (F.action == "accept")))
    @router.callback_query(Nav.filter((F.step == "impact") & (F.action == "confirm")))
    async def confirm(callback: CallbackQuery, callback_data: Nav, flow: Flow) -> None:
        await callback.answer()
        draft = await flow.draft()
        if not draft.impact_suggested:
            await flow.repeat(callback, _("That button no longer works."))
            return
        if callback_data.action == "accept" or not draft.impact:
            # The suggestion (or the questions' answer) is taken as it is.
            draft.impact = draft.impact_suggested
            draft.impact_reason = ""
        # else: confirming a level chosen earlier, with its reason, keeps both.
        await flow.save(draft, impact_stage=RESULT)
        await flow.forward("impact", callback, edit=True)

    @router.callback_query(Nav.filter((F.step == "impact") & (F.action == "questions")))
    async def questions(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        draft = await flow.draft()
        draft.impact_answers = {}
        draft.impact, draft.impact_reason = "", ""  # the answers will decide afresh
        await flow.save(draft, impact_stage=QUESTION)
        await flow.show("impact", callback, edit=True)

    @router.callback_query(Nav.filter((F.step == "impact") & (F.action == "choose")))
    async def choose(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        flow.changed(impact_stage=CHOOSE)
        await flow.show("impact", callback, edit=True)

    @router.callback_query(Pick.filter(F.step == "impact"))
    async def pick(callback: CallbackQuery, callback_data: Pick, flow: Flow) -> None:
        await callback.answer()
        value = callback_data.value
        if "=" in value:
            await answer_question(callback, flow, *value.split("=", 1))
        elif value in BY_KEY:
            await choose_level(callback, flow, value)
        else:
            await flow.repeat(callback, _("That button no longer works."))

    @router.message(TextAnswer())
    async def reason(message: Message, flow: Flow) -> None:
        draft = await flow.draft()
        chosen = flow.session.impact_chosen
        try:
            override = Override.create(
                draft.impact_suggested, chosen or "", message.text or "", draft.impact_answers
            )
        except (OverrideError, ValueError) as exc:
            note = _(exc.message) if isinstance(exc, OverrideError) else _("Please try again.")
            await flow.repeat(message, note)
            return
        draft = apply_override(draft, override)
        await flow.save(draft, impact_stage=RESULT, impact_chosen="")
        await flow.forward("impact_reason", message)

    return router


async def answer_question(callback: CallbackQuery, flow: Flow, key: str, answer: str) -> None:
    draft = await flow.draft()
    expected = next_question(draft.impact_answers)
    if (
        flow.session.impact_stage not in (QUESTION, "")
        or expected is None
        or expected.key != key
        or key not in QUESTIONS
        or answer not in ("yes", "no")
    ):
        await flow.repeat(callback, _("That button is from an earlier step."))
        return
    draft.impact_answers[key] = answer
    stage = QUESTION
    if next_question(draft.impact_answers) is None:
        draft.impact_suggested = decide(draft.impact_answers).key
        stage = RESULT
    await flow.save(draft, impact_stage=stage)
    await flow.show("impact", callback, edit=True)


async def choose_level(callback: CallbackQuery, flow: Flow, key: str) -> None:
    draft = await flow.draft()
    if flow.session.impact_stage != CHOOSE:
        await flow.repeat(callback, _("That button is from an earlier step."))
        return
    if not draft.impact_suggested or draft.impact_suggested == key:
        draft.impact_suggested = draft.impact_suggested or key
        draft.impact = key
        draft.impact_reason = ""
        await flow.save(draft, impact_stage=RESULT)
        await flow.forward("impact", callback, edit=True)
        return
    flow.changed(impact_chosen=key)
    await flow.show("impact_reason", callback, edit=True)
