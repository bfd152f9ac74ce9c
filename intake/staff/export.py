"""A conversation as JSON (for tools) or plain text (for people); the web app and CLI share it.

Plain Python: ``python main.py conversations export`` uses it without loading aiohttp.
Attachment bytes are not exported, only what is known about them.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from intake.staff.present import (
    IMPACT_LABELS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    collected_items,
    human_size,
    label,
    reason_text,
    step_label,
    utc_text,
)
from intake.storage.review import ConversationDetail

FORMAT = "orangesky-intake.conversation/1"

# Telegram's file id and the filer's upload mark are for the bot, not for a staff export.
_INTERNAL_ATTACHMENT_FIELDS = frozenset({"file_id", "external_id"})


def conversation_to_dict(detail: ConversationDetail) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "conversation": {
            "id": detail.id,
            "status": detail.status,
            "language": detail.language,
            "impact": detail.impact,
            "summary": detail.summary,
            "started_at": detail.started_at,
            "updated_at": detail.updated_at,
            "ended_at": detail.ended_at,
        },
        "customer": asdict(detail.customer),
        "collected": detail.collected,
        "collected_source": detail.collected_source,
        "messages": [asdict(m) for m in detail.messages],
        "attachments": [
            {k: v for k, v in asdict(a).items() if k not in _INTERNAL_ATTACHMENT_FIELDS}
            for a in detail.attachments
        ],
        "ticket": asdict(detail.ticket) if detail.ticket else None,
    }


def conversation_to_json(detail: ConversationDetail) -> str:
    return json.dumps(conversation_to_dict(detail), ensure_ascii=False, indent=2) + "\n"


def conversation_to_text(detail: ConversationDetail) -> str:
    customer = detail.customer
    handle = f" (@{customer.username})" if customer.username else ""
    lines = [
        f"Conversation #{detail.id}: {detail.summary or '(no summary yet)'}",
        f"Status: {label(STATUS_LABELS, detail.status)}"
        f" | Language: {label(LANGUAGE_LABELS, detail.language)}"
        f" | Impact: {label(IMPACT_LABELS, detail.impact)}",
        f"Customer: {customer.display_name}{handle}, Telegram id {customer.id}",
        f"Started: {utc_text(detail.started_at)}"
        + (f" | Ended: {utc_text(detail.ended_at)}" if detail.ended_at else ""),
    ]
    ticket = detail.ticket
    if ticket:
        lines.append(
            f"Ticket: {ticket.receipt or ticket.id} | {label(STATUS_LABELS, ticket.status)}"
            f" | First response due: {utc_text(ticket.due_at)}"
            + (f" | {ticket.external_url}" if ticket.external_url else "")
        )
        if ticket.last_error:
            lines.append(f"Last error: {ticket.last_error}")
    items = collected_items(detail.collected)
    if items:
        lines += ["", "Collected"]
        for title, text in items:
            lines.append(f"  {title}: " + text.replace("\n", "\n    "))
    lines += ["", "Transcript"]
    for message in detail.messages:
        if message.language_switch:
            lines.append(
                f"  --- language switched to {label(LANGUAGE_LABELS, message.language)} ---"
            )
        who = "Customer" if message.direction == "in" else "Bot"
        step = f" [{step_label(message.step)}]" if message.step else ""
        kind = f" <{label(KIND_LABELS, message.kind)}>" if message.kind in KIND_LABELS else ""
        text = (message.text or "").replace("\n", "\n    ")
        lines.append(f"{utc_text(message.created_at)} {who}{step}{kind}: {text}")
    if detail.attachments:
        lines += ["", "Attachments"]
        for a in detail.attachments:
            size = human_size(a.size)
            line = (
                f"  #{a.id} {a.file_name or a.kind} ({a.mime_type or 'unknown type'}"
                + (f", {size}" if size else "")
                + f"): {label(VERDICT_LABELS, a.verdict)}"
            )
            if a.verdict_reason:
                line += f", {reason_text(a.verdict_reason)}"
            lines.append(line)
            if a.caption:
                lines.append(f"    Caption: {a.caption}")
            if a.verdict_excerpt:
                lines.append(f"    Excerpt: {a.verdict_excerpt}")
    return "\n".join(lines) + "\n"
