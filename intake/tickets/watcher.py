"""Redmine → customer: follows the issues the bot filed and tells each customer what staff did.

Redmine has no webhooks, so the watcher polls, at a cost that does not grow with the number of
tickets: one ``/issues.json?updated_on=>=<cursor>`` list per cycle (paged only when more than
100 issues changed), then ``/issues/N.json?include=journals,attachments`` for each listed issue
that is ours and changed since we last read it.

Exactly once per journal, across restarts and crashes: every journal to tell becomes one outbox
item keyed ``journal:<issue>:<journal>`` (enqueueing is idempotent), committed in the same
transaction as the issue's read mark and the advanced cursor. A crash before the commit reads
the cycle again and enqueues the same keys; after it, the outbox delivers. The outbox item's
status and error class (``blocked`` when the user blocked the bot) are the delivery state staff
see.

Clock granularity: Redmine's ``updated_on`` has whole seconds, and a save committed a moment
late can carry an earlier second than one already listed. So the list asks ``>=`` a cursor held
``overlap`` seconds behind the newest ``updated_on`` seen; issues listed again with the
``updated_on`` we already read (and read after that second was over) are not fetched again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from intake.storage import outbox as queue
from intake.storage import tickets as store
from intake.storage import users, watch
from intake.storage.db import iso, utcnow, write_tx
from intake.storage.outbox import OutboxItem
from intake.storage.tickets import TicketRow
from intake.tickets import rating, updates
from intake.tickets.effects import TELEGRAM, Messenger, priority_of, redmine_outcome
from intake.tickets.outbox import ErrorClass, GiveUp
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.config import RedmineSettings
from intake.tickets.redmine.errors import RedmineNotFound
from intake.tickets.redmine.journals import (
    JournalUpdate,
    StaffFile,
    Status,
    current_status,
    staff_updates,
)

log = logging.getLogger(__name__)

UPDATE = "customer.update"
PAGE = 100


def redmine_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_redmine_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Cycle:
    """One poll's figures (the benchmark prints them)."""

    requests: int = 0
    listed: int = 0
    fetched: int = 0
    queued: int = 0
    seconds: float = 0.0


class Watcher:
    def __init__(
        self,
        db: Database,
        client: RedmineClient,
        settings: RedmineSettings,
        *,
        interval: float | None = None,
        overlap: timedelta = timedelta(seconds=60),
        settle: timedelta = timedelta(seconds=2),
        wake: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.client = client
        self.settings = settings
        self.interval = settings.watch_interval if interval is None else interval
        self.overlap = overlap
        self.settle = settle
        self.wake = wake  # the outbox's: deliver now, not at its next poll
        self.clock = clock
        self._bot_user_id: int | None = None
        self._statuses: dict[int, Status] = {}
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.create_task(self.run(), name="redmine-watcher")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        """Poll every ``interval`` seconds until stopped; a failed cycle is simply repeated."""
        while not self._stop.is_set():
            try:
                cycle = await self.poll_once()
                if cycle.queued:
                    log.info("watcher: %d update(s) queued for customers", cycle.queued)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("watcher: poll failed, next in %.0f s: %s", self.interval, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)

    # -- one cycle ----------------------------------------------------------------------------

    async def poll_once(self) -> Cycle:
        started = self.clock()
        before = self.client.request_count
        cycle = Cycle()
        cursor = watch.get_cursor(self.db)
        if cursor is None:
            # First start: what happened before is not replayed to customers.
            cursor = redmine_time(started)
            watch.set_cursor(self.db, cursor)
        pages = await self._list_changed(cursor)
        listed = list({int(i["id"]): i for page in pages for i in page}.values())
        cycle.listed = len(listed)
        ours = watch.tickets_for_issues(self.db, (int(i["id"]) for i in listed))
        marks = watch.read_marks(self.db, ours)
        changed = [
            (ours[int(brief["id"])], int(brief["id"]))
            for brief in listed
            if int(brief["id"]) in ours
            and not self._read_already(marks.get(int(brief["id"])), brief["updated_on"])
        ]
        gate = asyncio.Semaphore(self.settings.parallel)  # as many as the outbox sends at once

        async def read(ticket: TicketRow, issue_id: int) -> tuple[TicketRow, Any, datetime] | None:
            async with gate:
                asked_at = self.clock()  # the answer shows at least what was saved by then
                try:
                    issue = await self.client.get_issue(
                        issue_id, include=("journals", "attachments")
                    )
                except RedmineNotFound:  # deleted, or no longer visible to our key
                    return None
                return ticket, issue, asked_at

        tasks = [asyncio.create_task(read(t, i)) for t, i in changed]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException:  # one read failed: the cycle is lost, the next one redoes it
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        fetched = [r for r in results if r is not None]
        cycle.fetched = len(changed)
        if fetched:
            await self._know_accounts()
        with write_tx(self.db):
            for ticket, issue, asked_at in fetched:
                cycle.queued += self._queue(ticket, issue)
                watch.mark_read(self.db, int(issue["id"]), issue["updated_on"], asked_at)
            advanced = self._next_cursor(pages)
            if advanced is not None and advanced > cursor:
                watch.set_cursor(self.db, advanced)
        if cycle.queued and self.wake is not None:
            self.wake()
        cycle.requests = self.client.request_count - before
        cycle.seconds = (self.clock() - started).total_seconds()
        return cycle

    def _next_cursor(self, pages: list[list[dict[str, Any]]]) -> str | None:
        """``overlap`` behind the newest change; with several pages, no later than the end of
        the first: an issue saved while we paged moves to the end of the list and shifts the
        rest one place up, so the issue that was next after a page boundary may have been
        missed. The next cycle lists it again (the read marks keep that cheap)."""
        stamps = [parse_redmine_time(i["updated_on"]) for page in pages for i in page]
        if not stamps:
            return None
        held_back = max(stamps) - self.overlap
        if len(pages) > 1 and pages[0]:
            held_back = min(held_back, parse_redmine_time(pages[0][-1]["updated_on"]))
        return redmine_time(held_back)

    async def _list_changed(self, cursor: str) -> list[list[dict[str, Any]]]:
        found: list[list[dict[str, Any]]] = []
        offset = 0
        while True:
            body = await self.client.request(
                "GET",
                "/issues.json",
                params={
                    "project_id": self.settings.project,
                    "status_id": "*",
                    "updated_on": f">={cursor}",
                    "sort": "updated_on,id",
                    "limit": PAGE,
                    "offset": offset,
                },
            )
            page = list(body.get("issues") or [])
            if page:
                found.append(page)
            offset += len(page)
            if not page or offset >= int(body.get("total_count") or 0):
                return found

    def _read_already(self, mark: tuple[str, str] | None, updated_on: str) -> bool:
        """Read with this ``updated_on``, asked after its second was over (so no later save
        in the same second can hide behind the same stamp)."""
        if mark is None or mark[0] != updated_on:
            return False
        return datetime.fromisoformat(mark[1]) >= parse_redmine_time(updated_on) + self.settle

    async def _know_accounts(self) -> None:
        if self._bot_user_id is None:
            self._bot_user_id = int((await self.client.current_user())["id"])
        if not self._statuses:
            self._statuses = {
                int(s["id"]): Status(int(s["id"]), str(s["name"]), bool(s.get("is_closed")))
                for s in await self.client.issue_statuses()
            }

    def _queue(self, ticket: TicketRow, issue: dict[str, Any]) -> int:
        """Inside the cycle's transaction: one outbox item per journal to tell."""
        assert self._bot_user_id is not None
        found = staff_updates(issue, bot_user_id=self._bot_user_id, statuses=self._statuses)
        priority = priority_of(ticket.impact)
        queued = 0
        for update in found:
            key = f"journal:{update.issue_id}:{update.journal_id}"
            if queue.get_by_key(self.db, key) is None:
                queued += 1
            queue.enqueue(
                self.db,
                UPDATE,
                {"ticket_id": ticket.id, **update.to_dict()},
                key=key,
                lane=TELEGRAM,
                priority=priority,
                chain=f"customer:{ticket.id}",
                ticket_id=ticket.id,
            )
            if update.notes or update.status is not None:
                watch.record_first_response(
                    self.db, ticket.id, iso(parse_redmine_time(update.created_on))
                )
        status = current_status(issue)
        if status is not None:
            store.record_redmine_status(self.db, ticket.id, status.name, closed=status.is_closed)
        current = store.get_ticket(self.db, ticket.id)  # first response, state just recorded
        if current is not None and rating.wanted(current):
            rating.queue_question(self.db, current, priority)
        return queued


class WatchEffects:
    """Outbox handlers: tell the customer (``customer.update``, ``rating.ask``) and note the
    rating on the issue (``rating.note``)."""

    def __init__(
        self,
        db: Database,
        messenger: Messenger,
        client: RedmineClient,
        settings: RedmineSettings,
        issue_url: Callable[[int], str],
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.client = client
        self.settings = settings
        self.issue_url = issue_url

    def handlers(self) -> dict[str, Any]:
        return {UPDATE: self.tell, rating.ASK: self.ask_rating, rating.NOTE: self.note_rating}

    def _ticket(self, item: OutboxItem) -> tuple[TicketRow, str]:
        ticket = store.get_ticket(self.db, int(item.data["ticket_id"]))
        if ticket is None:
            raise GiveUp("the ticket no longer exists", error_class=ErrorClass.GONE)
        user = users.get_user(self.db, ticket.user_id)
        return ticket, (user.language if user else ticket.language)

    async def _once(self, item: OutboxItem, part: int, send: Callable[[], Any]) -> None:
        """Send one part unless a previous attempt of this item already did."""
        if watch.part_sent(self.db, item.key, part):
            return
        await send()
        watch.mark_part_sent(self.db, item.key, part)

    async def tell(self, item: OutboxItem) -> None:
        ticket, locale = self._ticket(item)
        update = JournalUpdate.from_dict(item.data)
        url = self.issue_url(update.issue_id)
        where = {"receipt": ticket.receipt, "url": url}
        # Logged in the ticket's conversation: a reply to it routes to this ticket.
        chat, conv = ticket.chat_id, ticket.conversation_id
        part = 0

        def send_text(text: str) -> Callable[[], Awaitable[None]]:
            return lambda: self.messenger.send(chat, text, conversation_id=conv)

        def send_file(file: StaffFile) -> Callable[[], Awaitable[None]]:
            return lambda: self._send_file(ticket, locale, update, file, where)

        if update.notes:
            for text in updates.note_messages(
                locale,
                update,
                receipt=ticket.receipt,
                url=url,
                formatting=self.settings.text_formatting,
            ):
                await self._once(item, part, send_text(text))
                part += 1
        if update.status is not None:
            text = updates.status_message(locale, update, **where)
            await self._once(item, 1000, send_text(text))
        for n, file in enumerate(update.files):
            await self._once(item, 2000 + n, send_file(file))

    async def _send_file(
        self,
        ticket: TicketRow,
        locale: str,
        update: JournalUpdate,
        file: StaffFile,
        where: dict[str, str],
    ) -> None:
        chat, conv = ticket.chat_id, ticket.conversation_id
        if file.filesize > updates.SEND_LIMIT:
            await self.messenger.send(
                chat,
                updates.file_link_message(locale, update, file, **where),
                conversation_id=conv,
            )
            return
        try:
            data = await self.client.download(file.content_url)
        except RedmineNotFound:
            return  # deleted since it was attached: nothing to send
        except Exception as exc:
            raise redmine_outcome(exc) from None
        caption = updates.file_caption(locale, update, file, **where)
        await self.messenger.send_document(
            chat, data, file.filename, caption, conversation_id=conv
        )

    async def ask_rating(self, item: OutboxItem) -> None:
        ticket, locale = self._ticket(item)
        if watch.get_rating(self.db, ticket.id) is not None:
            return  # rated already (e.g. from an earlier question)
        if not rating.wanted(ticket):  # reopened since it was queued: asked if settled again
            raise GiveUp("not asked: the ticket is open again", error_class=ErrorClass.UNWANTED)
        issue_id = int(ticket.external_id or 0)
        html = rating.question(
            locale, updates.ticket_link(ticket.receipt, issue_id, self.issue_url(issue_id))
        )
        await self.messenger.send_with_buttons(
            ticket.chat_id,
            html,
            rating.question_buttons(ticket.id),
            conversation_id=ticket.conversation_id,
        )

    async def note_rating(self, item: OutboxItem) -> None:
        ticket = store.get_ticket(self.db, int(item.data["ticket_id"]))
        if ticket is None or not ticket.external_id:
            raise GiveUp("the ticket has no Redmine issue", error_class=ErrorClass.GONE)
        try:
            await self.client.add_note(int(ticket.external_id), item.data["text"], private=True)
        except Exception as exc:
            raise redmine_outcome(exc) from None
