"""In a group chat the bot only asks the user to write to it privately."""

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from intake.bot.filters import GroupChat


def create_router() -> Router:
    router = Router(name="group")
    router.message.filter(GroupChat())
    router.callback_query.filter(GroupChat())

    @router.message()
    async def ask_for_private_chat(message: Message, bot: Bot) -> None:
        me = await bot.me()
        markup = None
        if me.username:
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=_("💬 Open a private chat"),
                            url=f"https://t.me/{me.username}?start=support",
                        )
                    ]
                ]
            )
        await message.reply(
            _(
                "To keep your details private, please write to me in a private chat. "
                "I only take support requests there."
            ),
            reply_markup=markup,
        )

    @router.callback_query()
    async def ignore_group_buttons(callback: CallbackQuery) -> None:
        await callback.answer(_("Please write to me in a private chat."), show_alert=True)

    return router
