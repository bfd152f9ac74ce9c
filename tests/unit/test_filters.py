"""The routers' first checks: a button's factory (and step) read from its packed data."""

import pytest
from aiogram.types import CallbackQuery, User

from intake.bot.filters import ButtonsOf
from intake.bot.keyboards import Edit, Lang, Nav, Pick


def tap(data: str | None) -> CallbackQuery:
    person = User(id=1, is_bot=False, first_name="Ann")
    return CallbackQuery(id="1", from_user=person, chat_instance="c", data=data)


async def test_a_router_takes_the_buttons_of_its_factories() -> None:
    check = ButtonsOf(Nav, Lang)
    assert await check(tap(Nav(step="summary", action="back").pack()))
    assert await check(tap(Lang(code="zh_Hans", step="os").pack()))


async def test_a_router_skips_buttons_of_other_factories() -> None:
    check = ButtonsOf(Nav)
    assert not await check(tap(Pick(step="os", value="ubuntu").pack()))
    assert not await check(tap(Edit(field="summary").pack()))
    assert not await check(tap(None))


async def test_a_step_narrows_the_buttons_to_that_steps() -> None:
    check = ButtonsOf(Nav, step="docs")
    assert await check(tap(Nav(step="docs", action="solved").pack()))
    assert not await check(tap(Nav(step="docsearch", action="solved").pack()))
    assert not await check(tap(Nav(step="review", action="confirm").pack()))


def test_a_step_needs_a_factory_that_leads_with_one() -> None:
    with pytest.raises(TypeError, match="Lang"):
        ButtonsOf(Lang, step="docs")
