"""A bare aiogram echo bot over the Bot API emulator: updates/s and reply latency.

    python bench/echo_emulator.py --users 50 --per-user 40

Bot and emulator share one process and one event loop (as in the tests), so the figure is a
floor for what the bot alone could do. The full-pipeline benchmark reuses
``intake.emulator.load.run_load`` with its own step.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from aiogram import Dispatcher, Router, methods
from aiogram.methods import Response
from aiogram.types import Message

from intake.emulator.load import run_load
from intake.emulator.testing import create_bot, polling, running_emulator


def pin_response_models() -> list[type]:
    """Keep aiogram's parametrized ``Response[...]`` models alive.

    aiogram builds ``Response[method.__returning__]`` for every answer; pydantic caches
    parametrized generics weakly, so the garbage collector drops them and pydantic rebuilds
    one (about 12 ms each) every dozen requests: some 20 % of the CPU of an echo bot.
    Holding references is enough; the caller keeps the returned list.
    """
    used = (methods.GetUpdates, methods.SendMessage, methods.EditMessageText,
            methods.EditMessageReplyMarkup, methods.AnswerCallbackQuery, methods.SendChatAction,
            methods.DeleteMessage, methods.GetFile, methods.GetMe, methods.SendDocument)
    return [Response[m.__returning__] for m in used]


def echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def main(users: int, per_user: int, warmup: int, pin: bool) -> None:
    pinned = pin_response_models() if pin else []  # noqa: F841 - held for the run
    async with running_emulator() as emu, create_bot(emu) as bot:
        async with polling(echo_dispatcher(), bot):
            if warmup:
                await run_load(emu, users=min(users, 10), per_user=warmup,
                               first_user_id=9_000_000)
            cpu = time.process_time()
            report = await run_load(emu, users=users, per_user=per_user)
            cpu = time.process_time() - cpu
    label = "echo bot over the emulator" + (" (Response models pinned)" if pin else "")
    print(report.summary(label))
    print(f"CPU time {cpu:.2f}s for {report.elapsed:.2f}s wall; "
          f"{cpu / max(report.updates, 1) * 1e6:.0f} us CPU per update (bot + emulator)")
    for failure in report.failures[:5]:
        print("failed:", failure)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--no-pin", action="store_true",
                        help="leave aiogram's Response models to the weak pydantic cache")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.users, args.per_user, args.warmup, not args.no_pin))
