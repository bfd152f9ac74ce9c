"""One call that wires ticketing for the bot: the local sink, or Redmine with its outbox.

    ticketing = create_ticketing(db, notifier)          # reads REDMINE_* from the environment
    dp.startup.register(ticketing.start)                # doctor lines logged, worker started
    dp.shutdown.register(ticketing.close)
    receipt = ticketing.sink.submit(draft, conversation_id=..., opened_at=...)

Without REDMINE_URL (or key) the local sink is used and nothing else runs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlite_utils import Database

from intake.tickets.local import DueAt, LocalSink, default_due_at
from intake.tickets.sink import TicketSink

if TYPE_CHECKING:
    from intake.tickets.outbox import Notifier, Outbox
    from intake.tickets.redmine.client import RedmineClient
    from intake.tickets.redmine.config import RedmineSettings
    from intake.tickets.redmine.sink import RedmineFiler

log = logging.getLogger(__name__)


@dataclass
class Ticketing:
    sink: TicketSink
    settings: RedmineSettings | None = None
    client: RedmineClient | None = None
    filer: RedmineFiler | None = None
    outbox: Outbox | None = None
    _task: asyncio.Task | None = field(default=None, repr=False)

    @property
    def redmine(self) -> bool:
        return self.outbox is not None

    async def start(self) -> None:
        """Log the doctor's findings (never fatal: tickets queue until fixed), start the worker."""
        if self.outbox is None or self.settings is None:
            log.info("tickets are kept locally (REDMINE_URL is not set)")
            return
        from intake.tickets.redmine.doctor import diagnose

        try:
            for finding in await diagnose(self.settings, self.client):
                log.warning("redmine doctor: %s", finding)
        except Exception:  # the checks must never keep the outbox from running
            log.exception("redmine doctor: the checks themselves failed")
        self._task = asyncio.create_task(self.outbox.run(), name="ticket-outbox")

    async def close(self) -> None:
        if self.outbox is not None:
            self.outbox.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except TimeoutError:
                self._task.cancel()
            self._task = None
        if self.client is not None:
            await self.client.close()


def create_ticketing(
    db: Database,
    notifier: Notifier,
    settings: RedmineSettings | None = None,
    *,
    due_at: DueAt = default_due_at,
    **outbox_options,
) -> Ticketing:
    from intake.tickets.redmine.config import RedmineSettings

    settings = settings or RedmineSettings()
    if not settings.configured:
        return Ticketing(sink=LocalSink(db, due_at=due_at), settings=settings)
    from intake.tickets.outbox import Outbox
    from intake.tickets.redmine.client import RedmineClient
    from intake.tickets.redmine.sink import RedmineFiler, RedmineSink

    assert settings.url and settings.api_key
    client = RedmineClient(settings.url, settings.api_key, timeout=settings.timeout_seconds)
    filer = RedmineFiler(db, client, settings)
    outbox = Outbox(db, filer, notifier, **outbox_options)
    sink = RedmineSink(db, due_at=due_at, wake=outbox.wake)
    return Ticketing(sink=sink, settings=settings, client=client, filer=filer, outbox=outbox)
