"""Run the emulator on its own: ``python -m intake.emulator --port 8081``.

Point a bot at it with ``TELEGRAM_API_URL=http://127.0.0.1:8081`` and the printed token.
With ``--load-users``/``--load-steps`` it waits for the bot's first getUpdates, runs
:func:`~intake.emulator.load.run_load` with echo steps and prints the report as one JSON line
(then serves on until SIGTERM): the emulator and its simulated people use their own CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time

from .load import run_load
from .server import DEFAULT_TOKEN, BotAPIEmulator


async def serve(args: argparse.Namespace) -> int:
    emu = BotAPIEmulator(args.token)
    await emu.start(args.host, args.port)
    print(json.dumps({"base_url": emu.base_url, "token_id": emu.bot.id}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        if args.load_users:
            await emu.wait_for_bot(timeout=3600)
            cpu = time.process_time()
            report = await run_load(emu, users=args.load_users, per_user=args.load_steps)
            print(
                json.dumps(
                    {
                        "updates": report.updates,
                        "elapsed": report.elapsed,
                        "p50": report.p50,
                        "p99": report.p99,
                        "failures": report.failures[:5],
                        "emulator_cpu": time.process_time() - cpu,
                    }
                ),
                flush=True,
            )
        await stop.wait()  # the bot may still be polling: serve until told to stop
    finally:
        await emu.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument(
        "--token",
        default=DEFAULT_TOKEN,
        help="bot token the emulator accepts (default: a built-in test token)",
    )
    parser.add_argument("--load-users", type=int, default=0)
    parser.add_argument("--load-steps", type=int, default=20)
    return asyncio.run(serve(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
