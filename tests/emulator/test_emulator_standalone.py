"""``python -m intake.emulator`` serves the Bot API for a bot started separately."""

import asyncio
import json
import sys
from pathlib import Path

from intake.emulator.testing import create_bot

ROOT = Path(__file__).resolve().parents[2]


async def test_the_standalone_emulator_answers_a_real_bot_and_stops_on_sigterm():
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "intake.emulator",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        started = json.loads(await asyncio.wait_for(child.stdout.readline(), 20))
        async with create_bot(started["base_url"]) as bot:
            assert (await bot.get_me()).id == started["token_id"]
    finally:
        child.terminate()
        assert await asyncio.wait_for(child.wait(), 10) == 0
