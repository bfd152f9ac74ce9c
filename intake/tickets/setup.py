"""One call that wires ticketing for the bot: the sink, the outbox and what it does.

    ticketing = create_ticketing(db, messenger, staff_chat_id=...)  # reads REDMINE_* itself
    await ticketing.start()          # doctor lines logged (with Redmine), outbox worker started
    receipt = ticketing.sink.submit(draft, conversation_id=..., opened_at=...)
    await ticketing.close()          # in-flight effects finish or are handed back

Without REDMINE_URL (or key) tickets are kept locally; the outbox still runs, for staff
alerts and notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from intake.storage.db import utcnow
from intake.tickets.accounts import Accounts, NoAccounts
from intake.tickets.effects import REDMINE, TELEGRAM, Delays, Effects, Messenger
from intake.tickets.local import DueAt, LocalSink, default_due_at
from intake.tickets.outbox import Outbox
from intake.tickets.paging import OnCall
from intake.tickets.sink import TicketSink

if TYPE_CHECKING:
    from intake.tickets.redmine.client import RedmineClient
    from intake.tickets.redmine.config import RedmineSettings
    from intake.tickets.redmine.sink import RedmineFiler
    from intake.tickets.watcher import Watcher

log = logging.getLogger(__name__)


@dataclass
class Ticketing:
    sink: TicketSink
    outbox: Outbox
    effects: Effects
    settings: RedmineSettings | None = None
    client: RedmineClient | None = None
    filer: RedmineFiler | None = None
    watcher: Watcher | None = None
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _doctor: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def accounts(self) -> Accounts:
        """Who may be filed as: Redmine answers when it is configured."""
        if self.client is None or self.settings is None:
            return NoAccounts()
        from intake.tickets.redmine.sink import RedmineAccounts

        return RedmineAccounts(self.client, self.settings.user_cf_telegram)

    @property
    def redmine(self) -> bool:
        return self.filer is not None

    async def start(self) -> None:
        """Start the worker, and log the doctor's findings beside it (never fatal, never in
        the way: tickets queue until the configuration is fixed)."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.create_task(self.outbox.run(), name="outbox")
        if self.filer is None or self.settings is None:
            log.info("tickets are kept locally (REDMINE_URL is not set)")
        else:
            self._doctor = asyncio.create_task(self._diagnose(), name="redmine-doctor")
            if self.watcher is not None and self.watcher.interval > 0:
                self.watcher.start()

    async def _diagnose(self) -> None:
        from intake.tickets.redmine.doctor import diagnose

        assert self.settings is not None
        try:
            for finding in await diagnose(self.settings, self.client):
                log.warning("redmine doctor: %s", finding)
        except Exception:  # the checks must never keep the outbox from running
            log.exception("redmine doctor: the checks themselves failed")

    async def close(self, grace: float = 10.0) -> None:
        """Finish what runs (up to ``grace`` seconds), hand the rest back, close Redmine."""
        if self.watcher is not None:
            await self.watcher.stop()  # a cycle cut short commits nothing; the next redoes it
        if self._doctor is not None and not self._doctor.done():
            self._doctor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._doctor
        await self.outbox.drain(grace)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.client is not None:
            await self.client.close()


def create_ticketing(
    db: Database,
    messenger: Messenger,
    settings: RedmineSettings | None = None,
    *,
    due_at: DueAt = default_due_at,
    staff_chat_id: int | None = None,
    oncall: OnCall | None = None,
    holidays: frozenset[date] = frozenset(),
    clock: Callable[[], datetime] = utcnow,
    **outbox_options: Any,
) -> Ticketing:
    """``settings``: Redmine's (none, or not configured: tickets stay local); ``oncall``: who is
    paged for an Emergency; ``holidays``: for the SLA warnings;
    ``clock``: the outbox's and the effects' time (tests move it instead of waiting)."""
    from intake.tickets.redmine.config import RedmineSettings

    settings = settings or RedmineSettings()
    outbox_options["clock"] = clock
    if not settings.configured:
        effects = Effects(
            db,
            messenger,
            staff_chat_id=staff_chat_id,
            oncall=oncall,
            holidays=holidays,
            clock=clock,
        )
        outbox = Outbox(
            db, effects.handlers(), on_config_error=effects.on_config_error, **outbox_options
        )
        effects.paging.wake = outbox.wake
        local = LocalSink(db, due_at=due_at, wake=outbox.wake, holidays=holidays)
        return Ticketing(sink=local, outbox=outbox, effects=effects, settings=settings)
    from intake.tickets.redmine.client import RedmineClient
    from intake.tickets.redmine.sink import RedmineFiler, RedmineSink
    from intake.tickets.watcher import WatchEffects, Watcher

    assert settings.url and settings.api_key
    client = RedmineClient(settings.url, settings.api_key, timeout=settings.timeout_seconds)
    filer = RedmineFiler(db, client, settings)
    settle = timedelta(seconds=settings.settle_seconds)
    effects = Effects(
        db,
        messenger,
        filer=filer,
        staff_chat_id=staff_chat_id,
        settle=settle,
        oncall=oncall,
        holidays=holidays,
        clock=clock,
    )
    outbox_options.setdefault("lanes", {REDMINE: settings.parallel, TELEGRAM: 4})
    outbox_options.setdefault("settle", settings.settle_seconds)
    watch_effects = WatchEffects(db, messenger, client, settings, filer.issue_url)
    outbox = Outbox(
        db,
        {**effects.handlers(), **watch_effects.handlers()},
        on_config_error=effects.on_config_error,
        **outbox_options,
    )
    effects.paging.wake = outbox.wake
    watcher = Watcher(db, client, settings, wake=outbox.wake)
    delays = Delays(
        delayed_notice=timedelta(seconds=settings.delayed_notice_seconds),
        emergency_notice=timedelta(seconds=settings.emergency_notice_seconds),
    )
    sink = RedmineSink(db, due_at=due_at, wake=outbox.wake, delays=delays, holidays=holidays)
    return Ticketing(
        sink=sink,
        outbox=outbox,
        effects=effects,
        settings=settings,
        client=client,
        filer=filer,
        watcher=watcher,
    )
