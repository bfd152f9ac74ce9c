"""The text and button steps: welcome, summary, environment, description, account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake import environment
from intake.bot.filters import PrivateChat, TextAnswer, UserAgentText
from intake.bot.flow import Flow
from intake.bot.keyboards import Keyboard, Lang, Nav, Pick, nav_button
from intake.bot.states import Intake
from intake.draft import DESCRIPTION_MAX, FIELD_MAX, SUMMARY_MAX
from intake.language import suggest_switch
from intake.storage import records
from intake.tickets import notices
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.sink import (
    ADMIN_LOGIN,
    LINKED,
    UNCHECKED,
    UNKNOWN,
    RedmineFiler,
    check_login,
    telegram_handles,
)

NAME_MAX = 40
# Steps answered by one line of free text (the draft field has the step's name): its limit.
FREE_TEXT_LIMITS = {
    "os_version": NAME_MAX,
    "product_version": NAME_MAX * 2,
    "extra": FIELD_MAX * 2,
}
LOGIN_PATTERN = r"^[A-Za-z0-9_.@\-]{1,60}$"


def create_router() -> Router:
    router = Router(name="steps")
    router.message.filter(PrivateChat())
    text = TextAnswer()

    # --- welcome -------------------------------------------------------------------

    @router.callback_query(StateFilter(Intake.welcome), Nav.filter(F.action == "begin"))
    async def begin(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.show("summary", callback, edit=True)

    # --- summary (also taken from the welcome step: people just start typing) --------

    @router.message(StateFilter(Intake.welcome), text)
    @router.message(StateFilter(Intake.summary), text)
    async def summary(message: Message, flow: Flow) -> None:
        value = clean(message.text)
        if not await accept_length(flow, message, value, SUMMARY_MAX):
            return
        draft = await flow.draft()
        draft.summary = value
        await flow.save(draft)
        conversation_id = await flow.conversation_id()
        if conversation_id is not None:  # staff see it in the list while the intake goes on
            records.update_conversation(flow.db, conversation_id, summary=value)
        await offer_language(flow, message, value)
        await flow.forward("summary", message)

    @router.callback_query(StateFilter(Intake.summary), Nav.filter(F.action == "keep"))
    async def keep_summary(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.forward("summary", callback, edit=True)

    # --- browser -------------------------------------------------------------------

    @router.callback_query(StateFilter(Intake.browser), Pick.filter(F.step == "browser"))
    @router.callback_query(StateFilter(Intake.os), Pick.filter(F.step == "os"))
    async def pick_choice(callback: CallbackQuery, callback_data: Pick, flow: Flow) -> None:
        """A browser or system button; "Other…" asks for the name as text."""
        await callback.answer()
        choice = CHOICES[callback_data.step]
        if callback_data.value == "other":
            await flow.state.update_data({choice.other_flag: True})
            await flow.show(choice.step, callback, edit=True)
            return
        if callback_data.value not in choice.options:
            await flow.repeat(callback, _("That button no longer works."))
            return
        await choose(flow, choice, callback_data.value)
        await flow.forward(choice.step, callback, edit=True)

    @router.message(StateFilter(Intake.browser), text)
    @router.message(StateFilter(Intake.browser_version), text, UserAgentText())
    async def typed_browser(message: Message, flow: Flow) -> None:
        value = clean(message.text)
        if environment.looks_like_user_agent(value):
            await confirm_user_agent(flow, message, value)
            return
        if not await accept_length(flow, message, value, NAME_MAX):
            return
        await choose(flow, CHOICES["browser"], value)
        await flow.forward("browser", message)

    browser_steps = StateFilter(Intake.browser, Intake.browser_version)

    @router.callback_query(browser_steps, Nav.filter((F.step == "ua") & (F.action == "yes")))
    async def user_agent_yes(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        data = await flow.data()
        parsed = data.get("ua")
        if not parsed:
            await flow.repeat(callback, _("That button no longer works."))
            return
        draft = await flow.draft()
        draft.browser, draft.browser_version = parsed["browser"], parsed["browser_version"]
        draft.os, draft.os_version = parsed["os"], parsed["os_version"]
        await flow.save(draft, ua=None, browser_other=False, os_other=False)
        if data.get("return_to_review"):
            await flow.forward("os_version", callback, edit=True)
        elif not draft.os:
            await flow.show("os", callback, edit=True)
        elif not draft.os_version:
            await flow.show("os_version", callback, edit=True)
        else:
            await flow.forward("os_version", callback, edit=True)

    @router.callback_query(browser_steps, Nav.filter((F.step == "ua") & (F.action == "no")))
    async def user_agent_no(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.state.update_data(ua=None)
        step = await flow.step()
        await flow.show(step or "browser", callback, edit=True)

    # --- browser version -----------------------------------------------------------

    @router.message(StateFilter(Intake.browser_version), text)
    async def browser_version(message: Message, flow: Flow) -> None:
        value = clean(message.text)
        if not environment.is_version(value):
            await flow.repeat(
                message,
                _(
                    "“{value}” does not look like a version number. It looks like 121 or 17.2.1."
                ).format(value=short(value)),
            )
            return
        draft = await flow.draft()
        draft.browser_version = environment.normalize_version(value)
        await flow.save(draft, show_version_help=False)
        await flow.forward("browser_version", message)

    @router.callback_query(StateFilter(Intake.browser_version), Nav.filter(F.action == "help"))
    async def browser_version_help(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.state.update_data(show_version_help=True)
        await flow.show("browser_version", callback, edit=True)

    # --- operating system ----------------------------------------------------------

    @router.message(StateFilter(Intake.os), text)
    async def typed_os(message: Message, flow: Flow) -> None:
        value = clean(message.text)
        if not await accept_length(flow, message, value, NAME_MAX):
            return
        await choose(flow, CHOICES["os"], value)
        await flow.forward("os", message)

    # --- free-text fields: system version, Orangesky version, other details -----------

    @router.message(StateFilter(Intake.os_version, Intake.product_version, Intake.extra), text)
    async def free_text_field(message: Message, flow: Flow) -> None:
        step = await flow.step() or ""
        value = clean(message.text)
        if not await accept_length(flow, message, value, FREE_TEXT_LIMITS[step]):
            return
        draft = await flow.draft()
        setattr(draft, step, value)
        await flow.save(draft)
        if step == "extra":  # the only one likely to hold sentences in a language
            await offer_language(flow, message, value)
        await flow.forward(step, message)

    @router.callback_query(Nav.filter(F.action == "skip"))
    async def skip(callback: CallbackQuery, callback_data: Nav, flow: Flow) -> None:
        await callback.answer()
        step = await flow.step()
        skippable = {"os_version", "product_version", "extra", "account"}
        if step != callback_data.step or step not in skippable:
            await flow.repeat(callback, _("That button is from an earlier step."))
            return
        draft = await flow.draft()
        setattr(draft, {"account": "redmine_login"}.get(step, step), "")
        await flow.save(draft)
        if step == "account" and flow.options.register_url:
            await flow.reply(
                callback, escape(notices.register_message(flow.locale, flow.options.register_url))
            )
            await flow.forward(step, callback)
            return
        await flow.forward(step, callback, edit=True)

    # --- description ---------------------------------------------------------------

    @router.message(StateFilter(Intake.description), text)
    async def description(message: Message, flow: Flow) -> None:
        value = (message.text or "").strip()
        if not value:
            await flow.repeat(message, _("That message was empty."))
            return
        draft = await flow.draft()
        if len(draft.description_text) + len(value) > DESCRIPTION_MAX:
            await flow.repeat(
                message,
                _(
                    "The description is full ({max} characters). Please tap Done, or attach a "
                    "text file with the rest."
                ).format(max=DESCRIPTION_MAX),
            )
            return
        draft.description.append(value)
        await flow.save(draft)
        await offer_language(flow, message, value)
        await flow.show("description", message)

    @router.callback_query(StateFilter(Intake.description), Nav.filter(F.action == "done"))
    async def description_done(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        draft = await flow.draft()
        if not draft.description:
            await flow.repeat(callback, _("Please describe the problem in at least one message."))
            return
        await flow.forward("description", callback, edit=True)

    @router.callback_query(StateFilter(Intake.description), Nav.filter(F.action == "clear"))
    async def description_clear(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer(_("Description cleared."))
        draft = await flow.draft()
        draft.description = []
        await flow.save(draft)
        await flow.show("description", callback, edit=True)

    # --- Redmine account -------------------------------------------------------------

    @router.message(StateFilter(Intake.account), text)
    async def account(
        message: Message, flow: Flow, redmine: RedmineClient | None, filer: RedmineFiler | None
    ) -> None:
        value = clean(message.text)
        if not re.fullmatch(LOGIN_PATTERN, value):
            await flow.repeat(
                message,
                _("A Redmine login is one word of letters, digits and . _ - @ (no spaces)."),
            )
            return
        user = message.from_user
        handles = telegram_handles(user.id, user.username) if user else set()
        field = filer.settings.user_cf_telegram if filer else "Telegram"
        found = await check_login(redmine, value, handles, field) if redmine else UNCHECKED
        if found != LINKED:
            await flow.repeat(message, login_refusal(flow, value, found, field, user))
            return
        draft = await flow.draft()
        draft.redmine_login = value
        records.set_user_redmine_login(flow.db, flow.user_id, value)
        await flow.save(draft)
        await flow.reply(message, escape(notices.login_message(flow.locale, value, True)))
        await flow.forward("account", message)

    @router.callback_query(StateFilter(Intake.account), Nav.filter(F.action == "keep"))
    async def keep_account(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.forward("account", callback, edit=True)

    # --- back ----------------------------------------------------------------------

    @router.callback_query(Nav.filter(F.action == "back"))
    async def back(callback: CallbackQuery, callback_data: Nav, flow: Flow) -> None:
        await callback.answer()
        if await flow.step() != callback_data.step:
            await flow.repeat(callback, _("That button is from an earlier step."))
            return
        await flow.back(callback, edit=True)

    return router


@dataclass(frozen=True)
class Choice:
    """A step answered by a button or, after "Other…", by a typed name; its version follows."""

    step: str
    options: tuple[str, ...]
    version_field: str
    other_flag: str


CHOICES = {
    "browser": Choice("browser", environment.BROWSERS, "browser_version", "browser_other"),
    "os": Choice("os", environment.SYSTEMS, "os_version", "os_other"),
}


async def choose(flow: Flow, choice: Choice, value: str) -> None:
    """Store the choice (a typed "firefox" becomes "Firefox"); a new one clears its version."""
    known = {option.lower(): option for option in choice.options}
    value = known.get(value.lower(), value)
    draft = await flow.draft()
    if getattr(draft, choice.step) != value:
        setattr(draft, choice.version_field, "")
    setattr(draft, choice.step, value)
    await flow.save(draft, **{choice.other_flag: False})


def clean(value: str | None) -> str:
    """One-line answers: surrounding and repeated whitespace removed."""
    return " ".join((value or "").split())


def short(value: str, limit: int = 40) -> str:
    return escape(value if len(value) <= limit else value[: limit - 1] + "…")


async def accept_length(flow: Flow, message: Message, value: str, limit: int) -> bool:
    """Refuse empty or too long answers with a short explanation and the same step again."""
    if not value:
        await flow.repeat(message, _("That message was empty."))
        return False
    if len(value) > limit:
        await flow.repeat(
            message,
            _(
                "That is {length} characters; please keep it under {limit}. You can add details "
                "in the description later."
            ).format(length=len(value), limit=limit),
        )
        return False
    return True


async def confirm_user_agent(flow: Flow, message: Message, value: str) -> None:
    parsed = environment.from_user_agent(value)
    if parsed is None:
        await flow.repeat(
            message, _("I could not read that User-Agent. Please choose your browser.")
        )
        return
    await flow.state.update_data(
        ua={
            "browser": parsed.browser,
            "browser_version": parsed.browser_version,
            "os": parsed.os,
            "os_version": parsed.os_version,
        }
    )
    system = " ".join(p for p in (parsed.os, parsed.os_version) if p) or "—"
    builder = Keyboard()
    builder.row(nav_button(_("Yes, correct"), "ua", "yes"), nav_button(_("No"), "ua", "no"))
    await flow.reply(
        message,
        _(
            "From your User-Agent I read: <b>{browser} {version}</b> on <b>{system}</b>. "
            "Is that right?"
        ).format(
            browser=short(parsed.browser),
            version=short(parsed.browser_version),
            system=short(system),
        ),
        builder.as_markup(),
    )


async def offer_language(flow: Flow, message: Message, text: str) -> None:
    """Offer a one-tap switch when the user clearly writes in the other language (once)."""
    target = suggest_switch(text, flow.locale)
    if target is None or target == flow.locale:
        return
    data = await flow.data()
    if data.get("language_offered"):
        return
    await flow.state.update_data(language_offered=True)
    builder = Keyboard()
    step = await flow.step() or "summary"
    label = "🌐 切换到中文" if target == "zh_Hans" else "🌐 Switch to English"
    builder.button(text=label, callback_data=Lang(code=target, step=step))
    await flow.reply(
        message,
        _(
            "It looks like you prefer the other language. Tap below to switch; nothing you "
            "entered is lost."
        ),
        builder.as_markup(),
    )


def login_refusal(flow: Flow, login: str, found: str, field: str, user: object) -> str:
    """Why this login is not linked, and what the customer can do (or skip)."""
    if found == UNKNOWN:
        return escape(notices.login_message(flow.locale, login, False))
    if found == ADMIN_LOGIN:
        # Filing "as" an administrator from a chat would let anyone speak for staff.
        return _(
            "That account cannot be linked from Telegram. Skip this step and our "
            "support account will file the ticket with your name on it."
        )
    if found == UNCHECKED:
        return _(
            "I cannot check Redmine accounts right now. Skip this step: our support account "
            "will file the ticket with your name on it."
        )
    username = getattr(user, "username", None)
    handle = f"@{username}" if username else str(getattr(user, "id", ""))
    return _(
        "To link {login}, show that it is yours: in Redmine open “My account”, put {handle} "
        "in the field “{field}”, save, and send your login here again. Or skip this step."
    ).format(login=escape(login), handle=escape(handle), field=escape(field))
