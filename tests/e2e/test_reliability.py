"""Nothing a customer does is lost, nothing is done twice: crashes at the worst moment,
SIGTERM, the Bot API down at start, Telegram failing while notices wait.

The bot runs as ``python main.py run`` in its own process against the Bot API emulator in
this one, so that ``kill -9`` (``INTAKE_FAILPOINT``, deterministic) and SIGTERM are real.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.emulator.testing import running_emulator
from intake.runtime import BotRunner, build_services
from intake.storage.db import open_db
from tests.e2e.steps import EN
from tests.e2e.test_webhook import free_port

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """``python main.py run`` against the emulator, on one SQLite file."""

    def __init__(self, emulator, database: Path) -> None:
        self.emulator = emulator
        self.database = database
        self.log = database.with_suffix(".log")  # a file: a full pipe would block the bot
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, **env: str) -> subprocess.Popen[bytes]:
        self._close_output()  # the previous run's pipe: an unclosed one warns when collected
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("REDMINE_", "INTAKE_"))
        }
        environment.update(
            BOT_TOKEN=self.emulator.token,
            TELEGRAM_API_URL=self.emulator.base_url,
            INTAKE_DATABASE=str(self.database),
            STAFF_CHAT_ID="-100500",
            **env,
        )
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "main.py", "run"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.proc

    async def exit_code(self, seconds: float = 20.0) -> int:
        assert self.proc is not None
        return await asyncio.to_thread(self.proc.wait, seconds)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close_output()

    def _close_output(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
            self.proc.stdout.close()


@pytest.fixture
def bot_process(emulator, tmp_path) -> Iterator[BotProcess]:
    process = BotProcess(emulator, tmp_path / "intake.sqlite3")
    yield process
    process.kill()


async def _to_summary(bot_process: BotProcess, user) -> None:
    """A first run takes the user to the summary question and stops cleanly."""
    bot_process.start()
    await user.send_command("/start")
    await user.wait_for(lambda m: any(EN["start"] in t for t in m.button_texts), timeout=20)
    await user.tap(lambda b: EN["start"] in b.text)
    await user.wait_for(EN["summary"], timeout=10)
    bot_process.proc.send_signal(signal.SIGTERM)
    assert await bot_process.exit_code() == 0


def _draft_summary(database: Path, user_id: int) -> str | None:
    db = open_db(database)
    try:
        row = db.execute("SELECT data FROM fsm WHERE key LIKE ?", [f"%:{user_id}:%"]).fetchone()
    finally:
        db.close()
    import json

    return json.loads(row[0]).get("draft", {}).get("summary") if row else None


async def _eventually_summary(database: Path, user_id: int, seconds: float = 5.0) -> str | None:
    summary = _draft_summary(database, user_id)
    for _ in range(int(seconds / 0.05)):
        if summary:
            break
        await asyncio.sleep(0.05)
        summary = _draft_summary(database, user_id)
    return summary


async def test_an_answer_is_not_lost_when_the_bot_dies_right_after_receiving_it(
    emulator, bot_process
):
    user = emulator.user()
    await _to_summary(bot_process, user)
    bot_process.start(INTAKE_FAILPOINT="after_inbox_store")
    await user.send_text("Export to CSV fails with E42")
    assert await bot_process.exit_code() == -signal.SIGKILL  # died before handling it
    bot_process.start()
    await user.wait_for(EN["browser"], timeout=20)
    # The session is written once, when the handler has finished (just after its reply).
    assert await _eventually_summary(bot_process.database, user.id) == (
        "Export to CSV fails with E42"
    )


async def test_an_answer_applied_before_a_crash_is_applied_once_and_the_next_question_shown(
    emulator, bot_process
):
    user = emulator.user()
    await _to_summary(bot_process, user)
    bot_process.start(INTAKE_FAILPOINT="before_update_done")
    await user.send_text("Export to CSV fails with E42")
    assert await bot_process.exit_code() == -signal.SIGKILL  # applied, not marked done
    asked = len([m for m in user.bot_messages if EN["browser"] in (m.text or "")])
    bot_process.start()
    await user.wait_for(
        lambda m: len([x for x in user.bot_messages if EN["browser"] in (x.text or "")]) > asked,
        timeout=20,
    )
    bot_process.proc.send_signal(signal.SIGTERM)
    assert await bot_process.exit_code() == 0
    assert _draft_summary(bot_process.database, user.id) == "Export to CSV fails with E42"
    db = open_db(bot_process.database)
    try:
        logged = db.execute(
            "SELECT count(*) FROM messages WHERE direction = 'in' AND text = ?",
            ["Export to CSV fails with E42"],
        ).fetchone()[0]
        pending = db.execute("SELECT count(*) FROM updates WHERE status = 'pending'").fetchone()
    finally:
        db.close()
    assert logged == 1 and pending[0] == 0
    assert not any("not a browser" in (m.text or "") for m in user.bot_messages)


async def test_sigterm_stops_the_bot_cleanly_with_exit_status_0(emulator, bot_process):
    user = emulator.user()
    await _to_summary(bot_process, user)  # asserts exit 0 after SIGTERM
    output = bot_process.output()
    assert "Traceback" not in output


async def test_the_bot_waits_for_an_unreachable_bot_api_and_serves_once_it_is_back(settings):
    port = free_port()
    services = build_services(settings, db=open_db(settings.database))
    runner = BotRunner(
        services, "123456789:AAEmulatorTokenForLocalTestsOnly000000", f"http://127.0.0.1:{port}"
    )
    await runner.start(polling_timeout=1, wait=False)
    try:
        await asyncio.sleep(2.5)  # refused connections meanwhile: retried, not fatal
        assert runner.task is not None and not runner.task.done()
        async with running_emulator(port=port) as emulator:
            await asyncio.wait_for(runner.wait_ready(), 20)
            user = emulator.user()
            await user.send_command("/start")
            await user.wait_for(
                lambda m: any(EN["start"] in t for t in m.button_texts), timeout=10
            )
            await runner.stop()
    finally:
        if runner.task is not None:
            await runner.stop()
        await services.aclose()


@pytest.mark.redmine
async def test_sigterm_while_a_ticket_is_being_filed_exits_0_and_files_it_once(
    emulator, bot_process, redmine_env
):
    from intake.storage import tickets as store
    from intake.tickets.redmine.client import RedmineClient
    from tests.e2e.steps import complete_intake
    from tests.redmine.proxy import RedmineProxy

    async with RedmineProxy(redmine_env["REDMINE_URL"]) as proxy:
        proxy.hold_request("POST", "/issues.json", seconds=3.0)  # the create is in flight
        redmine = {
            "REDMINE_URL": proxy.url,
            "REDMINE_API_KEY": redmine_env["REDMINE_API_KEY"],
            "REDMINE_PROJECT": redmine_env.get("REDMINE_PROJECT_IDENTIFIER", "support"),
        }
        bot_process.start(**redmine)
        user = emulator.user()
        await user.send_command("/start")
        await user.wait_for(lambda m: any(EN["start"] in t for t in m.button_texts), timeout=20)
        await complete_intake(user, with_account=True)
        for _ in range(100):  # wait until the create is on its way to Redmine
            if ("POST", "/issues.json") in proxy.seen:
                break
            await asyncio.sleep(0.1)
        started = asyncio.get_running_loop().time()
        bot_process.proc.send_signal(signal.SIGTERM)
        assert await bot_process.exit_code(30) == 0
        assert asyncio.get_running_loop().time() - started < 12
        bot_process.start(**redmine)  # the next start finishes whatever was handed back
        await user.wait_for("filed in Redmine as issue #", timeout=60)
        bot_process.proc.send_signal(signal.SIGTERM)
        assert await bot_process.exit_code(30) == 0
    db = open_db(bot_process.database)
    try:
        ticket = store.get_ticket(db, 1)
    finally:
        db.close()
    async with RedmineClient(redmine_env["REDMINE_URL"], redmine_env["REDMINE_API_KEY"]) as c:
        found = await c.search_issues({"project_id": "support", "subject": "~502"}, limit=100)
    mine = [
        i
        for i in found
        if any(cf.get("value") == ticket.reference for cf in i.get("custom_fields", []))
    ]
    assert [str(i["id"]) for i in mine] == [ticket.external_id]
    told = [m for m in user.bot_messages if "filed in Redmine as issue #" in (m.text or "")]
    assert len(told) == 1


async def test_the_on_call_alert_waits_out_a_telegram_outage_and_arrives_once(intake):
    """sendMessage refused for a while (the receipt is an edit, so the customer is served):
    the Emergency alert to the staff chat is retried by the outbox, not lost, not doubled."""
    from tests.e2e.steps import complete_intake

    staff = intake.emulator.group("On-call", id=-100500)
    outbox = intake.services.ticketing.outbox
    outbox.base_delay, outbox.max_delay, outbox.jitter = 0.5, 1.0, 0.0
    user = intake.user()
    await complete_intake(
        user, before_confirm=lambda: intake.emulator.fail_next("sendMessage", 502, times=100_000)
    )
    await asyncio.sleep(3)  # Telegram keeps refusing meanwhile
    assert not [m for m in staff.messages if m.from_bot]
    intake.emulator.faults.clear()
    for _ in range(150):
        if [m for m in staff.messages if m.from_bot]:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    alerts = [m for m in staff.messages if m.from_bot]
    assert len(alerts) == 1 and "EMERGENCY ticket OS-000001" in alerts[0].text


async def test_a_crash_while_sending_ends_with_the_receipt_not_a_dead_sending_message(
    emulator, bot_process
):
    """Issue 13: the ticket was saved, then the process died before the receipt went out."""
    from tests.e2e.steps import reach_step

    user = emulator.user()
    bot_process.start(INTAKE_FAILPOINT="after_ticket_saved")
    await user.send_command("/help")  # the process takes a while to start
    await user.wait_for("/start", timeout=20)
    await reach_step(user, "review")
    await user.tap(lambda b: EN["confirm"] in b.text)
    assert await bot_process.exit_code() == -signal.SIGKILL  # saved, no receipt yet
    bot_process.start()
    await user.wait_for("OS-000001 has been received", timeout=20)
    bot_process.proc.send_signal(signal.SIGTERM)
    assert await bot_process.exit_code() == 0
    db = open_db(bot_process.database)
    try:
        assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1
    finally:
        db.close()
