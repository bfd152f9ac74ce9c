"""The durable outbox: a worker that files queued tickets until each is filed exactly once.

Tickets wait in SQLite (status ``queued``). The worker claims due ones with a lease (status
``filing``), files them, and records the outcome: ``filed``; or one more attempt with an
exponential, capped back-off; or ``failed`` when Redmine refuses the content itself (422).
A worker that dies mid-filing leaves a lease that runs out, and the filer's reference lookup
makes the retry find the issue instead of creating a second one.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlite_utils import Database

from intake.storage import tickets as store
from intake.storage.tickets import TicketRow, utcnow
from intake.tickets.redmine.errors import RedmineError, RedmineValidationError
from intake.tickets.redmine.sink import FilingResult, RedmineFiler

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Tells the customer; implemented at the Telegram edge with intake.tickets.notices."""

    async def ticket_filed(self, ticket: TicketRow, result: FilingResult) -> None: ...

    async def ticket_delayed(self, ticket: TicketRow) -> None: ...

    async def ticket_failed(self, ticket: TicketRow, reason: str) -> None: ...


class Outbox:
    def __init__(
        self,
        db: Database,
        filer: RedmineFiler,
        notifier: Notifier,
        *,
        base_delay: float = 5.0,
        max_delay: float = 600.0,
        jitter: float = 0.1,
        delayed_after: timedelta = timedelta(minutes=15),
        emergency_delayed_after: timedelta = timedelta(minutes=2),
        lease: timedelta = timedelta(minutes=5),
        poll_interval: float = 30.0,
        batch: int = 10,
        max_attempts: int | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.filer = filer
        self.notifier = notifier
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.jitter = jitter
        self.delayed_after = delayed_after
        self.emergency_delayed_after = emergency_delayed_after
        self.lease = lease
        self.poll_interval = poll_interval
        self.batch = batch
        self.max_attempts = max_attempts
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Look at the queue now (called by RedmineSink.submit); safe from any coroutine."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def backoff(self, attempts: int) -> float:
        """Seconds before attempt ``attempts + 1``: base * 2^(attempts-1), capped, jittered."""
        delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
        return delay * (1 + random.uniform(-self.jitter, self.jitter))

    async def run(self) -> None:
        """Work until ``stop()``. Leases left by a previous process are released first."""
        self._stopping = False
        released = store.release_claims(self.db, now=self.clock())
        if released:
            log.warning("outbox: %d ticket(s) were mid-filing at the last stop; retrying",
                        released)
        while not self._stopping:
            try:
                await self.run_once()
            except Exception:  # never let one bad pass end the worker
                log.exception("outbox pass failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._sleep_for())
            except TimeoutError:
                pass

    def _sleep_for(self) -> float:
        due = store.next_due_at(self.db)
        if due is None:
            return self.poll_interval
        wait = (due - self.clock()).total_seconds()
        return max(0.05, min(self.poll_interval, wait))

    async def run_once(self) -> int:
        """File every ticket due now; returns how many were attempted."""
        done = 0
        # Claim against the pass's start time, so a ticket that failed in this pass (and is due
        # again after a short back-off) waits for the next pass instead of spinning here.
        start = self.clock()
        while True:
            claimed = store.claim_due_tickets(
                self.db, now=start, lease_until=self.clock() + self.lease, limit=self.batch
            )
            if not claimed:
                return done
            for ticket in claimed:
                await self._attempt(ticket)
                done += 1

    async def _attempt(self, ticket: TicketRow) -> None:
        try:
            result = await self.filer.file(ticket.id)
        except RedmineValidationError as exc:
            # Redmine refused the content: retrying the same content cannot help.
            row = store.mark_failed(self.db, ticket.id, reason=str(exc))
            log.error("ticket %s failed: %s", ticket.receipt, exc)
            await self._notify("ticket_failed", row, "; ".join(exc.errors))
            return
        except Exception as exc:  # network, 5xx, config: keep it queued and try again later
            await self._retry_later(ticket, exc)
            return
        row = store.get_ticket(self.db, ticket.id)
        log.info("ticket %s filed as issue %s (%s)", ticket.receipt, result.issue_id,
                 "created" if result.created else "found")
        await self._notify("ticket_filed", row, result)

    async def _retry_later(self, ticket: TicketRow, exc: Exception) -> None:
        attempts = ticket.attempts + 1
        error = str(exc) if isinstance(exc, RedmineError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, RedmineError) or not exc.retryable:
            log.error("ticket %s: %s (will retry; check `python main.py doctor`)",
                      ticket.receipt, error)
        else:
            log.warning("ticket %s: attempt %d failed: %s", ticket.receipt, attempts, error)
        if self.max_attempts is not None and attempts >= self.max_attempts:
            row = store.mark_failed(self.db, ticket.id, reason=error)
            await self._notify("ticket_failed", row, error)
            return
        now = self.clock()
        row = store.mark_attempt_failed(
            self.db, ticket.id, error=error,
            next_attempt_at=now + timedelta(seconds=self.backoff(attempts)), now=now,
        )
        waited = now - datetime.fromisoformat(row.created_at)
        if not row.notified_queued and waited >= self._delayed_after(row):
            store.mark_notified_queued(self.db, row.id)
            await self._notify("ticket_delayed", row)

    def _delayed_after(self, row: TicketRow) -> timedelta:
        return self.emergency_delayed_after if row.impact == "emergency" else self.delayed_after

    async def _notify(self, event: str, *args: object) -> None:
        try:
            await getattr(self.notifier, event)(*args)
        except Exception:  # a failed Telegram message must not undo a filed ticket
            log.exception("outbox: notifier %s failed", event)
