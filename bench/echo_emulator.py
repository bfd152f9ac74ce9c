"""A bare aiogram echo bot over the Bot API emulator: updates/s and reply latency.

    python bench/echo_emulator.py --users 50 --per-user 40            # one process
    python bench/echo_emulator.py --users 50 --per-user 40 --split    # emulator in a child

In one process the bot, the emulator and the simulated people share one core; ``--split``
runs the emulator and its people in a child process (``python -m intake.emulator``) so the
bot has a core to itself, as it would against Telegram. The full-pipeline benchmark reuses
``intake.emulator.load.run_load`` with its own step.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from aiogram import Dispatcher, Router
from aiogram.types import Message

from intake.app import pin_response_models
from intake.emulator.load import run_load
from intake.emulator.testing import create_bot, polling, running_emulator


def echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def cpu_wait_seconds() -> float:
    """Seconds this process was runnable but waiting for a CPU (Linux), to spot a busy box."""
    try:
        with open("/proc/self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return float("nan")


async def in_one_process(users: int, per_user: int, warmup: int) -> None:
    async with running_emulator() as emu, create_bot(emu) as bot:
        async with polling(echo_dispatcher(), bot):
            if warmup:
                await run_load(emu, users=min(users, 10), per_user=warmup, first_user_id=9_000_000)
            cpu, waited = time.process_time(), cpu_wait_seconds()
            report = await run_load(emu, users=users, per_user=per_user)
            cpu, waited = time.process_time() - cpu, cpu_wait_seconds() - waited
    print(report.summary("echo bot, emulator in the same process"))
    print(
        f"CPU {cpu:.2f}s for {report.elapsed:.2f}s wall = "
        f"{cpu / max(report.updates, 1) * 1e6:.0f} us per update (bot + emulator + people); "
        f"{waited:.2f}s waiting for a CPU other processes held; "
        f"CPU-bound ceiling {report.updates / cpu:.0f} updates/s on one core"
    )
    for failure in report.failures[:5]:
        print("failed:", failure)


async def in_two_processes(users: int, per_user: int) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "intake.emulator",
        "--port",
        "0",
        "--load-users",
        str(users),
        "--load-steps",
        str(per_user),
        stdout=asyncio.subprocess.PIPE,
        cwd=os.path.join(os.path.dirname(__file__), ".."),
    )
    assert child.stdout is not None
    base_url = json.loads(await child.stdout.readline())["base_url"]
    async with create_bot(base_url) as bot:
        dp = echo_dispatcher()
        async with polling(dp, bot):
            cpu, waited = time.process_time(), cpu_wait_seconds()
            result = json.loads(await child.stdout.readline())
            cpu, waited = time.process_time() - cpu, cpu_wait_seconds() - waited
    child.terminate()
    await child.wait()
    updates, elapsed = result["updates"], result["elapsed"]
    ordered = f"p50 {result['p50'] * 1000:.1f} ms, p99 {result['p99'] * 1000:.1f} ms"
    print(
        f"echo bot, emulator in a child process: {users} users x {per_user} steps, "
        f"{updates} updates in {elapsed:.2f}s = {updates / elapsed:.0f} updates/s; "
        f"latency {ordered}; {len(result['failures'])} failed steps"
    )
    print(
        f"bot CPU {cpu:.2f}s ({cpu / max(updates, 1) * 1e6:.0f} us per update), emulator CPU "
        f"{result['emulator_cpu']:.2f}s; bot waited {waited:.2f}s for a CPU; bot CPU-bound "
        f"ceiling {updates / cpu:.0f} updates/s"
    )
    for failure in result["failures"]:
        print("failed:", failure)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--split", action="store_true", help="run the emulator and its people in a child process"
    )
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="leave aiogram's Response models to the weak pydantic cache",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not args.no_pin:
        pin_response_models()  # the bot's own, so this floor compares like with like
    if args.split:
        asyncio.run(in_two_processes(args.users, args.per_user))
    else:
        asyncio.run(in_one_process(args.users, args.per_user, args.warmup))
