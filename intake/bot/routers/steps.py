"""The text and button steps: welcome, summary, environment, description, account."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake import dialogue, environment
from intake.bot.filters import NoAnswer, PrivateChat, TextAnswer, UserAgentText
from intake.bot.flow import Flow
from intake.bot.keyboards import Keyboard, Lang, Nav, Pick, nav_button
from intake.bot.prompts import sentences
from intake.bot.routers.docs import offer_articles
from intake.bot.states import Intake
from intake.docs import Suggestions
from intake.draft import DESCRIPTION_MAX
from intake.i18n import own_name
from intake.language import suggest_switch
from intake.storage import conversations, users
from intake.telegram_html import fill, plain
from intake.tickets import notices
from intake.tickets.accounts import (
    ADMIN_LOGIN,
    LINKED,
    UNCHECKED,
    UNKNOWN,
    Accounts,
    telegram_handles,
)

SKIPPABLE = frozenset(step.name for step in dialogue.STEPS if step.skippable)
LOGIN_PATTERN = r"^[A-Za-z0-9_.@\-]{1,60}$"


def create_router() -> Router:
    router = Router(name="steps")
    router.message.filter(PrivateChat())
    router.edited_message.filter(PrivateChat())
    text = TextAnswer()

    # --- an answer edited after it was sent ---------------------------------------------

    async def open_answer(message: Message, flow: Flow) -> bool:
        """An edit of an answer the dialogue took, before the ticket is sent (any other edit
        goes on to the fallback, which says it changed nothing)."""
        answered = str(message.message_id) in flow.session.answers
        return answered and await flow.step() not in dialogue.QUIET

    @router.edited_message(text, open_answer)
    async def edited_answer(message: Message, flow: Flow) -> None:
        """A fixed typo in an answer already given updates that answer (until Confirm)."""
        answered = flow.session.answers[str(message.message_id)]
        at_review = await flow.step() == "review"
        await update_answer(flow, message, answered, at_review=at_review)

    # --- welcome -------------------------------------------------------------------

    @router.callback_query(StateFilter(Intake.welcome), Nav.filter(F.action == "begin"))
    async def begin(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.show("summary", callback, edit=True)

    # --- summary (also taken from the welcome step: people just start typing) --------

    @router.message(StateFilter(Intake.welcome), text)
    @router.message(StateFilter(Intake.summary), text)
    async def summary(message: Message, flow: Flow, docs: Suggestions | None = None) -> None:
        value = await accepted(flow, message, "summary")
        if value is None:
            return
        draft = await flow.draft()
        draft.summary = value
        await flow.save(draft)
        remember_answer(flow, message, "summary")
        conversation_id = await flow.conversation_id()
        if conversation_id is not None:  # staff see it in the list while the intake goes on
            conversations.update_conversation(flow.db, conversation_id, summary=value)
        await offer_language(flow, message, value)
        if dialogue.get("summary").suggests_docs and not flow.session.editing:
            await offer_articles(flow, message, docs, value)
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
            flow.changed(**{choice.other_flag: True})
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
        await typed_choice(flow, message, CHOICES["browser"])

    browser_steps = StateFilter(Intake.browser, Intake.browser_version)

    @router.callback_query(browser_steps, Nav.filter((F.step == "ua") & (F.action == "yes")))
    async def user_agent_yes(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        parsed = flow.session.ua
        if not parsed:
            await flow.repeat(callback, _("That button no longer works."))
            return
        draft = await flow.draft()
        draft.browser, draft.browser_version = parsed["browser"], parsed["browser_version"]
        draft.os, draft.os_version = parsed["os"], parsed["os_version"]
        await flow.save(draft, ua=None, browser_other=False, os_other=False)
        if not draft.os:
            await flow.show("os", callback, edit=True)
        elif not draft.os_version:  # the User-Agent did not tell: ask which
            await flow.show("os_version", callback, edit=True)
        else:
            await flow.forward("os_version", callback, edit=True)

    @router.callback_query(browser_steps, Nav.filter((F.step == "ua") & (F.action == "no")))
    async def user_agent_no(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        flow.changed(ua=None)
        step = await flow.step()
        await flow.show(step or "browser", callback, edit=True)

    # --- browser version -----------------------------------------------------------

    @router.message(StateFilter(Intake.browser_version), NoAnswer())
    async def browser_version_unknown(message: Message, flow: Flow) -> None:
        """Typed rather than tapped: the same help as the "I don't know" button; typed again
        after the help, the same as its "I still don't know"."""
        if flow.session.show_version_help:
            await version_not_found(flow, message)
            return
        flow.changed(show_version_help=True)
        await flow.show("browser_version", message)

    @router.callback_query(
        StateFilter(Intake.browser_version), Nav.filter(F.action == "not_found")
    )
    async def browser_version_not_found(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await version_not_found(flow, callback, edit=True)

    @router.message(StateFilter(Intake.browser_version), text)
    async def browser_version(message: Message, flow: Flow) -> None:
        value = await accepted(flow, message, "browser_version")
        if value is None:
            return
        draft = await flow.draft()
        draft.browser_version = value
        await flow.save(draft, show_version_help=False)
        remember_answer(flow, message, "browser_version")
        await flow.forward("browser_version", message)

    @router.callback_query(StateFilter(Intake.browser_version), Nav.filter(F.action == "help"))
    async def browser_version_help(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        flow.changed(show_version_help=True)
        await flow.show("browser_version", callback, edit=True)

    # --- operating system ----------------------------------------------------------

    @router.message(StateFilter(Intake.os), text)
    async def typed_os(message: Message, flow: Flow) -> None:
        await typed_choice(flow, message, CHOICES["os"])

    # --- free-text fields: system version, Orangesky version, other details -----------

    @router.callback_query(
        StateFilter(Intake.os_version, Intake.product_version),
        Pick.filter(F.step.in_({"os_version", "product_version"})),
    )
    async def quick_answer(callback: CallbackQuery, callback_data: Pick, flow: Flow) -> None:
        """A button for a common answer ("Windows 11", "Cloud"): the same as typing it."""
        await callback.answer()
        step = await flow.step() or ""
        draft = await flow.draft()
        if step != callback_data.step or callback_data.value not in dialogue.quick_answers(
            step, draft
        ):
            await flow.repeat(callback, _("That button no longer works."))
            return
        setattr(draft, step, callback_data.value)
        await flow.save(draft)
        await flow.forward(step, callback, edit=True)

    free_text = StateFilter(Intake.os_version, Intake.product_version, Intake.extra)

    @router.message(free_text, NoAnswer())
    async def no_answer(message: Message, flow: Flow) -> None:
        """Typed rather than tapped: as the "I don't know" or "Skip" button, nothing is
        stored."""
        step = await flow.step() or ""
        await leave_empty(flow, step)
        await flow.forward(step, message)

    @router.message(free_text, text)
    async def free_text_field(message: Message, flow: Flow) -> None:
        step = await flow.step() or ""
        value = await accepted(flow, message, step)
        if value is None:
            return
        draft = await flow.draft()
        setattr(draft, step, value)
        await flow.save(draft)
        remember_answer(flow, message, step)
        if step == "extra":  # the only one likely to hold sentences in a language
            await offer_language(flow, message, value)
        await flow.forward(step, message)

    @router.callback_query(Nav.filter(F.action == "skip"))
    async def skip(callback: CallbackQuery, callback_data: Nav, flow: Flow) -> None:
        await callback.answer()
        step = await flow.step()
        if step != callback_data.step or step not in SKIPPABLE:
            await flow.repeat(callback, _("That button is from an earlier step."))
            return
        await leave_empty(flow, step)
        if step == "account" and flow.options.register_url:
            await flow.reply(
                callback, plain(notices.register_message(flow.locale, flow.options.register_url))
            )
            await flow.forward(step, callback)
            return
        await flow.forward(step, callback, edit=True)

    # --- description ---------------------------------------------------------------

    @router.message(StateFilter(Intake.description), text)
    async def description(message: Message, flow: Flow) -> None:
        value = (message.text or "").strip()
        if not environment.visible_text(value):
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
        remember_answer(flow, message, f"description:{len(draft.description) - 1}")
        await offer_language(flow, message, value)
        # The running count replaces the one before: a long paste (one message per 4096
        # characters) leaves one message in the chat, not one per part.
        await flow.show("description", message, replace=True)

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
    async def account(message: Message, flow: Flow, accounts: Accounts) -> None:
        value = environment.visible_text(message.text)
        if not re.fullmatch(LOGIN_PATTERN, value):
            await flow.repeat(
                message,
                _("A Redmine login is one word of letters, digits and . _ - @ (no spaces)."),
            )
            return
        user = message.from_user
        handles = telegram_handles(user.id, user.username) if user else frozenset()
        field = accounts.field_name
        found = await accounts.check(value, handles)
        if found != LINKED:
            await flow.repeat(message, login_refusal(flow, value, found, field, user))
            return
        draft = await flow.draft()
        draft.redmine_login = value
        users.set_user_redmine_login(flow.db, flow.user_id, value)
        await flow.save(draft)
        await flow.reply(message, plain(notices.login_message(flow.locale, value, True)))
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


async def choose(flow: Flow, choice: Choice, value: str, version: str = "") -> None:
    """Store the choice; a new one clears its version, unless one was typed with it."""
    draft = await flow.draft()
    if getattr(draft, choice.step) != value or version:
        setattr(draft, choice.version_field, version)
    setattr(draft, choice.step, value)
    await flow.save(draft, **{choice.other_flag: False})


async def typed_choice(flow: Flow, message: Message, choice: Choice) -> None:
    """A typed browser or system: "firefox" is the Firefox button, and "chrome 126" answers
    the version question too (the dialogue goes on past it)."""
    answer = await checked(flow, message, choice.step)
    if answer is None:
        return
    await choose(flow, choice, answer.value, answer.implied)
    remember_answer(flow, message, choice.step)
    await flow.forward(choice.version_field if answer.implied else choice.step, message)


async def version_not_found(
    flow: Flow, target: Message | CallbackQuery, *, edit: bool = False
) -> None:
    """The help did not find it either: the version is recorded as unknown and the dialogue
    goes on (a made-up number or /cancel were the only ways out)."""
    draft = await flow.draft()
    draft.browser_version = environment.UNKNOWN_VERSION
    await flow.save(draft, show_version_help=False)
    await flow.forward("browser_version", target, edit=edit)


async def leave_empty(flow: Flow, step: str) -> None:
    """A skipped step's field stays empty (an earlier answer to it is dropped)."""
    draft = await flow.draft()
    setattr(draft, dialogue.get(step).field, "")
    await flow.save(draft)


def clean(value: str | None) -> str:
    """One-line answers: invisible characters dropped, whitespace collapsed."""
    return environment.visible_text(value)


def short(value: str, limit: int = 40) -> str:
    """Customer text quoted back, cut to ``limit`` characters (``fill`` escapes it)."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


# Telegram apps cut a long paste into messages of 4096 characters; a part that long is
# refused once, and the parts right after it (same step, within seconds) quietly.
PASTE_PART = 4000


def refusal(answer: dialogue.Answer, step: str) -> str:
    """Why a typed answer to ``step`` was not taken, in a sentence or two."""
    if answer.problem == "empty":
        return _("That message was empty.")
    if answer.problem == "too_long":
        return _(
            "That is {length} characters; please keep it to {limit} at most. You can add details "
            "in the description later."
        ).format(length=len(answer.value), limit=answer.limit)
    if answer.problem == "not_version":
        return fill(
            _("“{value}” does not look like a version number. It looks like 121 or 17.2.1."),
            value=short(answer.value),
        )
    if answer.problem == "names_system":
        return fill(
            _("“{value}” is a system's version, not the browser's. Here, the browser's, please."),
            value=short(answer.value),
        )
    if answer.problem == "no_words":
        return _("Please say in words what the problem is, in one line.")
    if answer.problem == "not_name" and step == "os":
        return fill(
            _(
                "“{value}” looks like a version. First the system's name, please; its version "
                "comes next."
            ),
            value=short(answer.value),
        )
    if answer.problem == "not_name":
        return fill(
            _(
                "“{value}” looks like a version. First the browser's name, please; its version "
                "comes next."
            ),
            value=short(answer.value),
        )
    return _("Please try again.")


async def accepted(flow: Flow, message: Message, step: str) -> str | None:
    """The checked, normalised answer to ``step``, or None after explaining why not."""
    answer = await checked(flow, message, step)
    return None if answer is None else answer.value


async def checked(flow: Flow, message: Message, step: str) -> dialogue.Answer | None:
    """The checked answer to ``step`` with what it implies ("Chrome 126" answers the version
    too), or None after explaining why it was not taken."""
    raw = message.text or ""
    answer = dialogue.check(step, raw)
    if answer.ok:
        flow.changed(long_part="")
        return answer
    if continues_refused_paste(flow, message, step):
        return None
    if len(raw) >= PASTE_PART:
        flow.changed(long_part=f"{step}:{int(message.date.timestamp())}")
    await flow.repeat(message, refusal(answer, step))
    return None


def continues_refused_paste(flow: Flow, message: Message, step: str) -> bool:
    """A later part of a long paste whose first part was just refused at this step."""
    mark = flow.session.long_part
    if not mark:
        return False
    refused_step, _sep, at = mark.partition(":")
    return refused_step == step and abs(int(message.date.timestamp()) - int(at)) <= 3


def remember_answer(flow: Flow, message: Message, field: str) -> None:
    """Which field this message answered, so that editing it later updates that field."""
    answers = dict(flow.session.answers)
    answers[str(message.message_id)] = field
    flow.changed(answers=answers)


def system_label(env: environment.Environment) -> str:
    """How the User-Agent's reading names the system, saying so when it cannot tell the version."""
    if not env.os_version and env.os == "Windows":
        return _("Windows 10 or 11")
    if not env.os_version and env.os == "macOS":
        return _("macOS 10.15 or later")
    return " ".join(p for p in (env.os, env.os_version) if p)


async def confirm_user_agent(flow: Flow, message: Message, value: str) -> None:
    parsed = environment.from_user_agent(value)
    if parsed is None:
        await flow.repeat(
            message, _("I could not read that User-Agent. Please choose your browser.")
        )
        return
    flow.changed(
        ua={
            "browser": parsed.browser,
            "browser_version": parsed.browser_version,
            "os": parsed.os,
            "os_version": parsed.os_version,
        }
    )
    system = system_label(parsed) or "—"
    builder = Keyboard()
    builder.row(nav_button(_("Yes, correct"), "ua", "yes"), nav_button(_("No"), "ua", "no"))
    reading = await flow.reply(
        message,
        fill(
            _(
                "From your User-Agent I read: <b>{browser} {version}</b> on <b>{system}</b>. "
                "Is that right?"
            ),
            browser=short(parsed.browser),
            version=short(parsed.browser_version),
            system=short(system),
        ),
        builder.as_markup(),
    )
    flow.add_offer(reading)  # beside the browser question: a language switch retires it


async def offer_language(flow: Flow, message: Message, text: str) -> None:
    """Offer a one-tap switch when the user clearly writes in the other language (once).

    The offer is written in the language the user writes, the one they read best, and names
    it; the button names it in itself.
    """
    target = suggest_switch(text, flow.locale)
    if target is None or target == flow.locale or flow.session.language_offered:
        return
    flow.changed(language_offered=True)
    builder = Keyboard()
    step = await flow.step() or "summary"
    language = own_name(target)
    with flow.i18n.use_locale(target):
        label = "🌐 " + _("Switch to {language}").format(language=language)
        offer = _(
            "It looks like you prefer {language}. Tap below to continue in {language}; "
            "nothing you entered is lost."
        ).format(language=language)
    builder.button(text=label, callback_data=Lang(code=target, step=step))
    flow.add_offer(await flow.reply(message, offer, builder.as_markup()))


async def update_answer(
    flow: Flow, message: Message, answered: str, *, at_review: bool = False
) -> None:
    """Apply the edited answer; at the review, the card comes again with it (the one above
    no longer matches the ticket Confirm would send)."""
    name, _sep, index = answered.partition(":")
    draft = await flow.draft()
    if name == "description":
        value = (message.text or "").strip()
        if not environment.visible_text(value) or int(index) >= len(draft.description):
            return
        draft.description[int(index)] = value
    else:
        answer = dialogue.check(name, message.text or "")
        if not answer.ok:
            await flow.reply(
                message,
                sentences(refusal(answer, name), _("I kept the answer you sent before.")),
                quote=True,
            )
            return
        value = answer.value
        setattr(draft, name, value)
        if answer.implied:  # "Chrome 126": the version was edited too
            setattr(draft, dialogue.get(name).implies, answer.implied)
    await flow.save(draft)
    if name == "summary" and flow.session.conversation_id is not None:
        conversations.update_conversation(flow.db, flow.session.conversation_id, summary=value)
    updated = fill(
        _("✏️ Updated. {label}: {value}"),
        label=_(dialogue.get(name).label),
        value=short(value, 80),
    )
    if at_review:
        await flow.show("review", message, note=updated)
    else:
        await flow.reply(message, updated, quote=True)


def login_refusal(flow: Flow, login: str, found: str, field: str, user: object) -> str:
    """Why this login is not linked, and what the customer can do (or skip)."""
    if found == UNKNOWN:
        return plain(notices.login_message(flow.locale, login, False))
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
    return fill(
        _(
            "To link {login}, show that it is yours: in Redmine open “My account”, put {handle} "
            "in the field “{field}”, save, and send your login here again. Or skip this step."
        ),
        login=login,
        handle=handle,
        field=field,
    )
