"""CPU per Bot API request: aiogram's form-encoding session next to the bot's JSON session.

    python bench/bot_session.py                 # 5 rounds of 500 sendMessage each
    python bench/bot_session.py --rounds 9 --requests 1000

The emulator runs in a child process (this script with ``--emulator-child``), so the CPU
measured is the sending process's alone. Each round sends the same message with a
six-button keyboard, as a step of the dialogue does, through each session in turn; the
medians are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import InlineKeyboardMarkup

from intake.app import pin_response_models
from intake.bot.keyboards import choices
from intake.bot.session import JsonBodySession
from intake.emulator.server import BotAPIEmulator

CHAT_ID = 777


async def emulator_child() -> None:
    emu = BotAPIEmulator()
    await emu.start()
    emu.user(CHAT_ID)
    print(json.dumps({"base_url": emu.base_url, "token": emu.token}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await emu.stop()


def keyboard() -> InlineKeyboardMarkup:
    browsers = ("Chrome", "Firefox", "Safari", "Edge", "Other…", "I don't know")
    return choices("browser", [(b, b) for b in browsers], per_row=3).as_markup()


async def cpu_per_request(bot: Bot, markup: InlineKeyboardMarkup, requests: int) -> float:
    for _ in range(50):  # warm: connections open, response models built
        await bot.send_message(CHAT_ID, "🌐 Which browser do you use?", reply_markup=markup)
    started = time.process_time()
    for _ in range(requests):
        await bot.send_message(CHAT_ID, "🌐 Which browser do you use?", reply_markup=markup)
    return (time.process_time() - started) / requests


async def main(rounds: int, requests: int) -> None:
    pin_response_models()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--emulator-child",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdin is not None
    hello = json.loads(await child.stdout.readline())
    api = TelegramAPIServer.from_base(hello["base_url"])
    default = DefaultBotProperties(parse_mode=ParseMode.HTML)
    bots = {
        "aiogram's AiohttpSession (form)": Bot(
            hello["token"], session=AiohttpSession(api=api), default=default
        ),
        "intake's JsonBodySession": Bot(
            hello["token"], session=JsonBodySession(api=api), default=default
        ),
    }
    markup = keyboard()
    figures: dict[str, list[float]] = {name: [] for name in bots}
    try:
        for _ in range(rounds):  # alternate, so a busy moment hits both alike
            for name, bot in bots.items():
                figures[name].append(await cpu_per_request(bot, markup, requests))
    finally:
        for bot in bots.values():
            await bot.session.close()
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        await child.wait()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    for name, median in medians.items():
        print(f"{name:34s} {median * 1e6:6.0f} us CPU per sendMessage (median of {rounds})")
    form, json_body = medians.values()
    print(f"JSON saves {(1 - json_body / form) * 100:.0f} % of the sender's CPU per request")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--emulator-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emulator_child:
        asyncio.run(emulator_child())
    else:
        asyncio.run(main(args.rounds, args.requests))
