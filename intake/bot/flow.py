"""Moving a user through the steps: the session, showing a step, going on or back.

Handlers get a ``Flow`` (built per update by ``FlowMiddleware``) instead of repeating the
same state juggling; the order of the steps and what an edit implies come from
``intake.dialogue``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyParameters
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlite_utils import Database

from intake import dialogue
from intake.bot import impact_view, prompts
from intake.bot.middlewares import current_conversation, current_step
from intake.bot.states import state_of, step_of
from intake.dialogue import Session
from intake.draft import TicketDraft
from intake.statuses import ConversationStatus
from intake.storage import attachments, conversations, messages, users
from intake.telegram_html import fill
from intake.tickets.notices import CHANNEL

logger = logging.getLogger(__name__)

Target = Message | CallbackQuery


def tapped_message_id(target: Target) -> int | None:
    """The message whose button was tapped: the one an ``edit`` reply changes."""
    if isinstance(target, CallbackQuery) and target.message is not None:
        return target.message.message_id
    return None


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
    """One user's dialogue for one update: the session is loaded once and saved once
    (``FlowMiddleware`` calls ``load`` before the handler and ``commit`` after it)."""

    def __init__(
        self,
        *,
        state: FSMContext,
        db: Database,
        options: DialogueOptions,
        i18n: I18n,
        user_id: int,
        chat_id: int,
        bot: Bot,
    ) -> None:
        self.state = state
        self.db = db
        self.options = options
        self.i18n = i18n
        self.user_id = user_id
        self.chat_id = chat_id
        self.bot = bot
        self.session = Session()
        self._step: str | None = None
        self._dirty = False
        self._step_dirty = False
        self._replace = False  # a new session (cancel, /start): nothing of the old one stays

    @property
    def locale(self) -> str:
        return self.i18n.current_locale

    # --- the session: loaded once, saved once -----------------------------------------

    async def load(self) -> None:
        self._step = step_of(await self.state.get_state())
        self.session = Session.from_dict(await self.state.get_data())

    async def commit(self) -> None:
        """Write what this update changed: one statement where the storage offers it.

        Keys another router wrote to the FSM data during this update (through
        ``state.update_data``) are kept: the session is laid over the data as it is now,
        unless the session was replaced (cancel, a new intake).
        """
        if not (self._dirty or self._step_dirty):
            return
        data = None
        if self._dirty and self._replace:
            data = self.session.to_dict()
        elif self._dirty:  # what other routers wrote meanwhile wins over their old keys
            current = await self.state.get_data()  # the storage's cache: no SQL
            data = {**self.session.others, **current, **self.session.to_dict(others=False)}
        both = getattr(self.state.storage, "set_state_and_data", None)
        if self._step_dirty and data is not None and both is not None:
            await both(self.state.key, state_of(self._step) if self._step else None, data)
        else:
            if self._step_dirty:
                await self.state.set_state(state_of(self._step) if self._step else None)
            if data is not None:
                await self.state.set_data(data)
        self._dirty = self._step_dirty = self._replace = False

    def changed(self, **flags: Any) -> Session:
        """Mark the session as changed (setting ``flags`` on it) so that it is saved."""
        for name, value in flags.items():
            if not hasattr(self.session, name):
                raise AttributeError(f"Session has no flag {name!r}")
            setattr(self.session, name, value)
        self._dirty = True
        return self.session

    def set_step(self, step: str | None) -> None:
        if step != self._step:
            self._step, self._step_dirty = step, True

    async def step(self) -> str | None:
        return self._step

    async def data(self) -> dict[str, Any]:
        """The FSM data as it is now, for routers that keep their own keys beside the
        session (follow-ups, tickets) and write them with ``state.update_data``."""
        live = await self.state.get_data()
        return {**live, **self.session.to_dict(others=False)} if self._dirty else live

    async def draft(self) -> TicketDraft:
        draft = self.session.draft
        if draft.attachments:
            verdicts = attachments.attachment_verdicts(
                self.db, [ref.attachment_id for ref in draft.attachments]
            )
            for ref in draft.attachments:
                ref.verdict = verdicts.get(ref.attachment_id, ref.verdict)
        return draft

    async def save(self, draft: TicketDraft, **flags: Any) -> None:
        self.session.draft = draft
        self.changed(**flags)

    async def conversation_id(self) -> int | None:
        return self.session.conversation_id

    def clear(self) -> None:
        """Forget the dialogue (cancel): no step, an empty session."""
        self.session = Session()
        self.set_step(None)
        self._dirty = self._replace = True

    # --- showing steps ---------------------------------------------------------------

    def _view(self) -> dict[str, Any]:
        """What the prompts need besides the draft; never stored."""
        session = self.session
        return {
            "impact_stage": session.impact_stage,
            "impact_chosen": session.impact_chosen,
            "browser_other": session.browser_other,
            "os_other": session.os_other,
            "show_version_help": session.show_version_help,
            "with_account": self.options.with_account,
            "register_url": self.options.register_url,
            "holidays": self.options.holidays,
        }

    async def prompt(self, step: str) -> prompts.Prompt:
        if step == "impact" and not self.session.impact_stage:
            draft, stage = impact_view.prepare(self.session.draft)
            self.changed(draft=draft, impact_stage=stage)
        return prompts.ask(step, await self.draft(), self.locale, self._view())

    async def show(
        self,
        step: str,
        target: Target,
        *,
        edit: bool = False,
        replace: bool = False,
        note: str | None = None,
    ) -> None:
        """Enter ``step`` and ask its question (editing the tapped message when ``edit``).

        A new prompt takes the buttons off the one before (an answered prompt keeps no stale
        buttons); with ``replace`` the one before is deleted instead (the description's
        running count: a long paste in parts leaves one message, not one per part). A
        ``note`` goes above the question, in a message that replies to ``target``.
        """
        self.set_step(step)
        text, markup = await self.prompt(step)
        current_step.set(step)
        if note:
            text = f"{note}\n\n{text}"
        await self._send_prompt(
            target, text, markup, edit=edit, replace=replace, quote=note is not None
        )
        await self._retire_offers(step)

    async def _send_prompt(
        self,
        target: Target,
        text: str,
        markup: InlineKeyboardMarkup | None,
        *,
        edit: bool,
        replace: bool = False,
        quote: bool = False,
    ) -> None:
        sent = await self.reply(target, text, markup, edit=edit, quote=quote)
        previous = self.session.prompt_id
        if sent is None or sent.message_id == previous:
            return
        if previous is not None:
            await self.retire(previous, delete=replace)
        self.changed(prompt_id=sent.message_id)

    def add_offer(self, sent: Message | None) -> None:
        """``sent`` holds buttons beside the prompt (see ``Session.offers``)."""
        if sent is not None:
            self.changed(offers=[*self.session.offers, sent.message_id], offers_step=None)

    async def _retire_offers(self, step: str) -> None:
        session = self.session
        if not session.offers:
            return
        if session.offers_step is None:  # the step asked right after the offers
            self.changed(offers_step=step)
            return
        if session.offers_step == step:
            return
        await self.retire_offers()

    async def retire_offers(self, *, keep: int | None = None) -> None:
        """Take the buttons off every offer now (the dialogue moved on, or the language
        changed), except ``keep``, the tapped offer about to be edited, and an offer edited
        into the question (it holds the question's buttons now)."""
        for message_id in self.session.offers:
            if message_id not in (keep, self.session.prompt_id):
                await self.retire(message_id)
        if self.session.offers:
            self.changed(offers=[], offers_step=None)

    async def retire_prompts(self, *, keep: int | None = None) -> None:
        """Take the buttons off the prompt and the offers of a dialogue being dropped
        (cancel, start over), except ``keep``, the tapped message about to be edited."""
        live = {self.session.prompt_id, *self.session.offers} - {keep}
        for message_id in sorted(m for m in live if m is not None):
            await self.retire(message_id)

    async def retire(self, message_id: int, *, delete: bool = False) -> None:
        """Take the buttons off a message (or delete it): its question is behind the user."""
        try:
            if delete:
                await self.bot.delete_message(self.chat_id, message_id)
            else:
                await self.bot.edit_message_reply_markup(
                    chat_id=self.chat_id, message_id=message_id, reply_markup=None
                )
        except TelegramBadRequest as exc:  # already gone, or already without buttons
            logger.debug("could not retire prompt %s: %s", message_id, exc)

    async def reply(
        self,
        target: Target,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        edit: bool = False,
        quote: bool = False,
    ) -> Message | None:
        """Edit the tapped message (``edit``) or send a new one; the message shown is returned.

        A tap on a message Telegram no longer gives us (an InaccessibleMessage, ``date`` 0,
        from days ago) cannot be edited: the answer is sent as a new message, never silence.
        With ``quote`` the new message replies to the customer's (which file an answer is
        about, in an album).
        """
        message = target.message if isinstance(target, CallbackQuery) else target
        if edit and isinstance(target, CallbackQuery) and isinstance(message, Message):
            try:
                edited = await message.edit_text(text, reply_markup=markup)
                return edited if isinstance(edited, Message) else message
            except TelegramBadRequest as exc:
                if "not modified" in str(exc):
                    return message
                logger.info("could not edit message, sending a new one: %s", exc)
        replied = (
            ReplyParameters(message_id=target.message_id, allow_sending_without_reply=True)
            if quote and isinstance(target, Message)
            else None
        )
        return await self.bot.send_message(
            self.chat_id, text, reply_markup=markup, reply_parameters=replied
        )

    async def forward(self, done_step: str, target: Target, *, edit: bool = False) -> None:
        """After ``done_step`` is answered: the next step, or back to the review when editing
        (through any step the edit implies: a new browser asks its version first)."""
        if self.session.editing:
            following = dialogue.after_edit(done_step, self.session.draft)
            if following == "review":
                self.changed(editing=False)
            await self.show(following, target, edit=edit)
            return
        await self.show(
            dialogue.next_step(done_step, with_account=self.options.with_account),
            target,
            edit=edit,
        )

    async def back(self, target: Target, *, edit: bool = False) -> None:
        step = await self.step()
        previous = (
            dialogue.previous_step(step, with_account=self.options.with_account) if step else None
        )
        self.changed(editing=False, browser_other=False, os_other=False)
        await self.show(previous or step or "summary", target, edit=edit)

    async def repeat(
        self, target: Target, note: str | None = None, *, replace: bool = False
    ) -> None:
        """Explain (``note``) and ask the current step again, briefly, as a new message.

        The full prompt is above; the hint is the note, the question's first line and the
        step's buttons (which move down here, off the prompt above).
        """
        step = await self.step()
        if step == "done":  # e.g. Confirm replayed after a crash: say the ticket was sent
            await self.reply(target, note or self.receipt_note())
            return
        if step is None:
            if note:
                await self.reply(target, note)
            return
        if step == "welcome":
            if note:
                await self.reply(target, note)
            await self.reply(target, *self.welcome_prompt())
            return
        text, markup = await self.prompt(step)
        hint = prompts.hint(step, text)
        body = "\n\n".join(part for part in (note, hint) if part)
        current_step.set(step)
        await self._send_prompt(target, body, markup, edit=False, replace=replace)

    def receipt_note(self) -> str:
        """The intake is over: which ticket it filed, and how to open another."""
        return fill(
            _("Your ticket {receipt} has been received. Send /start to open another request."),
            receipt=self.session.receipt,
        )

    def welcome_prompt(self) -> prompts.Prompt:
        user = users.get_user(self.db, self.user_id)
        return prompts.welcome(self.locale, user.first_name if user else None)

    # --- conversations and language --------------------------------------------------

    async def begin(
        self, target: Target, *, inbound_message_id: int | None, edit: bool = False
    ) -> int:
        """A new intake: a new conversation, an empty draft, the welcome step (editing the
        tapped message into it when ``edit``)."""
        previous = self.session.conversation_id
        if previous is not None and await self.step() not in (None, "done"):
            conversations.end_conversation(
                self.db, previous, ConversationStatus.CANCELLED
            )  # abandoned
            await self.retire_prompts(keep=tapped_message_id(target))
        conversation_id = conversations.start_conversation(
            self.db, self.user_id, self.chat_id, self.locale
        )
        if inbound_message_id is not None:
            messages.move_message(self.db, inbound_message_id, conversation_id)
        current_conversation.set((self.chat_id, conversation_id, self.locale))
        user = users.get_user(self.db, self.user_id)
        # A login linked on an earlier ticket is offered again ("Keep"), never used silently.
        draft = TicketDraft(redmine_login=(user.redmine_login or "") if user else "")
        self.session = Session(conversation_id=conversation_id, draft=draft)
        self._dirty = self._replace = True
        self.set_step("welcome")
        current_step.set("welcome")
        await self.reply(target, *self.welcome_prompt(), edit=edit)
        return conversation_id

    async def set_language(self, locale: str) -> None:
        users.set_user_language(self.db, self.user_id, locale)
        conversation_id = self.session.conversation_id
        if conversation_id is not None:
            conversations.update_conversation(self.db, conversation_id, language=locale)
        self.i18n.current_locale = locale
        current_conversation.set((self.chat_id, conversation_id, locale))
