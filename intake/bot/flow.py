"""Moving a user through the steps: load and save the draft, show a step, go on or back.

Handlers get a ``Flow`` (built per update by ``FlowMiddleware``) instead of repeating the
same state juggling; the order of the steps comes from ``intake.steps``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlite_utils import Database

from intake import steps
from intake.bot import impact_view, prompts
from intake.bot.middlewares import current_conversation, current_step
from intake.bot.states import state_of, step_of
from intake.draft import TicketDraft
from intake.storage import records
from intake.tickets.notices import CHANNEL

logger = logging.getLogger(__name__)

Target = Message | CallbackQuery


@dataclass(frozen=True)
class DialogueOptions:
    """What the dialogue needs to know about the deployment."""

    with_account: bool = False  # ask for a Redmine login (Redmine sink configured)
    register_url: str = ""
    download_limit_bytes: int = 20 * 1024 * 1024
    attachment_limit_bytes: int = 20 * 1024 * 1024  # Redmine's maximum when it is the sink
    support_channel: str = CHANNEL  # the support page's Telegram channel, a proper name
    staff_chat_id: int | None = None
    holidays: frozenset[date] = frozenset()  # SUPPORT_HOLIDAYS: 24x5 support closed


class Flow:
    def __init__(
        self,
        *,
        state: FSMContext,
        db: Database,
        options: DialogueOptions,
        i18n: I18n,
        user_id: int,
        chat_id: int,
    ) -> None:
        self.state = state
        self.db = db
        self.options = options
        self.i18n = i18n
        self.user_id = user_id
        self.chat_id = chat_id

    @property
    def locale(self) -> str:
        return self.i18n.current_locale

    # --- the draft -------------------------------------------------------------------

    async def data(self) -> dict[str, Any]:
        return await self.state.get_data()

    async def draft(self) -> TicketDraft:
        draft = TicketDraft.from_dict((await self.state.get_data()).get("draft"))
        if draft.attachments:
            verdicts = records.attachment_verdicts(
                self.db, [ref.attachment_id for ref in draft.attachments]
            )
            for ref in draft.attachments:
                ref.verdict = verdicts.get(ref.attachment_id, ref.verdict)
        return draft

    async def save(self, draft: TicketDraft, **extra: Any) -> None:
        await self.state.update_data(draft=draft.to_dict(), **extra)

    async def step(self) -> str | None:
        return step_of(await self.state.get_state())

    async def conversation_id(self) -> int | None:
        return (await self.data()).get("conversation_id")

    # --- showing steps ---------------------------------------------------------------

    async def show(self, step: str, target: Target, *, edit: bool = False) -> None:
        """Enter ``step`` and ask its question (editing the tapped message when ``edit``)."""
        await self.state.set_state(state_of(step))
        data = await self.state.get_data()
        if step == "impact" and not data.get("impact_stage"):
            draft, stage = impact_view.prepare(TicketDraft.from_dict(data.get("draft")))
            data.update(draft=draft.to_dict(), impact_stage=stage)
            await self.state.set_data(data)
        view = {  # what the prompts need besides the FSM data; never stored
            **data,
            "with_account": self.options.with_account,
            "register_url": self.options.register_url,
            "holidays": self.options.holidays,
        }
        draft = await self.draft()
        text, markup = prompts.ask(step, draft, self.locale, view)
        current_step.set(step)
        await self.reply(target, text, markup, edit=edit)

    async def reply(
        self,
        target: Target,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        edit: bool = False,
    ) -> None:
        message = target.message if isinstance(target, CallbackQuery) else target
        if edit and isinstance(target, CallbackQuery) and isinstance(message, Message):
            try:
                await message.edit_text(text, reply_markup=markup)
                return
            except TelegramBadRequest as exc:
                if "not modified" in str(exc):
                    return
                logger.info("could not edit message, sending a new one: %s", exc)
        if isinstance(message, Message):
            await message.bot.send_message(self.chat_id, text, reply_markup=markup)  # type: ignore[union-attr]

    async def forward(self, done_step: str, target: Target, *, edit: bool = False) -> None:
        """After ``done_step`` is answered: the next step, or the review when editing."""
        data = await self.state.get_data()
        if data.get("return_to_review"):
            await self.state.update_data(return_to_review=False)
            await self.show("review", target, edit=edit)
            return
        await self.show(
            steps.next_step(done_step, with_account=self.options.with_account), target, edit=edit
        )

    async def back(self, target: Target, *, edit: bool = False) -> None:
        step = await self.step()
        previous = (
            steps.previous_step(step, with_account=self.options.with_account) if step else None
        )
        await self.state.update_data(return_to_review=False, browser_other=False, os_other=False)
        if previous is None:
            await self.show(step or "summary", target, edit=edit)
        else:
            await self.show(previous, target, edit=edit)

    async def repeat(self, target: Target, note: str | None = None) -> None:
        """Explain (``note``) and ask the current step again, as a new message."""
        step = await self.step()
        if note:
            await self.reply(target, note)
        if step == "welcome":
            await self.reply(target, *self.welcome_prompt())
        elif step and step != "done":
            await self.show(step, target)

    def welcome_prompt(self) -> prompts.Prompt:
        user = records.get_user(self.db, self.user_id)
        return prompts.welcome(self.locale, user.first_name if user else None)

    # --- conversations and language --------------------------------------------------

    async def begin(self, target: Target, *, inbound_message_id: int | None) -> int:
        """A new intake: a new conversation, an empty draft, the welcome step."""
        previous = await self.conversation_id()
        if previous is not None and await self.step() not in (None, "done"):
            records.update_conversation(self.db, previous, status="cancelled")  # abandoned
        conversation_id = records.start_conversation(
            self.db, self.user_id, self.chat_id, self.locale
        )
        if inbound_message_id is not None:
            records.move_message(self.db, inbound_message_id, conversation_id)
        current_conversation.set((self.chat_id, conversation_id, self.locale))
        await self.state.clear()
        user = records.get_user(self.db, self.user_id)
        # A login linked on an earlier ticket is offered again ("Keep"), never used silently.
        draft = TicketDraft(redmine_login=(user.redmine_login or "") if user else "")
        await self.state.set_data({"conversation_id": conversation_id, "draft": draft.to_dict()})
        await self.state.set_state(state_of("welcome"))
        current_step.set("welcome")
        await self.reply(target, *self.welcome_prompt())
        return conversation_id

    async def set_language(self, locale: str) -> None:
        records.set_user_language(self.db, self.user_id, locale)
        conversation_id = await self.conversation_id()
        if conversation_id is not None:
            records.update_conversation(self.db, conversation_id, language=locale)
        self.i18n.current_locale = locale
        current_conversation.set((self.chat_id, conversation_id, locale))
