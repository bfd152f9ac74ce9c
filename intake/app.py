"""Factories that wire the bot: no work at import time, everything passed in.

Tests build a fresh dispatcher per test on the same database to simulate a restart;
``main.py run`` and the playground use the same factories.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods.base import Response
from aiogram.types import BotCommand, ErrorEvent
from aiogram.utils.i18n import I18n
from sqlite_utils import Database

from intake.attachments.checker import AttachmentChecker
from intake.bot.attachment_work import AttachmentWork
from intake.bot.flow import DialogueOptions
from intake.bot.middlewares import (
    FlowMiddleware,
    OutgoingRecorder,
    RetryMiddleware,
    UpdateRecorder,
    UserI18nMiddleware,
)
from intake.bot.routers import create_routers
from intake.bot.routers.commands import COMMAND_DESCRIPTIONS
from intake.bot.session import JsonBodySession
from intake.docs import DocsIndex, Suggestions
from intake.i18n import EN, compile_catalogs, gettext, locales_dir
from intake.storage.fsm import SQLiteStorage
from intake.tickets.accounts import Accounts, NoAccounts
from intake.tickets.paging import Paging
from intake.tickets.sink import TicketSink

logger = logging.getLogger(__name__)


_PINNED_MODELS: list[type] = []


def pin_response_models() -> None:
    """Keep aiogram's parametrized ``Response[...]`` models alive.

    aiogram builds ``Response[method.__returning__]`` for every answer and pydantic caches
    parametrized generics only weakly, so they are garbage-collected and rebuilt (about
    12 ms each) every dozen requests: some 20 % of a busy bot's CPU. Measured with
    bench/echo_emulator.py (543 -> 678 updates/s).
    """
    if _PINNED_MODELS:
        return
    used = (
        methods.GetUpdates,
        methods.SendMessage,
        methods.EditMessageText,
        methods.EditMessageReplyMarkup,
        methods.AnswerCallbackQuery,
        methods.SendChatAction,
        methods.DeleteMessage,
        methods.GetFile,
        methods.GetMe,
        methods.SendDocument,  # files staff attach in Redmine, sent on to the customer
        methods.SetMyCommands,
        methods.DeleteWebhook,
    )
    # Parametrized with run-time values, as aiogram does: no type expression for mypy.
    response: Any = Response
    _PINNED_MODELS.extend(response[m.__returning__] for m in used)


def create_bot(
    token: str, db: Database, *, api_url: str | None = None, retry: RetryMiddleware | None = None
) -> Bot:
    """A real aiogram Bot with its real aiohttp session, pointed at ``api_url`` if given."""
    pin_response_models()
    session = (
        JsonBodySession(api=TelegramAPIServer.from_base(api_url)) if api_url else JsonBodySession()
    )
    session.middleware(retry or RetryMiddleware())
    session.middleware(OutgoingRecorder(db))
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_i18n() -> I18n:
    compile_catalogs()
    return I18n(path=locales_dir(), default_locale=EN, domain="messages")


def create_dispatcher(
    *,
    db: Database,
    sink: TicketSink,
    checker: AttachmentChecker,
    options: DialogueOptions | None = None,
    storage: BaseStorage | None = None,
    i18n: I18n | None = None,
    accounts: Accounts | None = None,
    docs: Suggestions | None = None,
    paging: Paging | None = None,
) -> Dispatcher:
    """``docs``: where the articles offered after the summary come from (the sample
    articles without it). ``paging``: what "I'm on it" acknowledges (without it the button
    answers that paging is not running here)."""
    options = options or DialogueOptions()
    attachment_work = AttachmentWork(db, checker)
    dp = Dispatcher(
        storage=storage or SQLiteStorage(db),
        events_isolation=SimpleEventIsolation(),
        db=db,
        sink=sink,
        checker=checker,
        options=options,
        attachment_work=attachment_work,
        accounts=accounts or NoAccounts(),
        docs=docs if docs is not None else Suggestions(DocsIndex.from_folder()),  # sample articles
        paging=paging,
    )
    dp.update.outer_middleware(UpdateRecorder(db))
    UserI18nMiddleware(i18n or create_i18n()).setup(dp)
    flow_middleware = FlowMiddleware(options)
    dp.message.outer_middleware(flow_middleware)
    dp.callback_query.outer_middleware(flow_middleware)
    dp.edited_message.outer_middleware(flow_middleware)  # a fixed typo updates the answer
    dp.include_routers(*create_routers())
    dp.errors.register(_on_error)
    dp.startup.register(_set_commands)
    dp.shutdown.register(attachment_work.aclose)
    return dp


async def _set_commands(bot: Bot) -> None:
    """The command menu in both languages (Telegram picks by the user's app language)."""
    for locale, language_code in ((EN, None), ("zh_Hans", "zh")):
        commands = [
            BotCommand(command=name, description=gettext(locale, text))
            for name, text in COMMAND_DESCRIPTIONS
        ]
        await bot.set_my_commands(commands, language_code=language_code)


async def _on_error(event: ErrorEvent, **data: Any) -> bool:
    """Log, tell the user their answers are kept, and ask the current step again."""
    if isinstance(event.exception, TelegramAPIError):
        # Telegram refused what a handler sent (an expired button's answer, a chat that is
        # gone): nothing in our code to fix, so one line rather than a traceback.
        logger.warning(
            "update %s: Telegram refused a reply: %s", event.update.update_id, event.exception
        )
    else:
        logger.error(
            "error while handling update %s", event.update.update_id, exc_info=event.exception
        )
    user_row = data.get("user_row")
    chat = data.get("event_chat")
    bot: Bot | None = data.get("bot")
    if user_row is None or chat is None or bot is None or chat.type != "private":
        return True
    try:
        await bot.send_message(
            chat.id,
            gettext(
                user_row.language,
                "Sorry, something went wrong on our side. Your answers are kept; "
                "please try again, or send /status to see where we are.",
            ),
        )
    except TelegramAPIError as exc:
        logger.warning("could not report an error to the user: %s", exc)
    except Exception:
        logger.exception("could not report an error to the user")
    return True
