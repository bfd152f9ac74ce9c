"""The outbox worker: performs every queued external effect, each exactly once.

Effects (file a ticket, add a note, tell a customer, alert staff) wait in SQLite
(``intake.storage.outbox``). Each *lane* (``redmine``, ``telegram``) claims due items with a
lease and runs up to its own number at once, so a hung Redmine never holds back a Telegram
notice, and within a lane the most urgent item (an Emergency) goes first. A handler's
exception says what to do next:

- ``Retry`` (and any unexpected exception): try again after an exponential, jittered back-off,
  or after what the remote asked (429 ``Retry-After``), or after ``settle`` seconds when the
  outcome is unknown (a timeout: the remote may still be processing our request);
- ``Misconfigured``: retry slowly and report the reason once (``on_config_error``);
- ``GiveUp``: retrying cannot help; the item is ``failed`` with a reason staff can read.

Leases carry this process's ``holder`` id and are renewed while an effect runs; a second
process on the same file never takes an item a live process holds, and a crashed process's
items become due when their lease runs out. ``drain`` stops taking work, lets what runs
finish for a few seconds and hands the rest back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from sqlite_utils import Database

from intake import failpoints
from intake.storage import outbox as store
from intake.storage.db import utcnow
from intake.storage.outbox import OutboxItem

log = logging.getLogger(__name__)

Handler = Callable[[OutboxItem], Awaitable[None]]
ConfigAlert = Callable[[OutboxItem, str], Awaitable[None]]


class ErrorClass(StrEnum):
    """Why an item was retried or given up, stored with it (``outbox.error_class``) and read
    by the effects, the staff page and the watcher's delivery marks."""

    TRANSIENT = "transient"  # the back-off's default
    CONFIG = "config"  # Misconfigured: retried slowly, staff told once
    UNKNOWN_OUTCOME = "unknown"  # a request timed out: it may have happened
    REFUSED = "refused"  # GiveUp's default
    BLOCKED = "blocked"  # the user blocked the bot (Telegram 403)
    BAD_REQUEST = "bad_request"  # Telegram refused the message itself
    GONE = "gone"  # the ticket or its issue no longer exists
    UNWANTED = "unwanted"  # no longer wanted when due (a rating question, the ticket reopened)
    UNKNOWN_KIND = "unknown_kind"  # no handler for the item's kind


TRANSIENT = ErrorClass.TRANSIENT
CONFIG = ErrorClass.CONFIG
UNKNOWN_OUTCOME = ErrorClass.UNKNOWN_OUTCOME


class Retry(Exception):
    """Try again later: ``after`` seconds if given, else the back-off."""

    def __init__(
        self, reason: str, *, after: float | None = None, error_class: ErrorClass = TRANSIENT
    ) -> None:
        super().__init__(reason)
        self.after = after
        self.error_class = error_class


class Misconfigured(Exception):
    """An operator must fix something (a key, a project, a field): retried slowly."""


class GiveUp(Exception):
    def __init__(self, reason: str, *, error_class: ErrorClass = ErrorClass.REFUSED) -> None:
        super().__init__(reason)
        self.error_class = error_class


DEFAULT_LANES: Mapping[str, int] = {"redmine": 2, "telegram": 4}


class Outbox:
    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, Handler] | None = None,
        *,
        lanes: Mapping[str, int] = DEFAULT_LANES,
        base_delay: float = 5.0,
        max_delay: float = 600.0,
        jitter: float = 0.1,
        config_delay: float = 300.0,
        settle: float = 90.0,
        lease: timedelta = timedelta(minutes=2),
        poll_interval: float = 30.0,
        on_config_error: ConfigAlert | None = None,
        holder: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self.lanes = dict(lanes)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.jitter = jitter
        self.config_delay = config_delay
        self.settle = settle
        self.lease = lease
        self.poll_interval = poll_interval
        self.on_config_error = on_config_error
        self.holder = holder or f"{uuid.uuid4().hex[:12]}"
        self.clock = clock
        self._wakes = {lane: asyncio.Event() for lane in self.lanes}
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._stopping = False

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def wake(self) -> None:
        """Look at the queue now (after an enqueue); safe from any coroutine."""
        for event in self._wakes.values():
            event.set()

    def stop(self) -> None:
        self._stopping = True
        self.wake()

    def backoff(self, attempts: int) -> float:
        """Seconds before attempt ``attempts + 1``: base * 2^(attempts-1), capped, jittered."""
        delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
        return delay * (1 + random.uniform(-self.jitter, self.jitter))

    # -- running ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Work until ``stop()`` (or ``drain()``); one loop per lane plus the lease keeper."""
        self._stopping = False
        loops = [
            asyncio.create_task(self._lane(lane, n), name=f"outbox-{lane}")
            for lane, n in self.lanes.items()
        ]
        keeper = asyncio.create_task(self._keep_leases(), name="outbox-leases")
        try:
            await asyncio.gather(*loops)
        finally:
            keeper.cancel()
            for task in loops:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def drain(self, grace: float = 10.0) -> None:
        """Stop claiming; give running effects ``grace`` seconds; hand the rest back."""
        self.stop()
        running = list(self._in_flight.values())
        if running:
            _, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        handed = store.hand_back(self.db, holder=self.holder, now=self.clock())
        if handed:
            log.info("outbox: %d unfinished effect(s) handed back for the next start", handed)

    async def _lane(self, lane: str, parallel: int) -> None:
        wake = self._wakes[lane]
        mine: set[asyncio.Task[None]] = set()
        while not self._stopping:
            try:
                for item in self._claim(lane, parallel - len(mine)):
                    mine.add(self._start(item))
            except Exception:  # a locked or broken database must not end the worker
                log.exception("outbox: claiming in lane %s failed", lane)
            wake.clear()
            waiter = asyncio.create_task(wake.wait())
            done, _ = await asyncio.wait(
                {waiter, *mine},
                timeout=self._sleep_for(lane),
                return_when=asyncio.FIRST_COMPLETED,
            )
            waiter.cancel()
            mine -= done

    def _claim(self, lane: str, free: int) -> list[OutboxItem]:
        now = self.clock()
        return store.claim(
            self.db,
            lane=lane,
            holder=self.holder,
            now=now,
            lease_until=now + self.lease,
            limit=free,
            exclude=frozenset(self._in_flight),
        )

    def _start(self, item: OutboxItem) -> asyncio.Task[None]:
        task = asyncio.create_task(self._perform(item), name=f"outbox-{item.key}")
        self._in_flight[item.id] = task
        task.add_done_callback(lambda _task: self._in_flight.pop(item.id, None))
        return task

    def _sleep_for(self, lane: str) -> float:
        due = store.next_due_at(self.db, lane)
        if due is None:
            return self.poll_interval
        return max(0.05, min(self.poll_interval, (due - self.clock()).total_seconds()))

    async def _keep_leases(self) -> None:
        period = max(0.5, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(period)
            if self._in_flight:
                try:
                    store.renew(
                        self.db,
                        list(self._in_flight),
                        holder=self.holder,
                        lease_until=self.clock() + self.lease,
                    )
                except Exception:
                    log.exception("outbox: renewing leases failed")

    async def run_once(self) -> int:
        """Perform every item due now, lanes in parallel; returns how many were attempted.

        Each item is attempted at most once per pass, so one that failed (and is due again
        after a short back-off) waits for the next pass instead of spinning here; what an
        effect queues (the notice after a filing) is done in the same pass.
        """
        attempted: set[int] = set()
        while True:
            batch: list[asyncio.Task[None]] = []
            for lane, parallel in self.lanes.items():
                now = self.clock()
                items = store.claim(
                    self.db,
                    lane=lane,
                    holder=self.holder,
                    now=now,
                    lease_until=now + self.lease,
                    limit=parallel,
                    exclude=frozenset(self._in_flight) | attempted,
                )
                attempted.update(item.id for item in items)
                batch.extend(self._start(item) for item in items)
            if not batch:
                return len(attempted)
            await asyncio.gather(*batch)

    # -- one effect ---------------------------------------------------------------------------

    async def _perform(self, item: OutboxItem) -> None:
        handler = self.handlers.get(item.kind)
        if handler is None:
            store.fail(
                self.db,
                item.id,
                error=f"no handler for {item.kind}",
                error_class=ErrorClass.UNKNOWN_KIND,
            )
            log.error("outbox: no handler for %s (%s)", item.kind, item.key)
            return
        try:
            await handler(item)
            failpoints.hit(f"after_effect:{item.kind}")
        except asyncio.CancelledError:
            raise  # the lease stays; drain() hands it back, or it runs out
        except Retry as exc:
            after = exc.after
            if after is None:
                after = (
                    self.settle
                    if exc.error_class == UNKNOWN_OUTCOME
                    else self.backoff(item.attempts + 1)
                )
            self._retry(item, str(exc), exc.error_class, after)
        except Misconfigured as exc:
            reason = str(exc)
            first = item.error_class != CONFIG or item.last_error != reason
            self._retry(
                item, reason, CONFIG, max(self.config_delay, self.backoff(item.attempts + 1))
            )
            if first:
                log.error(
                    "outbox: %s needs an operator: %s (retrying every %.0f s)",
                    item.key,
                    reason,
                    self.config_delay,
                )
                if self.on_config_error is not None:
                    try:
                        await self.on_config_error(item, reason)
                    except Exception:
                        log.exception("outbox: reporting a configuration error failed")
        except GiveUp as exc:
            store.fail(
                self.db, item.id, error=str(exc), error_class=exc.error_class, now=self.clock()
            )
            log.warning("outbox: %s given up: %s", item.key, exc)
        except Exception as exc:  # an unexpected failure is retried, never lost
            log.exception("outbox: %s failed unexpectedly", item.key)
            self._retry(
                item, f"{type(exc).__name__}: {exc}", TRANSIENT, self.backoff(item.attempts + 1)
            )
        else:
            store.complete(self.db, item.id, now=self.clock())
        finally:
            self.wake()  # the effect may have queued others (a notice after filing)

    def _retry(self, item: OutboxItem, error: str, error_class: str, after: float) -> None:
        now = self.clock()
        store.retry(
            self.db,
            item.id,
            next_attempt_at=now + timedelta(seconds=after),
            error=error,
            error_class=error_class,
            now=now,
        )
        log.warning(
            "outbox: %s attempt %d failed (%s): %s; next in %.1f s",
            item.key,
            item.attempts + 1,
            error_class,
            error,
            after,
        )
