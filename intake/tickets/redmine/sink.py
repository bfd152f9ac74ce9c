"""The Redmine sink: ``submit`` queues (commits, returns the receipt at once); ``RedmineFiler``
files a queued ticket exactly once and adds follow-ups to a filed one.

Exactly once: the ticket's reference goes into the "Intake reference" custom field, and every
attempt first looks for an issue that already carries it, so a crash between Redmine's 201 and
our commit finds the issue instead of creating a second. Upload tokens are used once, so every
attempt uploads afresh.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from intake.attachments.reasons import Outcome, sent_with_ticket
from intake.draft import TicketDraft
from intake.i18n import language_name
from intake.impact.levels import level_name
from intake.statuses import TicketStatus
from intake.storage import attachments as attachment_store
from intake.storage import messages
from intake.storage import tickets as store
from intake.storage import users as user_store
from intake.storage.db import write_tx
from intake.tickets.accounts import ADMIN_LOGIN, LINKED, UNCHECKED, UNKNOWN, UNPROVEN
from intake.tickets.effects import (
    Delays,
    queue_filing,
    queue_followup,
    queue_status,
)
from intake.tickets.local import DueAt, commit_ticket, default_due_at, receipt_for
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.config import RedmineSettings
from intake.tickets.redmine.errors import (
    RedmineError,
    RedmineForbidden,
    RedmineTooLarge,
    RedmineUnknownUser,
    RedmineValidationError,
)
from intake.tickets.redmine.render import (
    FALLBACK_NOT_ADMIN,
    FALLBACK_UNKNOWN_LOGIN,
    AttachmentLine,
    IssueContent,
    Markup,
    TranscriptLine,
    fallback_words,
    format_size,
    render_description,
    render_subject,
)
from intake.tickets.sink import Followup, Receipt

log = logging.getLogger(__name__)


class RedmineConfigError(RedmineError):
    """A name in the settings does not resolve; retried, because an operator can fix it."""

    retryable = True


class AttachmentTooLarge(ValueError):  # a ValueError: retrying cannot make it fit
    def __init__(self, file_name: str, size: int, limit: int) -> None:
        super().__init__(f"{file_name}: {size} bytes is over the {limit}-byte limit")
        self.file_name, self.size, self.limit = file_name, size, limit


@dataclass(frozen=True)
class ReferenceData:
    project_id: int
    tracker_id: int
    priority_ids: dict[str, int]  # impact level -> priority id
    field_ids: dict[str, int]  # our key (see RedmineSettings.custom_field_names) -> id
    is_admin: bool


@dataclass(frozen=True)
class FilingResult:
    ticket_id: int
    issue_id: int
    url: str
    created: bool  # False: an issue with our reference already existed (found, not created)
    as_customer: bool
    fallback: str | None = None  # FALLBACK_* when a given login could not be used
    not_uploaded: tuple[str, ...] = ()  # file names listed but not attached
    duplicates_closed: tuple[int, ...] = ()  # issues with our reference closed as duplicates


class RedmineSink:
    """The dialogue's sink when Redmine is configured. Never waits for Redmine."""

    name = "redmine"

    def __init__(
        self,
        db: Database,
        *,
        due_at: DueAt = default_due_at,
        wake: Callable[[], None] | None = None,
        delays: Delays | None = None,
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        self.db = db
        self.holidays = holidays  # for the SLA warnings' times, as for the due time
        self._due_at = due_at
        self._wake = wake  # e.g. Outbox.wake: file now rather than at the next poll
        self.delays = delays or Delays()

    def submit(self, draft: TicketDraft, *, conversation_id: int, opened_at: datetime) -> Receipt:
        """The ticket and its filing commit together: a crash after this loses neither."""
        row = commit_ticket(
            self.db,
            draft,
            conversation_id=conversation_id,
            opened_at=opened_at,
            due_at=self._due_at(draft.impact, opened_at),
            sink=self.name,
            status=TicketStatus.QUEUED,
            then=lambda ticket: queue_filing(self.db, ticket, self.delays),
            holidays=self.holidays,
        )
        if self._wake is not None:
            self._wake()
        return receipt_for(row)

    def add_followup(
        self,
        ticket_id: int,
        *,
        key: str,
        text: str | None = None,
        attachment_id: int | None = None,
    ) -> Followup:
        """Queue it for the issue (after the filing, in order); never waits for Redmine."""
        ticket = store.get_ticket(self.db, ticket_id)
        if ticket is None:
            raise LookupError(f"ticket {ticket_id} does not exist")
        queue_followup(self.db, ticket, key=key, text=text, attachment_id=attachment_id)
        if self._wake is not None:
            self._wake()
        issue = int(ticket.external_id) if ticket.external_id else None
        return Followup(ticket.id, ticket.receipt, queued=True, issue_id=issue)

    def set_closed(self, ticket_id: int, closed: bool, *, key: str) -> store.TicketRow:
        """Closed (or reopened) here at once; the issue follows through the outbox."""
        with write_tx(self.db):
            row = store.set_closed(self.db, ticket_id, closed)
            queue_status(self.db, row, closed=closed, key=key)
        if self._wake is not None:
            self._wake()
        return row


class RedmineFiler:
    """Files queued tickets and follow-ups; reference data is resolved once and cached."""

    def __init__(self, db: Database, client: RedmineClient, settings: RedmineSettings) -> None:
        self.db = db
        self.client = client
        self.settings = settings
        self._ref: ReferenceData | None = None

    # -- reference data -----------------------------------------------------------------------

    async def resolve(self, *, refresh: bool = False) -> ReferenceData:
        if self._ref is not None and not refresh:
            return self._ref
        s = self.settings
        me = await self.client.current_user()
        project = await self.client.project(s.project)
        trackers = {t["name"]: t["id"] for t in project.get("trackers", [])}
        if s.tracker not in trackers:
            raise RedmineConfigError(
                f"tracker {s.tracker!r} is not enabled in project {s.project!r}"
            )
        fields = {f["name"]: f["id"] for f in project.get("issue_custom_fields", [])}
        if me.get("admin"):
            # Fields "for all projects" are not listed on the project; only admins see them.
            for cf in await self.client.custom_fields():
                if cf.get("customized_type") != "issue":
                    continue
                if cf.get("is_for_all"):
                    fields.setdefault(cf["name"], cf["id"])
                if cf["name"] == s.cf_reference and not cf.get("is_filter"):
                    # Redmine ignores cf_N= for a field that is not a filter: the duplicate
                    # check would then see only the first page of issues.
                    raise RedmineConfigError(
                        f"custom field {s.cf_reference!r} must be usable as a filter"
                    )
        missing = [n for n in s.custom_field_names().values() if n not in fields]
        if missing:
            raise RedmineConfigError(
                "custom fields not enabled for project "
                f"{s.project!r}: {', '.join(missing)} (run: python main.py doctor)"
            )
        priorities = {p["name"]: p["id"] for p in await self.client.priorities()}
        unknown = [n for n in s.priority_names().values() if n not in priorities]
        if unknown:
            raise RedmineConfigError(f"priorities not found: {', '.join(unknown)}")
        self._ref = ReferenceData(
            project_id=int(project["id"]),
            tracker_id=int(trackers[s.tracker]),
            priority_ids={k: priorities[n] for k, n in s.priority_names().items()},
            field_ids={k: fields[n] for k, n in s.custom_field_names().items()},
            is_admin=bool(me.get("admin")),
        )
        return self._ref

    # -- filing -------------------------------------------------------------------------------

    async def find_filed(self, reference: str) -> dict[str, Any] | None:
        found = await self.find_all_filed(reference)
        return found[0] if found else None

    async def find_all_filed(self, reference: str) -> list[dict[str, Any]]:
        """Every issue carrying our reference, oldest first (more than one is a duplicate)."""
        ref = await self.resolve()
        found = await self.client.find_issues_by_custom_field(
            ref.project_id, ref.field_ids["reference"], reference
        )
        return sorted(found, key=lambda issue: int(issue["id"]))

    async def merge_duplicates(self, ticket: store.TicketRow) -> tuple[int, tuple[int, ...]]:
        """Keep the first issue with the ticket's reference; close the others as duplicates.

        Only a create that timed out and landed after the retry's lookup can make a second
        one. Returns (kept issue, closed issues).
        """
        found = await self.find_all_filed(ticket.reference)
        if not found:
            return int(ticket.external_id or 0), ()
        keep = int(found[0]["id"])
        extra = tuple(int(issue["id"]) for issue in found[1:])
        if extra:
            closed_status = await self._closed_status_id()
            for issue_id in extra:
                await self.client.add_relation(issue_id, keep, "duplicates")
                changes: dict[str, Any] = {
                    "notes": f"Closed as a duplicate of #{keep}: the same intake ticket "
                    f"{ticket.receipt} reached Redmine twice.",
                }
                if closed_status is not None:
                    changes["status_id"] = closed_status
                await self.client.update_issue(issue_id, changes)
            log.warning(
                "ticket %s: kept issue %s, closed duplicate(s) %s", ticket.receipt, keep, extra
            )
        if ticket.external_id != str(keep):
            store.mark_filed(
                self.db, ticket.id, external_id=str(keep), external_url=self.issue_url(keep)
            )
        return keep, extra

    async def _closed_status_id(self) -> int | None:
        statuses = await self.client.issue_statuses()
        closed = [s for s in statuses if s.get("is_closed")]
        preferred = next((s for s in closed if s.get("name") in ("Rejected", "Closed")), None)
        chosen = preferred or (closed[0] if closed else None)
        return int(chosen["id"]) if chosen else None

    def issue_url(self, issue_id: int) -> str:
        return f"{self.client.base_url}/issues/{issue_id}"

    async def file(self, ticket_id: int) -> FilingResult:
        """File one ticket (idempotent) and record the issue; raises RedmineError on failure."""
        ticket = store.get_ticket(self.db, ticket_id)
        if ticket is None:
            raise LookupError(f"ticket {ticket_id} does not exist")
        if ticket.status == TicketStatus.FILED and ticket.external_id:
            return FilingResult(
                ticket_id,
                int(ticket.external_id),
                ticket.external_url or "",
                created=False,
                as_customer=False,
            )
        ref = await self.resolve()
        existing = await self.find_all_filed(ticket.reference)
        if existing:
            log.info("ticket %s already filed as issue %s", ticket.receipt, existing[0]["id"])
            closed: tuple[int, ...] = ()
            if len(existing) > 1:
                _, closed = await self.merge_duplicates(ticket)
            result = self._record(
                ticket,
                existing[0]["id"],
                created=False,
                as_customer=False,
                fallback=None,
                not_uploaded=(),
            )
            return dataclasses.replace(result, duplicates_closed=closed)
        login = self._login(ticket)
        fallback = None
        switch_user = None
        if login and ref.is_admin:
            switch_user = login
        elif login:
            fallback = FALLBACK_NOT_ADMIN
        try:
            issue, not_uploaded = await self._create(ticket, ref, switch_user, login, fallback)
        except RedmineUnknownUser:
            fallback = FALLBACK_UNKNOWN_LOGIN
            log.info(
                "ticket %s: Redmine login unknown or locked; filing as service account",
                ticket.receipt,
            )
            issue, not_uploaded = await self._create(ticket, ref, None, login, fallback)
            switch_user = None
        return self._record(
            ticket,
            issue["id"],
            created=True,
            as_customer=switch_user is not None,
            fallback=fallback,
            not_uploaded=not_uploaded,
        )

    def _record(
        self,
        ticket: store.TicketRow,
        issue_id: int,
        *,
        created: bool,
        as_customer: bool,
        fallback: str | None,
        not_uploaded: tuple[str, ...],
    ) -> FilingResult:
        url = self.issue_url(int(issue_id))
        note = f"filed by the service account ({fallback})" if fallback else None
        store.mark_filed(
            self.db, ticket.id, external_id=str(issue_id), external_url=url, note=note
        )
        return FilingResult(
            ticket.id,
            int(issue_id),
            url,
            created=created,
            as_customer=as_customer,
            fallback=fallback,
            not_uploaded=not_uploaded,
        )

    def _login(self, ticket: store.TicketRow) -> str | None:
        """The login the customer confirmed for this ticket; a skipped step means none."""
        return ticket.draft.redmine_login.strip() or None

    async def _create(
        self,
        ticket: store.TicketRow,
        ref: ReferenceData,
        switch_user: str | None,
        login: str | None,
        fallback: str | None,
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        uploads, lines = await self._upload_all(ticket, switch_user)
        content = self._content(
            ticket, lines, login=login, as_customer=switch_user is not None, fallback=fallback
        )
        draft = ticket.draft
        values = {
            "browser": draft.browser,
            "browser_version": draft.browser_version,
            "os": " ".join(p for p in (draft.os, draft.os_version) if p),
            "product_version": draft.product_version,
            "impact": level_name(ticket.impact),
            "language": (language_name(ticket.language) or ticket.language),
            "telegram_user": content.customer,
            "reference": ticket.reference,
        }
        issue: dict[str, Any] = {
            "project_id": ref.project_id,
            "tracker_id": ref.tracker_id,
            "subject": render_subject(content),
            "description": render_description(content, self.settings.text_formatting),
            "custom_fields": [
                {"id": ref.field_ids[k], "value": v[:255]} for k, v in values.items()
            ],
        }
        if ticket.impact in ref.priority_ids:
            issue["priority_id"] = ref.priority_ids[ticket.impact]
        if uploads:
            issue["uploads"] = uploads
        created = await self.client.create_issue(issue, switch_user=switch_user)
        return created, tuple(
            line.file_name
            for line in lines
            if not line.uploaded and sent_with_ticket(line.verdict)
        )

    async def _upload_all(
        self, ticket: store.TicketRow, switch_user: str | None
    ) -> tuple[list[dict[str, Any]], list[AttachmentLine]]:
        """Upload every attachment that may go (fresh tokens each attempt); list them all."""
        limit = self.settings.max_attachment_bytes
        uploads: list[dict[str, Any]] = []
        lines: list[AttachmentLine] = []
        for row in attachment_store.ticket_attachments(self.db, ticket.id):
            if row.kind == "followup":
                continue
            name = row.file_name or f"attachment-{row.id}"
            line = AttachmentLine(
                file_name=name,
                size=row.size,
                mime_type=row.mime_type,
                verdict=row.verdict,
                verdict_language=row.verdict_language,
                verdict_reason=row.verdict_reason,
                verdict_excerpt=row.verdict_excerpt,
            )
            if not sent_with_ticket(row.verdict):
                lines.append(dataclasses.replace(line, not_uploaded_reason=held_back(row.verdict)))
                continue
            if row.size is not None and row.size > limit:
                lines.append(
                    dataclasses.replace(
                        line,
                        not_uploaded_reason=(
                            f"larger than Redmine's limit of {format_size(limit)}"
                        ),
                    )
                )
                continue
            data = attachment_store.attachment_data(self.db, row.id)
            if data is None:
                lines.append(dataclasses.replace(line, not_uploaded_reason="file not kept"))
                continue
            if len(data) > limit:
                lines.append(
                    dataclasses.replace(
                        line,
                        size=len(data),
                        not_uploaded_reason=(
                            f"larger than Redmine's limit of {format_size(limit)}"
                        ),
                    )
                )
                continue
            try:
                token = await self.client.upload(data, name, switch_user=switch_user)
            except RedmineValidationError as exc:  # e.g. an extension Redmine forbids
                lines.append(
                    dataclasses.replace(
                        line, not_uploaded_reason=("Redmine refused it: " + "; ".join(exc.errors))
                    )
                )
                continue
            except RedmineTooLarge:  # a proxy's or Redmine's own body limit, below ours
                lines.append(
                    dataclasses.replace(line, not_uploaded_reason=("too large for Redmine (413)"))
                )
                continue
            upload = {
                "token": token,
                "filename": name,
                "content_type": row.mime_type or "application/octet-stream",
            }
            if row.caption:
                upload["description"] = " ".join(row.caption.split())[:255]
            uploads.append(upload)
            lines.append(dataclasses.replace(line, uploaded=True))
        return uploads, lines

    def _content(
        self,
        ticket: store.TicketRow,
        lines: list[AttachmentLine],
        *,
        login: str | None,
        as_customer: bool,
        fallback: str | None,
    ) -> IssueContent:
        draft = ticket.draft
        return IssueContent(
            receipt=ticket.receipt,
            reference=ticket.reference,
            summary=draft.summary or ticket.summary,
            language=ticket.language,
            impact=ticket.impact,
            opened_at=ticket.opened,
            due_at=ticket.due,
            environment={
                "Browser": draft.browser,
                "Browser version": draft.browser_version,
                "Operating system": " ".join(p for p in (draft.os, draft.os_version) if p),
                "Orangesky version": draft.product_version,
                "Other details": draft.extra,
            },
            description=draft.description_text,
            customer=self.customer_name(ticket),
            redmine_login=login,
            filed_as_customer=as_customer,
            fallback_reason=fallback_words(fallback, login),
            impact_suggested=ticket.impact_suggested,
            impact_reason=ticket.impact_reason,
            impact_answers=dict(draft.impact_answers),
            attachments=lines,
            transcript=[
                TranscriptLine(
                    at=datetime.fromisoformat(m.created_at),
                    direction=m.direction,
                    text=m.text or f"({m.kind})",
                    language=m.language,
                )
                for m in messages.transcript(self.db, ticket.conversation_id)
            ],
        )

    def customer_name(self, ticket: store.TicketRow) -> str:
        user = user_store.user_row(self.db, ticket.user_id) or {}
        name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
        handle = f"@{user['username']}" if user.get("username") else None
        parts = [p for p in (handle, f"Telegram id {ticket.user_id}") if p]
        return f"{name} ({', '.join(parts)})" if name else ", ".join(parts)

    # -- follow-ups ---------------------------------------------------------------------------

    async def add_comment(self, ticket_id: int, text: str, *, marker: str = "") -> FilingResult:
        """A customer's comment from the chat becomes a note on the filed issue.

        ``marker`` (e.g. ``OS-000001-3fa2c1/n7``) ends the note, so a retry whose first try
        may have landed can look for it (``note_present``) instead of adding it twice.
        """
        ticket, issue_id = self._filed(ticket_id)
        m = Markup(self.settings.text_formatting)
        header = (
            f"Follow-up from the customer in Telegram "
            f"({(language_name(ticket.language) or ticket.language)}):"
        )
        note = header + "\n\n" + m.block(text) + _marker_line(m, marker)
        return await self._note(ticket, issue_id, note, uploads=None)

    async def add_attachment(
        self, ticket_id: int, attachment_id: int, *, marker: str = ""
    ) -> FilingResult:
        """Upload one stored attachment to the filed issue, with a note naming it.

        Raises AttachmentTooLarge before any upload when it is over the configured limit.
        """
        ticket, issue_id = self._filed(ticket_id)
        row = attachment_store.get_attachment(self.db, attachment_id)
        data = attachment_store.attachment_data(self.db, attachment_id)
        if row is None or data is None:
            raise LookupError(f"attachment {attachment_id} has no stored bytes")
        name = row.file_name or f"attachment-{row.id}"
        if len(data) > self.settings.max_attachment_bytes:
            raise AttachmentTooLarge(name, len(data), self.settings.max_attachment_bytes)
        m = Markup(self.settings.text_formatting)
        note = (
            "Follow-up attachment from the customer in Telegram: "
            f"{m.inline(name, in_table=False)} ({format_size(len(data))}, verdict: {row.verdict})"
        )
        if row.caption:
            note += "\n\n" + m.block(row.caption)
        note += _marker_line(m, marker)
        result = await self._note(ticket, issue_id, note, uploads=(row, name, data))
        attachment_store.set_attachment_external_id(self.db, attachment_id, f"issue:{issue_id}")
        return result

    async def set_closed(self, ticket_id: int, closed: bool, *, marker: str = "") -> str:
        """Close the issue (the customer says it is solved) or reopen it; returns the new
        status's name. The note says who did it, written as the customer where linked."""
        ticket, issue_id = self._filed(ticket_id)
        statuses = await self.client.issue_statuses()
        wanted = [s for s in statuses if bool(s.get("is_closed")) == closed]
        names = ("Closed",) if closed else ("New", "In Progress")
        status = next((s for s in wanted if s.get("name") in names), wanted[0] if wanted else None)
        if status is None:
            raise RedmineConfigError(
                "Redmine has no issue status to " + ("close" if closed else "reopen") + " with"
            )
        m = Markup(self.settings.text_formatting)
        note = (
            "The customer closed this ticket from Telegram: the problem is solved."
            if closed
            else "The customer reopened this ticket from Telegram."
        )
        await self._note(
            ticket,
            issue_id,
            note + _marker_line(m, marker),
            uploads=None,
            changes={"status_id": int(status["id"])},
        )
        return str(status["name"])

    async def note_present(self, ticket_id: int, marker: str) -> bool:
        """Whether a note ending with ``marker`` is already on the ticket's issue."""
        _, issue_id = self._filed(ticket_id)
        issue = await self.client.get_issue(issue_id, include=("journals",))
        return any(marker in (j.get("notes") or "") for j in issue.get("journals", []))

    def _filed(self, ticket_id: int) -> tuple[store.TicketRow, int]:
        ticket = store.get_ticket(self.db, ticket_id)
        if ticket is None or ticket.status != TicketStatus.FILED or not ticket.external_id:
            raise LookupError(f"ticket {ticket_id} is not filed yet")
        return ticket, int(ticket.external_id)

    async def _note(
        self,
        ticket: store.TicketRow,
        issue_id: int,
        note: str,
        uploads: tuple[attachment_store.Attachment, str, bytes] | None,
        changes: dict[str, Any] | None = None,
    ) -> FilingResult:
        ref = await self.resolve()
        login = self._login(ticket)
        switch_user = login if login and ref.is_admin else None
        fallback = FALLBACK_NOT_ADMIN if login and not ref.is_admin else None

        async def send(as_user: str | None, text: str) -> None:
            files = None
            if uploads is not None:
                row, name, data = uploads
                token = await self.client.upload(data, name, switch_user=as_user)
                files = [
                    {
                        "token": token,
                        "filename": name,
                        "content_type": row.mime_type or "application/octet-stream",
                    }
                ]
            if changes:
                await self.client.update_issue(
                    issue_id, {**changes, "notes": text}, switch_user=as_user
                )
            else:
                await self.client.add_note(issue_id, text, uploads=files, switch_user=as_user)

        try:
            await send(switch_user, note)
        except RedmineUnknownUser:
            fallback = FALLBACK_UNKNOWN_LOGIN
            switch_user = None
            m = Markup(self.settings.text_formatting)
            named = f"On behalf of {m.inline(self.customer_name(ticket), in_table=False)}.\n\n"
            await send(None, named + note)
        return FilingResult(
            ticket.id,
            issue_id,
            self.issue_url(issue_id),
            created=False,
            as_customer=switch_user is not None,
            fallback=fallback,
        )


def held_back(verdict: str) -> str:
    """Why the English-only rule kept a file off the issue, in staff's words."""
    if verdict == Outcome.REFUSED:
        return "refused by the policy"
    return "not checked for English, so not sent (policy)"


def _marker_line(m: Markup, marker: str) -> str:
    return f"\n\n{m.inline('intake ref ' + marker, in_table=False)}" if marker else ""


class RedmineAccounts:
    """``intake.tickets.accounts.Accounts`` answered by Redmine."""

    def __init__(self, client: RedmineClient, field_name: str) -> None:
        self.client = client
        self.field_name = field_name

    async def check(self, login: str, handles: frozenset[str]) -> str:
        return await check_login(self.client, login, handles, self.field_name)


async def check_login(
    client: RedmineClient,
    login: str,
    handles: AbstractSet[str] = frozenset(),
    field_name: str = "Telegram",
) -> str:
    """Whether the bot may file as ``login`` for the customer with these Telegram handles.

    Anyone can type a login, so the account's owner proves it: their Redmine user field
    ``field_name`` (editable on "My account") must name the customer's Telegram username
    or id. Administrators are never impersonated.
    """
    login = login.strip()
    if not login:
        return UNKNOWN
    try:
        users = await client.find_users(login)
        match = next((u for u in users if u.get("login", "").lower() == login.lower()), None)
        if match is None:
            return UNKNOWN
        if match.get("admin"):
            return ADMIN_LOGIN
        user = await client.get_user(int(match["id"]))
    except (RedmineForbidden, RedmineError):
        return UNCHECKED
    claimed = next(
        (
            str(f.get("value") or "")
            for f in user.get("custom_fields", [])
            if f.get("name") == field_name
        ),
        "",
    )
    return LINKED if claimed.strip().lstrip("@").lower() in handles else UNPROVEN
