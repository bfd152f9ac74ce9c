"""The full intake pipeline under load, next to a bare echo bot on the same emulator.

    python bench/dialogue.py --users 50
    python bench/dialogue.py --users 50 --stored 10000    # + memory with 10,000 stored
    python bench/dialogue.py --users 50 --stored 10000 --split   # emulator in a child

Each simulated user completes one whole intake (14 inputs: /start to the receipt) and waits
for each answer, as people do. The echo bot runs the same number of inputs per user. Both
share one process and loop with the emulator, so the figures are floors. With ``--split``
the emulator and its simulated people run in a child process (this script with
``--emulator-child``), as ``bench/echo_emulator.py --split`` does, for each bot side by
side: the bot's CPU per update is then the bot's alone, and the memory above the floor of
a process that only imports aiogram is the bot's own. The split rounds also run
``bench/floor_bot.py``: the dialogue's Bot API requests with no product work, the most
any bot with this dialogue could reach next to the echo bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench.echo_emulator import echo_dispatcher
from bench.floor_bot import create_floor_bot, floor_dispatcher, floor_step
from intake.app import pin_response_models
from intake.config import Settings
from intake.draft import TicketDraft
from intake.emulator.load import run_load
from intake.emulator.server import BotAPIEmulator
from intake.emulator.testing import create_bot, polling
from intake.emulator.users import SimulatedUser
from intake.runtime import BotRunner, build_services
from intake.storage import conversations, messages, updates, users
from intake.storage.db import open_db
from intake.tickets.local import LocalSink


def _text(expected: str):
    return lambda m: expected in (m.text or "")


def _button(label: str):
    return lambda b: label in b.text


# (what the user does, what the bot's answer contains)
SCRIPT = [
    ("command", "/start", lambda m: any("Start" in t for t in m.button_texts)),
    ("tap", "Start", _text("In one line")),
    ("text", "Export to CSV fails with an error", _text("Which browser")),
    ("tap", "Firefox", _text("Which version of Firefox")),
    ("text", "121.0", _text("Which operating system")),
    ("tap", "Ubuntu", _text("Which version of Ubuntu")),
    ("text", "22.04", _text("Which Orangesky version")),
    ("text", "4.2.1", _text("Anything else")),
    ("tap", "Skip", _text("sounds like")),
    ("tap", "Yes, that's right", _text("Describe what happens")),
    ("text", "Clicking Export shows error E42.", _text("Received so far")),
    ("tap", "Done", _text("Screenshots")),
    ("tap", "Skip", _text("Please check your ticket")),
    ("tap", "Confirm and send", _text("OS-")),
]


async def intake_step(user: SimulatedUser, index: int) -> None:
    kind, value, expect = SCRIPT[index]
    seen = {m.message_id: m.version for m in user.messages}
    if kind == "command":
        await user.send_command(value)
    elif kind == "text":
        await user.send_text(value)
    else:
        await user.tap(_button(value))
    await user._until(
        lambda: next(
            (
                m
                for m in reversed(user.messages)
                if m.from_bot and seen.get(m.message_id, -1) != m.version and expect(m)
            ),
            None,
        ),
        15.0,
        f"answer to step {index}",
    )


async def echo_step(user: SimulatedUser, index: int) -> None:
    await user.send_text(f"message {index}")
    await user.next_message(timeout=15)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_aiogram_rss_mb() -> float:
    """The floor: what importing aiogram (its pydantic models) costs before any work."""
    code = (
        "import aiogram, aiogram.types, aiogram.methods\n"
        "for l in open('/proc/self/status'):\n"
        "    l.startswith('VmRSS:') and print(int(l.split()[1]) / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(out.stdout.strip() or "nan")


def numpy_rss_mb() -> float | None:
    """What importing numpy adds, when this process has it loaded: sqlite-utils imports
    numpy whenever it is installed (to store numpy values), though the bot never uses it.
    A fresh install from requirements.lock has no numpy; a system Python may."""
    if "numpy" not in sys.modules:
        return None
    code = (
        "import aiogram.types, aiogram.methods\n"
        "def rss():\n"
        "    for l in open('/proc/self/status'):\n"
        "        if l.startswith('VmRSS:'): return int(l.split()[1]) / 1024\n"
        "before = rss()\n"
        "import numpy\n"
        "print(rss() - before)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(out.stdout.strip() or "nan")


def store_conversations(db_path: Path, count: int) -> float:
    """Store ``count`` completed conversations through the record functions the bot uses."""
    db = open_db(db_path)
    sink = LocalSink(db)
    started = time.perf_counter()
    from datetime import UTC, datetime

    for i in range(count):
        user_id = 10_000_000 + i
        locale = "zh_Hans" if i % 2 else "en"
        users.touch_user(db, user_id, language_code="zh" if i % 2 else "en", first_name=f"U{i}")
        conversation = conversations.start_conversation(db, user_id, user_id, locale)
        for n in range(14):
            for direction in ("in", "out"):
                messages.record_message(
                    db,
                    conversation_id=conversation,
                    user_id=user_id,
                    chat_id=user_id,
                    direction=direction,
                    kind="text",
                    text=("导出报表时出现错误，无法下载" if i % 2 else "Export fails with E42")  # noqa: RUF001
                    + f" #{n}",
                    step="summary",
                    language=locale,
                )
        draft = TicketDraft(
            summary=f"Export fails {i}",
            browser="Firefox",
            impact="medium",
            description=["Clicking Export shows error E42."],
        )
        sink.submit(draft, conversation_id=conversation, opened_at=datetime.now(UTC))
    db.close()
    return time.perf_counter() - started


async def run_intake(users: int, db_path: Path, round_: int = 0) -> tuple[object, float]:
    db = open_db(db_path)
    # A later round on the same database: new update ids and new people, as in real life.
    emu = BotAPIEmulator(first_update_id=updates.last_update_id(db) + 1)
    await emu.start()
    services = build_services(Settings(INTAKE_DATABASE=db_path), db=db)
    first_user = 5_000_000 + round_ * 100_000
    runner = BotRunner(services, emu.token, emu.base_url)
    await runner.start(polling_timeout=1)
    try:
        await run_load(
            emu,
            users=min(users, 5),
            per_user=len(SCRIPT),
            step=intake_step,
            first_user_id=first_user + 90_000,
        )  # warm-up
        cpu = time.process_time()
        report = await run_load(
            emu, users=users, per_user=len(SCRIPT), step=intake_step, first_user_id=first_user
        )
        cpu = time.process_time() - cpu
    finally:
        await runner.stop()
        await services.aclose()
        await emu.stop()
    return report, cpu


async def run_echo(users: int) -> object:
    emu = BotAPIEmulator()
    await emu.start()
    try:
        async with create_bot(emu) as bot, polling(echo_dispatcher(), bot):
            await run_load(
                emu, users=min(users, 5), per_user=5, step=echo_step, first_user_id=9_000_000
            )
            return await run_load(emu, users=users, per_user=len(SCRIPT), step=echo_step)
    finally:
        await emu.stop()


async def main(users: int, stored: int, repeat: int) -> None:
    pin_response_models()  # for both bots, so the ratio compares like with like
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        if stored:
            seconds = store_conversations(db_path, stored)
            print(
                f"stored {stored} completed conversations ({stored * 28} messages) "
                f"in {seconds:.1f}s; database {db_path.stat().st_size / 1e6:.1f} MB"
            )
        echoes, intakes = [], []
        for round_ in range(repeat):  # alternate, so a busy moment hits both alike
            echo = await run_echo(users)
            print(echo.summary(f"round {round_ + 1} bare echo bot"))
            report, cpu = await run_intake(users, db_path, round_)
            print(
                report.summary(f"round {round_ + 1} full intake  "),
                f"CPU {cpu / max(report.updates, 1) * 1e6:.0f} us/update (bot + emulator)",
            )
            for failure in report.failures[:5]:
                print("failed:", failure)
            echoes.append(echo.updates_per_second)
            intakes.append(report.updates_per_second)
        echo_rate, intake_rate = statistics.median(echoes), statistics.median(intakes)
        print(
            f"median of {repeat}: echo {echo_rate:.0f} updates/s, full intake "
            f"{intake_rate:.0f} updates/s, ratio {intake_rate / echo_rate:.2f}x "
            "(target >= 0.5x)"
        )
        print(
            f"resident memory now: {rss_mb():.0f} MB (target < 150 MB); "
            f"a process that only imports aiogram: {bare_aiogram_rss_mb():.0f} MB"
        )


# --- the emulator in its own process ---------------------------------------------------------


async def emulator_child(kind: str, users: int, first_update_id: int, first_user: int) -> None:
    """The child: an emulator and its people. Prints its URL, waits for the bot, warms up,
    waits for "go" on stdin (the parent starts its CPU clock), runs, prints the report."""
    steps = {
        "intake": intake_step,
        "echo": echo_step,
        "floor": lambda user, i: floor_step(user, i, [kind for kind, _, _ in SCRIPT]),
    }
    step, per_user = steps[kind], len(SCRIPT)
    emu = BotAPIEmulator(first_update_id=first_update_id)
    await emu.start()
    print(json.dumps({"base_url": emu.base_url, "token": emu.token}), flush=True)
    try:
        await emu.wait_for_bot(timeout=120)
        warm_first = first_user + 90_000
        await run_load(
            emu, users=min(users, 5), per_user=per_user, step=step, first_user_id=warm_first
        )
        print(json.dumps({"warm": True}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        cpu = time.process_time()
        requests_before = _bot_requests(emu)
        report = await run_load(
            emu, users=users, per_user=per_user, step=step, first_user_id=first_user
        )
        result = {
            "requests": _bot_requests(emu) - requests_before,
            "updates": report.updates,
            "elapsed": report.elapsed,
            "p50": report.p50,
            "p99": report.p99,
            "failures": [str(f) for f in report.failures[:5]],
            "emulator_cpu": time.process_time() - cpu,
        }
        print(json.dumps(result), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # "stop"
    finally:
        await emu.stop()


def _bot_requests(emu: BotAPIEmulator) -> int:
    """Bot API requests the bot made so far, polling aside: what its answers cost."""
    return sum(n for name, n in emu.calls.items() if name != "getUpdates")


async def split_round(kind: str, users: int, db_path: Path, round_: int) -> dict[str, float]:
    """One bot (``kind``) in this process against an emulator child; the child's report plus
    this process's CPU per update."""
    first_update_id = 1
    if kind == "intake":
        db = open_db(db_path)
        first_update_id = updates.last_update_id(db) + 1
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--emulator-child",
        kind,
        "--users",
        str(users),
        "--first-update-id",
        str(first_update_id),
        "--first-user",
        str(5_000_000 + round_ * 100_000),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdin is not None

    async def line() -> dict:
        assert child.stdout is not None
        return json.loads(await asyncio.wait_for(child.stdout.readline(), 600))

    hello = await line()
    try:
        if kind == "intake":
            services = build_services(Settings(INTAKE_DATABASE=db_path), db=db)
            runner = BotRunner(services, hello["token"], hello["base_url"])
            await runner.start(polling_timeout=1)
            try:
                result, cpu = await _measured(child, line)
            finally:
                await runner.stop()
                await services.aclose()
        else:
            if kind == "echo":  # aiogram as it comes
                dp, bot = echo_dispatcher(), create_bot(hello["base_url"])
            else:  # the intake's session, so the two differ only in the product's work
                dp, bot = floor_dispatcher(), create_floor_bot(hello["base_url"])
            async with bot, polling(dp, bot):
                result, cpu = await _measured(child, line)
    finally:
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        await child.wait()
    result["bot_cpu_per_update"] = cpu / max(result["updates"], 1)
    return result


async def _measured(child: asyncio.subprocess.Process, line) -> tuple[dict, float]:
    assert child.stdin is not None
    await line()  # warmed up
    cpu = time.process_time()
    child.stdin.write(b"go\n")
    await child.stdin.drain()
    result = await line()
    return result, time.process_time() - cpu


def _split_summary(label: str, r: dict) -> str:
    rate = r["updates"] / r["elapsed"]
    return (
        f"{label}: {r['updates']} updates in {r['elapsed']:.2f}s = {rate:.0f} updates/s, "
        f"p50 {r['p50'] * 1000:.1f} ms, p99 {r['p99'] * 1000:.1f} ms, bot CPU "
        f"{r['bot_cpu_per_update'] * 1e6:.0f} us/update, emulator CPU {r['emulator_cpu']:.2f}s, "
        f"{len(r['failures'])} failed"
    )


async def main_split(users: int, stored: int, repeat: int) -> None:
    pin_response_models()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        if stored:
            seconds = store_conversations(db_path, stored)
            print(f"stored {stored} completed conversations in {seconds:.1f}s")
        echoes, floors, intakes = [], [], []
        for round_ in range(repeat):
            echo = await split_round("echo", users, db_path, round_)
            print(_split_summary(f"round {round_ + 1} bare echo bot   ", echo))
            floor = await split_round("floor", users, db_path, round_)
            print(_split_summary(f"round {round_ + 1} dialogue's calls", floor))
            intake = await split_round("intake", users, db_path, round_)
            print(_split_summary(f"round {round_ + 1} full intake     ", intake))
            for failure in intake["failures"] + echo["failures"] + floor["failures"]:
                print("failed:", failure)
            echoes.append(echo)
            floors.append(floor)
            intakes.append(intake)

        def median(rows: list[dict], key) -> float:
            return statistics.median(key(r) for r in rows)

        rate = lambda r: r["updates"] / r["elapsed"]  # noqa: E731
        cpu = lambda r: r["bot_cpu_per_update"]  # noqa: E731
        echo_rate, intake_rate = median(echoes, rate), median(intakes, rate)
        echo_cpu, intake_cpu = median(echoes, cpu), median(intakes, cpu)
        per_request = lambda r: r["requests"] / max(r["updates"], 1)  # noqa: E731
        echo_requests, intake_requests = median(echoes, per_request), median(intakes, per_request)
        print(
            f"median of {repeat}, emulator in its own process: echo {echo_rate:.0f} updates/s, "
            f"full intake {intake_rate:.0f} updates/s, ratio {intake_rate / echo_rate:.2f}x; "
            f"bot CPU per update echo {echo_cpu * 1e6:.0f} us, intake {intake_cpu * 1e6:.0f} us, "
            f"ratio {echo_cpu / intake_cpu:.2f}x (target >= 0.5x)"
        )
        floor_cpu, floor_requests = median(floors, cpu), median(floors, per_request)
        print(
            f"the dialogue's Bot API calls alone (bench/floor_bot.py, nothing stored): "
            f"{floor_cpu * 1e6:.0f} us per update, ratio {echo_cpu / floor_cpu:.2f}x of echo: "
            f"the most any bot with this dialogue can reach; the intake's own work is "
            f"{(intake_cpu - floor_cpu) * 1e6:.0f} us per update above it"
        )
        print(
            f"Bot API requests per update (getUpdates aside): echo {echo_requests:.2f}, "
            f"dialogue's calls {floor_requests:.2f}, intake {intake_requests:.2f}; "
            f"bot CPU per request made: echo {echo_cpu / echo_requests * 1e6:.0f} us, "
            f"intake {intake_cpu / intake_requests * 1e6:.0f} us"
        )
        now, floor = rss_mb(), bare_aiogram_rss_mb()
        print(
            f"bot process resident memory {now:.0f} MB; a process that only imports aiogram "
            f"{floor:.0f} MB; above the floor {now - floor:.0f} MB with {stored} stored "
            "conversations (target <= 40 MB)"
        )
        numpy = numpy_rss_mb()
        if numpy is not None:
            print(
                f"  of which numpy {numpy:.0f} MB: installed in this Python, so sqlite-utils "
                f"imports it; without it (a fresh install of requirements.lock) "
                f"{now - floor - numpy:.0f} MB above the floor"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--stored", type=int, default=0, help="conversations to store first")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are printed")
    parser.add_argument(
        "--split", action="store_true", help="run the emulator and its people in a child process"
    )
    parser.add_argument(
        "--emulator-child", choices=("intake", "echo", "floor"), help=argparse.SUPPRESS
    )
    parser.add_argument("--first-update-id", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--first-user", type=int, default=5_000_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.emulator_child:
        asyncio.run(
            emulator_child(args.emulator_child, args.users, args.first_update_id, args.first_user)
        )
    elif args.split:
        asyncio.run(main_split(args.users, args.stored, args.repeat))
    else:
        asyncio.run(main(args.users, args.stored, args.repeat))
