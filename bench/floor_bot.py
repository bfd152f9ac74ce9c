"""The floor under any bot with the intake's dialogue: its Bot API requests and nothing else.

The intake answers a tap with ``answerCallbackQuery`` and an edit of the tapped prompt into
the next question, and a typed answer with the next question plus an edit that takes the
buttons off the prompt it answered (stale buttons are noise). This bot makes exactly those
requests, with a prompt and keyboard the size of the intake's, and stores nothing, checks
nothing, translates nothing. ``bench/dialogue.py --split`` runs it next to the bare echo
bot: its CPU per update is what the dialogue's requests alone cost, before any product work.
"""

from __future__ import annotations

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from intake.bot.session import JsonBodySession
from intake.emulator.testing import DEFAULT_TOKEN
from intake.emulator.users import SimulatedUser

PROMPT = (
    "<b>Question {number} · Your system</b>\n"
    "Which operating system is the computer running? Tap it below, or type another.\n"
    "<i>You can go back or switch to Chinese at any step.</i>"
)


def keyboard() -> InlineKeyboardMarkup:
    """Six answers in pairs, then Back and the language switch: the intake's usual shape."""
    answers = ["Windows", "macOS", "Ubuntu", "Debian", "Fedora", "Other"]
    rows = [
        [InlineKeyboardButton(text=a, callback_data=f"pick:os:{a.lower()}") for a in pair]
        for pair in (answers[0:2], answers[2:4], answers[4:6])
    ]
    rows.append(
        [
            InlineKeyboardButton(text="⬅️ Back", callback_data="nav:os:back"),
            InlineKeyboardButton(text="中文", callback_data="lang:zh_Hans"),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def create_floor_bot(base_url: str) -> Bot:
    """The intake's own session and defaults, so the floor costs requests as the intake does."""
    session = JsonBodySession(api=TelegramAPIServer.from_base(base_url))
    return Bot(
        DEFAULT_TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def floor_dispatcher() -> Dispatcher:
    router = Router()
    last_prompt: dict[int, int] = {}  # chat id -> the prompt whose buttons are live
    asked: dict[int, int] = {}  # chat id -> questions so far (an edit must change the text)

    def next_prompt(chat_id: int) -> str:
        asked[chat_id] = asked.get(chat_id, 0) + 1
        return PROMPT.format(number=asked[chat_id])

    @router.message()
    async def answered_by_typing(message: Message, bot: Bot) -> None:
        sent = await message.answer(next_prompt(message.chat.id), reply_markup=keyboard())
        previous = last_prompt.get(message.chat.id)
        last_prompt[message.chat.id] = sent.message_id
        if previous is not None:
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=previous, reply_markup=None
            )

    @router.callback_query()
    async def answered_by_tap(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            text = next_prompt(query.message.chat.id)
            await query.message.edit_text(text, reply_markup=keyboard())

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def floor_step(user: SimulatedUser, index: int, kinds: list[str]) -> None:
    """The intake script's input ``index`` by kind (type or tap), answered by the floor bot."""
    seen = {m.message_id: m.version for m in user.messages}
    if kinds[index] == "tap":
        await user.tap(lambda button: button.callback_data is not None)
    else:
        await user.send_text(f"answer {index}")
    await user._until(
        lambda: any(
            m.from_bot and m.buttons and seen.get(m.message_id, -1) != m.version
            for m in user.messages
        ),
        15.0,
        f"answer to input {index}",
    )
