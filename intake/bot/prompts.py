"""What the bot says at each step: text and keyboard, in the user's language.

Every string goes through gettext; customer text enters a message only through
``intake.telegram_html`` (``fill``/``plain``), the one escaping point (parse_mode=HTML).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from intake import dialogue
from intake.attachments.reasons import Outcome
from intake.bot import impact_view
from intake.bot.keyboards import (
    Keyboard,
    choices,
    edit_button,
    footer,
    language_button,
    nav_button,
)
from intake.draft import SUMMARY_MAX, TicketDraft
from intake.environment import (
    BROWSERS,
    OTHER_VERSION_EXAMPLE,
    SYSTEMS,
    UNKNOWN_VERSION,
    VERSION_EXAMPLES,
)
from intake.i18n import N_, ngettext
from intake.impact.format import format_response_time
from intake.language import collapse_cjk_spaces
from intake.telegram_html import fill, html, plain

Prompt = tuple[str, InlineKeyboardMarkup]


def welcome(locale: str, first_name: str | None) -> Prompt:
    text = (
        fill(_("👋 Hello {name}! I am Orangesky's support assistant."), name=first_name or "")
        + "\n\n"
        + _(
            "I will help you open a support ticket in a few short steps: a one-line summary, "
            "your browser and system, how badly you are affected, a description and any "
            "screenshots or logs. It takes about three minutes."
        )
        + "\n\n"
        + _("You can switch between English and Chinese at any time.")
    )
    builder = Keyboard()
    builder.row(nav_button(_("▶️ Start"), "welcome", "begin"))
    builder.row(language_button(locale, "welcome"))
    return text, builder.as_markup()


def _progress(step: str, with_account: bool) -> str:
    counter = dialogue.progress(step, with_account=with_account)
    if counter is None:
        return ""
    n, total = counter
    return _("Step {n} of {total}").format(n=n, total=total)


def ask(step: str, draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    """The prompt for ``step``; ``data`` holds the session's flags and the deployment's options."""
    builder = _ASKERS[step]
    text, markup = builder(draft, locale, data)
    progress = _progress(step, bool(data.get("with_account")))
    return (f"<i>{progress}</i>\n{text}" if progress else text), markup


def hint(step: str, prompt_text: str) -> str:
    """A step asked again after bad input, briefly: its question's first paragraph.

    The whole prompt is just above; repeating it (the review card is 600 characters) is
    noise. The other button-only steps (the impact card and its questions) keep their whole
    text, since the buttons answer it; so does a prompt whose first paragraph only leads into
    what follows (it ends with a colon).
    """
    if step == "review":
        return _("Use the buttons below to change a field, send the ticket or cancel.")
    lines = prompt_text.split("\n")
    if lines and lines[0].startswith("<i>") and lines[0].endswith("</i>"):
        lines = lines[1:]  # the progress counter
    body = "\n".join(lines)
    first = body.split("\n\n", 1)[0]
    if dialogue.get(step).buttons_only or first.rstrip().endswith((":", "\uff1a")):
        return body
    return first


# Chinese full stop, exclamation and question marks, colon; and a line break.
_CJK_ENDS = ("\u3002", "\uff01", "\uff1f", "\uff1a", "\n")


def sentences(*parts: str) -> str:
    """Join sentences: a space after English ones, none after a Chinese full stop (。)."""
    text = ""
    for part in parts:
        if not part:
            continue
        if text and not text.endswith(_CJK_ENDS):
            text += " "
        text += part
    return text


def _summary(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = _(
        "📝 In one line, what is the problem? This becomes the ticket's title "
        "(up to {max} characters)."
    ).format(max=SUMMARY_MAX)
    if draft.summary:
        text += "\n\n" + _("Now: {value}").format(value=_quote(draft.summary))
    builder = Keyboard()
    if draft.summary:
        builder.row(nav_button(_("Keep it ✔️"), "summary", "keep"))
    return text, footer(builder, locale, "summary", back=False).as_markup()


def _browser(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    if data.get("browser_other"):
        text = _("🌐 Type the name of your browser (for example Opera or Vivaldi).")
        builder = Keyboard()
    else:
        text = _(
            "🌐 Which browser do you use Orangesky in?\n"
            "Tip: you can also paste your browser's User-Agent and I will read browser, "
            "version and system from it."
        )
        builder = choices(
            "browser", [(b, b) for b in BROWSERS] + [("other", _("Other…"))], per_row=3
        )
    return text, footer(builder, locale, "browser").as_markup()


def _named(text: str) -> str:
    """A question with a customer-typed name in it: the Chinese questions space a name such
    as Chrome off the sentence, which a Chinese name ("360安全浏览器") must not be."""
    return collapse_cjk_spaces(text)


def _browser_version(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    short, full = VERSION_EXAMPLES.get(draft.browser, OTHER_VERSION_EXAMPLE)
    text = _named(
        fill(
            _("🔢 Which version of {browser}? For example {short} or {full}."),
            browser=draft.browser or _("your browser"),
            short=short,
            full=full,
        )
    )
    builder = Keyboard()
    if data.get("show_version_help"):  # the help is the answer to "I don't know": shown once
        text += "\n\n" + browser_version_help(draft.browser)
        # and the way on when it does not help: no dead end
        builder.row(nav_button(_("I still don't know"), "browser_version", "not_found"))
    else:
        builder.row(nav_button(_("I don't know"), "browser_version", "help"))
    return text, footer(builder, locale, "browser_version").as_markup()


def browser_version_help(browser: str) -> str:
    helps = {
        "Chrome": _("In Chrome, open the menu ⋮ → Help → About Google Chrome."),
        "Firefox": _("In Firefox, open the menu ☰ → Help → About Firefox."),
        "Safari": _("In Safari, open the Safari menu → About Safari."),
        "Edge": _("In Edge, open the menu … → Help and feedback → About Microsoft Edge."),
    }
    return (
        helps.get(
            browser,
            _("Usually the browser's menu has Help → About, which shows the version."),
        )
        + "\n"
        + _("Or paste your User-Agent: search the web for “what is my user agent”.")
    )


def _os(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    if data.get("os_other"):
        text = _("💻 Type your operating system or Linux distribution (for example Arch Linux).")
        builder = Keyboard()
    else:
        text = _("💻 Which operating system or Linux distribution?")
        builder = choices("os", [(s, s) for s in SYSTEMS] + [("other", _("Other…"))], per_row=3)
    return text, footer(builder, locale, "os").as_markup()


def _os_version(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    builder = quick_buttons("os_version", draft)
    # One set of examples cannot fit Windows, macOS and Ubuntu alike: the buttons are the
    # examples where there are some; a system typed by hand gets no misleading number.
    question = (
        _("🔢 Which version of {os}? Tap it below, or type another.")
        if dialogue.quick_answers("os_version", draft)
        else _("🔢 Which version of {os}? Type it as your system shows it.")
    )
    text = _named(fill(question, os=draft.os or _("your system")))
    builder.row(nav_button(_("I don't know"), "os_version", "skip"))
    return text, footer(builder, locale, "os_version").as_markup()


def _product_version(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = _(
        "🍊 Which Orangesky version or deployment are you on? For example 4.2.1, "
        "or “cloud”. The version is shown under Help → About in Orangesky."
    )
    builder = quick_buttons("product_version", draft)
    builder.row(nav_button(_("I don't know"), "product_version", "skip"))
    return text, footer(builder, locale, "product_version").as_markup()


QUICK_LABELS = {"cloud": N_("☁️ Cloud")}


def quick_buttons(step: str, draft: TicketDraft) -> Keyboard:
    """The common answers as buttons, a row of them; typing another answer still works."""
    options = [
        (value, _(QUICK_LABELS[value]) if value in QUICK_LABELS else value)
        for value in dialogue.quick_answers(step, draft)
    ]
    return choices(step, options, per_row=4) if options else Keyboard()


def _extra(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = _(
        "🏷 Anything else that identifies your setup? For example the server address, "
        "cluster name or account ID. This is optional."
    )
    builder = Keyboard()
    builder.row(nav_button(_("Skip ⏭"), "extra", "skip"))
    return text, footer(builder, locale, "extra").as_markup()


def _description(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = _(
        "🗒 Describe what happens: what you did, what you expected and what you saw instead. "
        "Send as many messages as you like, then tap Done."
    )
    builder = Keyboard()
    if draft.description:
        count = len(draft.description)
        text += "\n\n" + ngettext(
            locale,
            "Received so far: {n} message.",
            "Received so far: {n} messages.",
            count,
        )
        builder.row(
            nav_button(_("✅ Done"), "description", "done"),
            nav_button(_("🗑 Clear description"), "description", "clear"),
        )
    return text, footer(builder, locale, "description").as_markup()


def _attachments(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    text = _(
        "📎 Screenshots, logs or other files help a lot. Send them now (several at once is "
        "fine), or skip. Please note: attachments must be in English."
    )
    if draft.attachments:
        text += "\n\n" + attachment_list(draft)
    builder = Keyboard()
    label = _("✅ Done") if draft.attachments else _("Skip ⏭")
    builder.row(nav_button(label, "attachments", "done"))
    return text, footer(builder, locale, "attachments").as_markup()


VERDICT_ICONS = {"accepted": "✅", "refused": "⛔", "unchecked": "⚠️", "pending": "⏳"}
# How many files a card lists by name, and how much of each name: 20 files with long names
# made the review card longer than Telegram's 4096 characters (and /status, /back with it).
FILES_LISTED = 8
FILE_NAME_SHOWN = 40


def short_name(name: str, limit: int = FILE_NAME_SHOWN) -> str:
    """A long file name keeps its start and its extension: "very-long-na….log"."""
    if len(name) <= limit:
        return name
    _stem, dot, ext = name.rpartition(".")
    tail = f".{ext}" if dot and len(ext) <= 8 else ""
    return name[: limit - len(tail) - 1] + "…" + tail


def file_names(draft: TicketDraft, separator: str, *, space: str = "") -> str:
    """The files with their verdict icons, at most FILES_LISTED of them and "and N more".
    A photo has no name of its own: it is "photo 1", "photo 2", in the order sent."""
    shown, photos = [], 0
    for ref in draft.attachments[:FILES_LISTED]:
        if ref.photo:
            photos += 1
            name = _("photo {number}").format(number=photos)
        else:
            name = short_name(ref.file_name)
        icon = VERDICT_ICONS.get(ref.verdict, "•")
        shown.append(fill("{icon}{space}{name}", icon=icon, space=space, name=name))
    rest = len(draft.attachments) - FILES_LISTED
    if rest > 0:
        shown.append(_("and {count} more").format(count=rest))
    return separator.join(shown)


def attachment_list(draft: TicketDraft) -> str:
    return _("Files so far:") + "\n" + file_names(draft, "\n", space=" ")


def _account(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    register_url = data.get("register_url", "")
    text = _(
        "👤 Do you have an account on Orangesky's Redmine? Send your Redmine login and the "
        "ticket will be filed in your name, so you can follow it there. Never send a password "
        "or an API key."
    )
    if register_url:
        text += "\n" + fill(_("No account yet? You can register at {url}"), url=register_url)
    builder = Keyboard()
    if draft.redmine_login:
        builder.row(
            nav_button(_("Keep {login}").format(login=draft.redmine_login[:30]), "account", "keep")
        )
    builder.row(nav_button(_("Skip ⏭"), "account", "skip"))
    return text, footer(builder, locale, "account").as_markup()


def _impact(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    return impact_view.prompt(draft, locale, data)


def _impact_reason(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    return impact_view.reason_prompt(draft, locale, data)


def _review(draft: TicketDraft, locale: str, data: dict[str, Any]) -> Prompt:
    return review_card(draft, locale, with_account=bool(data.get("with_account")))


def _quote(value: str) -> str:
    return fill("<b>{value}</b>", value=value)


def _dash(value: str) -> str:
    return plain(value) if value else "—"


def draft_lines(
    draft: TicketDraft, locale: str, *, with_account: bool, account_asked: bool = True
) -> list[str]:
    """Every collected field, one line each (the review card and /status), in the
    dialogue's order with the dialogue's labels. Before the Redmine login is asked, its
    line is a dash: "none" would claim the customer chose to go without one."""
    return [
        fill(
            _("<b>{label}:</b> {value}"),
            label=_(step.label),
            value=html(
                "—"
                if step.name == "account" and not account_asked
                else _shown(step.name, draft, locale)
            ),
        )
        for step in dialogue.review_lines(with_account=with_account)
    ]


def _shown(step: str, draft: TicketDraft, locale: str) -> str:
    """A field's value as the review card shows it (escaped, bounded in length)."""
    if step == "browser" and draft.browser_version == UNKNOWN_VERSION:
        return fill(_("{browser} (version unknown)"), browser=draft.browser)
    if step == "browser":
        return _dash(" ".join(p for p in (draft.browser, draft.browser_version) if p))
    if step == "os":
        return _dash(" ".join(p for p in (draft.os, draft.os_version) if p))
    if step == "impact" and draft.impact:  # with its promise: a level chosen over the
        # suggestion was never shown with its response time before
        return _("{level} (first response within {time})").format(
            level=impact_view.level_name(draft.impact),
            time=format_response_time(draft.impact, locale),
        )
    if step == "impact":
        return impact_view.level_name(draft.impact)
    if step == "description":
        description = draft.description_text
        return _dash(description[:600] + "…" if len(description) > 600 else description)
    if step == "attachments":
        # The list's comma is the language's: "、" in Chinese.
        return file_names(draft, _(", "), space=" ") or "—"
    if step == "account":
        login = draft.redmine_login
        return plain(login) if login else _("none (filed by our service account)")
    value = getattr(draft, dialogue.get(step).field)
    if value in QUICK_LABELS:  # a quick answer reads as its button did, in the user's language
        return plain(_(QUICK_LABELS[value]))
    return _dash(value)


def status_text(
    draft: TicketDraft, locale: str, *, with_account: bool, account_asked: bool
) -> str:
    lines = draft_lines(draft, locale, with_account=with_account, account_asked=account_asked)
    return "\n".join([_("📋 What I have so far:"), "", *lines])


def review_card(draft: TicketDraft, locale: str, *, with_account: bool) -> Prompt:
    lines = [
        _("🔎 Please check your ticket before it is sent:"),
        "",
        *draft_lines(draft, locale, with_account=with_account),
    ]
    lines.extend(held_back_notes(draft))
    builder = Keyboard()
    builder.add(
        *(
            edit_button("✏️ " + _(s.label), s.name)
            for s in dialogue.editable(with_account=with_account)
        )
    )
    builder.adjust(2)
    builder.row(
        nav_button(_("✅ Confirm and send"), "review", "confirm"),
    )
    builder.row(
        nav_button(_("✖️ Cancel"), "review", "cancel"),
        language_button(locale, "review"),
    )
    return "\n".join(lines), builder.as_markup()


def held_back_notes(draft: TicketDraft) -> list[str]:
    """What ⛔ and ⚠️ mean on the review card: the icons alone left customers believing those
    files would go with the ticket (``sent_with_ticket`` keeps them off it)."""
    verdicts = {ref.verdict for ref in draft.attachments}
    notes = []
    if Outcome.REFUSED in verdicts:
        notes.append(_("⛔ Files marked so are not sent: they are not in English."))
    if Outcome.UNCHECKED in verdicts:
        notes.append(
            _("⚠️ Files marked so are not sent: I could not check that they are in English.")
        )
    return notes


_ASKERS = {
    "summary": _summary,
    "browser": _browser,
    "browser_version": _browser_version,
    "os": _os,
    "os_version": _os_version,
    "product_version": _product_version,
    "extra": _extra,
    "impact": _impact,
    "impact_reason": _impact_reason,
    "description": _description,
    "attachments": _attachments,
    "account": _account,
    "review": _review,
}
