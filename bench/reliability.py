"""Kill the bot at its worst moments, over and over, and count what was lost or doubled.

    python bench/reliability.py --rounds 10

Each round runs ``python main.py run`` against the Bot API emulator (in this process) and
makes it SIGKILL itself (``INTAKE_FAILPOINT``) right after an answer is stored, or right
after it was applied but before it was marked done; the next start must apply the answer
exactly once and ask the next question. Prints the counts; a clean run says 0 lost,
0 doubled. (A kill between Redmine's answer and our commit is pinned by the tests in
tests/redmine/test_redmine_outbox.py.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intake.emulator.testing import running_emulator  # noqa: E402
from intake.storage.db import open_db  # noqa: E402

POINTS = ("after_inbox_store", "before_update_done")


def start(emu, database: Path, log: Path, **env: str) -> subprocess.Popen[bytes]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("REDMINE_", "INTAKE_"))
    }
    environment.update(
        BOT_TOKEN=emu.token, TELEGRAM_API_URL=emu.base_url, INTAKE_DATABASE=str(database), **env
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "main.py", "run"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def wait_exit(proc: subprocess.Popen[bytes], seconds: float = 30) -> int:
    return await asyncio.to_thread(proc.wait, seconds)


def summary_of(database: Path, user_id: int) -> str | None:
    db = open_db(database)
    try:
        row = db.execute("SELECT data FROM fsm WHERE key LIKE ?", [f"%:{user_id}:%"]).fetchone()
    finally:
        db.close()
    return json.loads(row[0]).get("draft", {}).get("summary") if row else None


async def answers(rounds: int) -> dict[str, int]:
    counts = {"rounds": 0, "lost": 0, "doubled": 0, "next_question_missing": 0}
    async with running_emulator() as emu:
        with tempfile.TemporaryDirectory() as tmp:
            database, log = Path(tmp) / "intake.sqlite3", Path(tmp) / "bot.log"
            for n in range(rounds):
                point = POINTS[n % len(POINTS)]
                user = emu.user()
                proc = start(emu, database, log)
                await user.send_command("/start")
                await user.wait_for(lambda m: any("Start" in t for t in m.button_texts), 30)
                await user.tap(lambda b: "Start" in b.text)
                await user.wait_for("In one line", 10)
                proc.send_signal(signal.SIGTERM)
                await wait_exit(proc)
                asked = len([m for m in user.bot_messages if "Which browser" in (m.text or "")])
                proc = start(emu, database, log, INTAKE_FAILPOINT=point)
                answer = f"Round {n}: export fails"
                await user.send_text(answer)
                await wait_exit(proc)
                proc = start(emu, database, log)
                try:
                    await user.wait_for(
                        lambda m, a=asked, u=user: (
                            len([x for x in u.bot_messages if "Which browser" in (x.text or "")])
                            > a
                        ),
                        30,
                    )
                except TimeoutError:
                    counts["next_question_missing"] += 1
                proc.send_signal(signal.SIGTERM)
                await wait_exit(proc)
                counts["rounds"] += 1
                if summary_of(database, user.id) != answer:
                    counts["lost"] += 1
                db = open_db(database)
                logged = db.execute(
                    "SELECT count(*) FROM messages WHERE direction = 'in' AND text = ?", [answer]
                ).fetchone()[0]
                db.close()
                counts["doubled"] += logged > 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = asyncio.run(answers(args.rounds))
    print(
        f"answers: {counts['rounds']} rounds killed at {', '.join(POINTS)} in turn: "
        f"{counts['lost']} lost, {counts['doubled']} applied twice, "
        f"{counts['next_question_missing']} without the next question "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return 0 if not (counts["lost"] or counts["doubled"] or counts["next_question_missing"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
