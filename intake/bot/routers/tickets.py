"""``/tickets``: the customer's tickets after the receipt, and what they can do with one.

The list (newest first) shows each ticket's state, impact and first-response due time; a
ticket's card offers adding information, "problem solved — close it", and reopening a
closed ticket within ``REOPEN_DAYS`` (after that: a new ticket that names the old one).
``/status`` after the receipt shows the current ticket rather than the finished draft.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from intake.bot import impact_view
from intake.bot.filters import ButtonsOf, MaybeCommand, PrivateChat
from intake.bot.flow import Flow
from intake.bot.keyboards import Keyboard, TicketAction
from intake.bot.states import Intake, state_of
from intake.impact.levels import get_level
from intake.statuses import TicketStatus
from intake.storage import messages
from intake.storage import tickets as store
from intake.telegram_html import fill, plain
from intake.tickets import notices
from intake.tickets.sink import TicketSink

REOPEN_DAYS = 14
LIST_LIMIT = 10


def create_router() -> Router:
    router = Router(name="tickets")
    router.message.filter(PrivateChat(), MaybeCommand())  # its messages are all commands
    router.callback_query.filter(ButtonsOf(TicketAction), PrivateChat())

    @router.message(Command("tickets"))
    async def list_tickets(message: Message, flow: Flow) -> None:
        await flow.reply(message, *ticket_list(flow))

    @router.message(Command("status"), StateFilter(Intake.done))
    async def status_after_receipt(message: Message, flow: Flow) -> None:
        ticket_id = (await flow.data()).get("ticket_id")
        ticket = store.get_ticket(flow.db, ticket_id) if ticket_id else None
        if ticket is None:
            await flow.reply(message, *ticket_list(flow))
            return
        await flow.reply(message, *ticket_card(ticket, flow.locale))

    @router.callback_query(TicketAction.filter(F.action == "list"))
    async def show_list(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.reply(callback, *ticket_list(flow))

    @router.callback_query(TicketAction.filter())
    async def act(
        callback: CallbackQuery, callback_data: TicketAction, flow: Flow, sink: TicketSink
    ) -> None:
        ticket = store.get_ticket(flow.db, callback_data.ticket_id)
        if ticket is None or ticket.user_id != flow.user_id:
            await callback.answer(_("That ticket is not one of yours."), show_alert=True)
            return
        await callback.answer()
        action = callback_data.action
        if action == "close" and not ticket.closed:
            ticket = sink.set_closed(ticket.id, True, key=f"{callback.id}")
            await flow.reply(
                callback,
                *ticket_card(
                    ticket, flow.locale, _("Closed. We are glad it is solved; thank you!")
                ),
                edit=True,
            )
        elif action == "reopen" and ticket.closed and reopenable(ticket):
            ticket = sink.set_closed(ticket.id, False, key=f"{callback.id}")
            await flow.reply(
                callback,
                *ticket_card(ticket, flow.locale, _("Reopened: our team will look at it again.")),
                edit=True,
            )
        elif action == "add":
            await add_information(callback, flow, ticket)
        elif action == "to":
            await send_pending_to(callback, flow, ticket, sink)
        elif action == "new":
            await flow.begin(callback, inbound_message_id=None)
            draft = await flow.draft()
            draft.extra = f"Follow-up of {ticket.receipt}" + (
                f" (Redmine #{ticket.external_id})" if ticket.external_id else ""
            )
            await flow.save(draft)
        else:
            await flow.reply(callback, *ticket_card(ticket, flow.locale), edit=action != "show")

    return router


async def add_information(callback: CallbackQuery, flow: Flow, ticket: store.TicketRow) -> None:
    """What they send next goes to this ticket; never in the middle of a new request."""
    if await flow.step() not in (None, "done"):
        await flow.reply(
            callback,
            _(
                "You are in the middle of a new request. Finish it, or send /cancel, then tap "
                "“📝 Add information” again."
            ),
        )
        return
    await flow.state.set_state(state_of("done"))
    flow.changed(ticket_id=ticket.id)  # a session field: through the session, saved once
    await flow.state.update_data(ticket_chosen=True)
    await flow.reply(
        callback,
        _("Send your message, photo or file now: it goes to your ticket {receipt}.").format(
            receipt=ticket.receipt
        ),
    )


async def send_pending_to(
    callback: CallbackQuery, flow: Flow, ticket: store.TicketRow, sink: TicketSink
) -> None:
    """The texts that waited for "which ticket?" go to the one chosen, which stays chosen."""
    pending = (await flow.data()).get("pending_followups", [])
    followup = None
    for message_id in pending:
        text = messages.inbound_text(flow.db, flow.chat_id, message_id)
        if text:
            followup = sink.add_followup(ticket.id, key=f"{flow.chat_id}:{message_id}", text=text)
    flow.changed(ticket_id=ticket.id)
    await flow.state.update_data(ticket_chosen=True, pending_followups=[])
    if followup is not None and followup.queued:
        text = notices.followup_message(flow.locale, ticket.receipt, followup.issue_id)
    else:
        text = _("Thank you, I added this to your ticket {receipt} for our support team.")
        text = text.format(receipt=ticket.receipt)
    await flow.reply(callback, plain(text), edit=True)


def reopenable(ticket: store.TicketRow, now: datetime | None = None) -> bool:
    if not ticket.closed_at:
        return False
    closed = datetime.fromisoformat(ticket.closed_at)
    return (now or datetime.now(UTC)) - closed <= timedelta(days=REOPEN_DAYS)


def state_text(ticket: store.TicketRow, locale: str) -> str:
    """The card's and the list's state: a filed ticket reads "Redmine #5: New", closed or not."""
    if ticket.status == TicketStatus.FILED and ticket.external_id:
        return _("Redmine {issue}: {status}").format(
            issue=f"#{ticket.external_id}", status=redmine_state(ticket, locale)
        )
    if ticket.closed:
        return _("closed")
    if ticket.sink == "local":
        return _("with our support team")
    if ticket.status == TicketStatus.FAILED:
        return _("not filed: our team has been told")
    return _("being filed in Redmine")


def redmine_state(ticket: store.TicketRow, locale: str) -> str:
    """The issue's status as Redmine last told it; until Redmine has answered the customer's
    own close or reopen, what they did (the status known before would contradict it)."""
    if ticket.redmine_status:
        return notices.status_name(locale, ticket.redmine_status)
    return notices.status_name(locale, "Closed") if ticket.closed else _("Open")


def due_text(ticket: store.TicketRow, locale: str) -> str:
    """The first response's deadline while it still matters: none once the ticket is closed."""
    if ticket.closed:
        return ""
    if ticket.first_response_at:
        return _("answered")
    if ticket.due is None:
        return ""
    # As on the receipt: a date_time entity, in the customer's own time zone.
    return _("First response due {due}").format(due=impact_view.due_html(ticket.due, locale))


def _impact(ticket: store.TicketRow) -> str:
    try:
        return _(get_level(ticket.impact or "").name)
    except ValueError:
        return ""


def ticket_list(flow: Flow) -> tuple[str, InlineKeyboardMarkup | None]:
    tickets = store.list_tickets(flow.db, user_id=flow.user_id, limit=LIST_LIMIT)
    if not tickets:
        return _("You have no tickets yet. Send /start to open one."), None
    lines = [_("<b>Your tickets</b>, newest first:")]
    builder = Keyboard()
    for ticket in tickets:
        state = plain(state_text(ticket, flow.locale))
        parts = [f"<b>{ticket.receipt}</b>", state, _impact(ticket)]
        line = " · ".join(p for p in parts if p)
        due = due_text(ticket, flow.locale)
        lines.append(f"{line}\n{plain(ticket.summary[:80])}" + (f"\n{due}" if due else ""))
        builder.button(
            text=ticket.receipt, callback_data=TicketAction(action="show", ticket_id=ticket.id)
        )
    builder.adjust(3)
    return "\n\n".join(lines), builder.as_markup()


def ticket_card(
    ticket: store.TicketRow, locale: str, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        fill(
            "<b>{receipt}</b> · {state}", receipt=ticket.receipt, state=state_text(ticket, locale)
        ),
        plain(ticket.summary),
    ]
    impact = _impact(ticket)
    if impact:
        lines.append(_("Impact: <b>{level}</b>").format(level=impact))
    due = due_text(ticket, locale)
    if due:
        lines.append(due)
    if ticket.external_url:
        lines.append(plain(ticket.external_url))
    if note:
        lines.append("\n" + note)
    builder = Keyboard()
    if not ticket.closed:
        builder.button(
            text=_("📝 Add information"),
            callback_data=TicketAction(action="add", ticket_id=ticket.id),
        )
        builder.button(
            text=_("✅ Problem solved — close it"),
            callback_data=TicketAction(action="close", ticket_id=ticket.id),
        )
    elif reopenable(ticket):
        builder.button(
            text=_("↩️ Reopen"), callback_data=TicketAction(action="reopen", ticket_id=ticket.id)
        )
    else:
        builder.button(
            text=_("🆕 Open a new ticket about it"),
            callback_data=TicketAction(action="new", ticket_id=ticket.id),
        )
    builder.button(text=_("📋 All my tickets"), callback_data=TicketAction(action="list"))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()
