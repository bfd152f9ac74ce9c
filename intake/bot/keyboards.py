"""Callback data factories and keyboard builders. Every button's data stays under 64 bytes."""

from __future__ import annotations

from functools import lru_cache

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from intake.i18n import EN, ZH, own_name


class Keyboard(InlineKeyboardBuilder):
    """aiogram's builder without its deep copies.

    ``export()`` deep-copies every button model on each ``add`` and ``as_markup``; our
    builders are used once and thrown away, so row copies are enough (bench/dialogue.py
    showed the deep copies as a tenth of the bot's CPU).
    """

    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]


class Lang(CallbackData, prefix="lang"):
    """Switch the dialogue language; ``step`` is where the button was shown."""

    code: str
    step: str


class Pick(CallbackData, prefix="pick"):
    """A choice at a step: a browser, an OS, an impact answer or level."""

    step: str
    value: str


class Nav(CallbackData, prefix="nav"):
    """Moving through the dialogue: begin, back, skip, done, confirm, cancel..."""

    step: str
    action: str


class InProgress(CallbackData, prefix="prog"):
    """/start while a request is in progress: ``restart`` or ``resume`` that conversation
    (named, so an old "Start over" cannot drop a later one)."""

    action: str
    conversation_id: int | None = None


class TicketAction(CallbackData, prefix="tk"):
    """A ticket card's buttons: show, add (information), close, reopen, new (related)."""

    action: str
    ticket_id: int = 0


class Edit(CallbackData, prefix="edit"):
    """Jump from the review card to one field's step."""

    field: str


def other_language(locale: str) -> str:
    return EN if locale == ZH else ZH


@lru_cache(maxsize=4096)
def _button(text: str, data: str) -> InlineKeyboardButton:
    """One object per label and data, built once: a button is two validated models (about
    7 us) and every prompt has up to a dozen. Nothing changes a button once it is built."""
    return InlineKeyboardButton(text=text, callback_data=data)


@lru_cache(maxsize=64)
def language_button(locale: str, step: str) -> InlineKeyboardButton:
    target = other_language(locale)
    # Each language is named in itself, as language pickers do.
    return _button(f"🌐 {own_name(target)}", Lang(code=target, step=step).pack())


def footer(
    builder: InlineKeyboardBuilder, locale: str, step: str, *, back: bool = True
) -> InlineKeyboardBuilder:
    """The row every step ends with: Back (where there is a step before) and the language."""
    row = []
    if back:
        row.append(nav_button(_("⬅️ Back"), step, "back"))
    row.append(language_button(locale, step))
    builder.row(*row)
    return builder


def choices(step: str, options: list[tuple[str, str]], *, per_row: int = 3) -> Keyboard:
    """Buttons for (value, label) options, ``per_row`` to a row."""
    builder = Keyboard()
    builder.add(*(pick_button(label, step, value) for value, label in options))
    builder.adjust(per_row)
    return builder


@lru_cache(maxsize=4096)
def pick_button(text: str, step: str, value: str) -> InlineKeyboardButton:
    return _button(text, Pick(step=step, value=value).pack())


@lru_cache(maxsize=1024)
def edit_button(text: str, field: str) -> InlineKeyboardButton:
    return _button(text, Edit(field=field).pack())


@lru_cache(maxsize=4096)
def nav_button(text: str, step: str, action: str) -> InlineKeyboardButton:
    return _button(text, Nav(step=step, action=action).pack())


def single_row(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])
