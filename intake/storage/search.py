"""Staff search: the conversation list, its filters, and where the search terms matched.

Timestamps are stored as ISO 8601 UTC text, so date filters compare strings
(``'2025-03-01' <= started_at < '2025-03-02'``).

Search: every whitespace-separated term must occur in one customer message (the bot's own
prompts repeat in every conversation, so they are searched only on request); substring
match, ASCII case ignored. Terms of 3+ characters use the FTS5 trigram index; 1-2 character
terms (a two-character Chinese word such as 登录) cannot use trigrams and fall back to a scan
(``LIKE``, or ``instr`` when there is no letter case to fold).
A receipt (``OS-000123``), ``#123`` (a conversation id) or a customer's name also match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from intake.storage.review import _USER_COLUMNS, Customer, _customer

SNIPPET_RADIUS = 60

_RECEIPT = re.compile(r"^OS-0*(\d{1,12})$", re.IGNORECASE)
_CONVERSATION_REF = re.compile(r"^#(\d{1,12})$")


@dataclass(frozen=True)
class ConversationFilter:
    query: str = ""
    language: str | None = None
    impact: str | None = None
    status: str | None = None
    started_from: date | None = None
    started_to: date | None = None  # inclusive
    refused_only: bool = False
    include_bot: bool = False  # search the bot's messages too (its prompts repeat everywhere)


@dataclass(frozen=True)
class Snippet:
    """Where a search term sits in a message, split so a template can mark it safely."""

    message_id: int
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class ConversationSummary:
    id: int
    customer: Customer
    language: str
    status: str
    impact: str | None
    summary: str | None
    started_at: str
    updated_at: str
    message_count: int
    has_refused: bool
    receipt: str | None
    ticket_status: str | None
    snippet: Snippet | None = None
    ticket_closed: bool = False  # the customer (or Redmine) closed it


@dataclass(frozen=True)
class ConversationPage:
    items: list[ConversationSummary]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def search_terms(query: str) -> list[str]:
    """Whitespace-separated terms; control characters (a NUL from a crafted URL) separate
    terms too, as SQLite's FTS5 cannot take them in a phrase."""
    return [term for term in _CONTROLS.sub(" ", query).split() if term]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _message_match(
    terms: list[str], params: dict[str, Any], alias: str = "m", *, include_bot: bool = False
) -> str:
    """SQL condition: every term occurs in the message text (trigram MATCH or LIKE).

    Only the customer's messages are in the trigram index (migration m007); the bot's are
    scanned with LIKE when ``include_bot`` asks for them.
    """
    clauses = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        params["fts"] = " AND ".join(_fts_phrase(t) for t in long_terms)
        indexed = f"{alias}.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :fts)"
        if include_bot:
            scans = []
            for index, term in enumerate(long_terms):
                params[f"bot{index}"] = _like(term)
                scans.append(f"{alias}.text LIKE :bot{index} ESCAPE '\\'")
            indexed = f"({indexed} OR ({alias}.direction != 'in' AND {' AND '.join(scans)}))"
        clauses.append(indexed)
    for index, term in enumerate(t for t in terms if len(t) < 3):
        if any(c.isascii() and c.isalpha() for c in term):
            params[f"like{index}"] = _like(term)  # LIKE ignores ASCII case, as trigram does
            clauses.append(f"{alias}.text LIKE :like{index} ESCAPE '\\'")
        else:
            # No case to fold (登录, 42): instr() does the same scan about a third faster.
            params[f"like{index}"] = term
            clauses.append(f"instr({alias}.text, :like{index}) > 0")
    return " AND ".join(clauses) or "0"


def matching_conversation_ids(db: Database, query: str, *, include_bot: bool = False) -> list[int]:
    """Conversations whose messages (the customer's, unless ``include_bot``), receipt, id or
    customer name match the query."""
    terms = search_terms(query)
    if not terms:
        return []
    params: dict[str, Any] = {}
    # direction = 'in' lets a short term scan the partial index messages_customer_text.
    who = "1" if include_bot else "m.direction = 'in'"
    sql = (
        "SELECT DISTINCT m.conversation_id FROM messages m "
        f"WHERE {who} AND {_message_match(terms, params, include_bot=include_bot)}"
    )
    ids = {row[0] for row in db.execute(sql, params).fetchall() if row[0] is not None}
    whole = query.strip()
    if receipt := _RECEIPT.match(whole):
        ids.update(
            row[0]
            for row in db.execute(
                "SELECT conversation_id FROM tickets WHERE id = ?", [int(receipt.group(1))]
            )
        )
    if ref := _CONVERSATION_REF.match(whole):
        ids.update(
            row[0]
            for row in db.execute("SELECT id FROM conversations WHERE id = ?", [int(ref.group(1))])
        )
    name = _like(whole.lstrip("@"))
    ids.update(
        row[0]
        for row in db.execute(
            "SELECT c.id FROM conversations c JOIN users u ON u.id = c.user_id "
            "WHERE u.username LIKE :n ESCAPE '\\' OR u.first_name LIKE :n ESCAPE '\\' "
            "OR u.last_name LIKE :n ESCAPE '\\' "
            "OR (COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) "
            "LIKE :n ESCAPE '\\'",
            {"n": name},
        )
    )
    return sorted(ids)


def _filter_sql(
    filters: ConversationFilter, params: dict[str, Any], hits: list[int] | None
) -> str:
    where = ["1"]
    if filters.language:
        where.append("c.language = :language")
        params["language"] = filters.language
    if filters.status:
        where.append("c.status = :status")
        params["status"] = filters.status
    if filters.impact:
        where.append("COALESCE(t.impact, c.impact) = :impact")
        params["impact"] = filters.impact
    if filters.started_from:
        where.append("c.started_at >= :from")
        params["from"] = filters.started_from.isoformat()
    if filters.started_to:
        where.append("c.started_at < :to")
        params["to"] = (filters.started_to + timedelta(days=1)).isoformat()
    if filters.refused_only:
        where.append(
            "(c.has_refused OR EXISTS (SELECT 1 FROM attachments a "
            "WHERE a.conversation_id = c.id AND a.verdict = 'refused'))"
        )
    if hits is not None:
        where.append("c.id IN (SELECT value FROM json_each(:hits))")
        params["hits"] = json.dumps(hits)
    return " AND ".join(where)


def list_conversations(
    db: Database,
    filters: ConversationFilter | None = None,
    *,
    page: int = 1,
    per_page: int = 25,
) -> ConversationPage:
    """Newest first. A search runs once; the count and the page reuse its hits."""
    filters = filters or ConversationFilter()
    page = max(1, page)
    params: dict[str, Any] = {}
    hits = (
        matching_conversation_ids(db, filters.query, include_bot=filters.include_bot)
        if filters.query.strip()
        else None
    )
    where = _filter_sql(filters, params, hits)
    base = f"FROM conversations c LEFT JOIN tickets t ON t.conversation_id = c.id WHERE {where}"
    total = db.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]
    params.update(limit=per_page, offset=(page - 1) * per_page)
    rows = db.query(
        f"""SELECT c.id, c.language, c.status, c.summary, c.started_at, c.updated_at,
                   COALESCE(t.impact, c.impact) AS impact, t.receipt, t.status AS ticket_status,
                   t.closed_at IS NOT NULL AS ticket_closed,
                   (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)
                       AS message_count,
                   (c.has_refused OR EXISTS (SELECT 1 FROM attachments a
                       WHERE a.conversation_id = c.id AND a.verdict = 'refused')) AS refused,
                   {_USER_COLUMNS}
            FROM (SELECT c.id {base} ORDER BY c.started_at DESC, c.id DESC
                  LIMIT :limit OFFSET :offset) AS p
            JOIN conversations c ON c.id = p.id
            LEFT JOIN tickets t ON t.conversation_id = c.id
            LEFT JOIN users u ON u.id = c.user_id
            ORDER BY c.started_at DESC, c.id DESC""",
        params,
    )
    terms = search_terms(filters.query)
    items = [
        ConversationSummary(
            id=row["id"],
            customer=_customer(row) if row["u_id"] is not None else Customer(id=0),
            language=row["language"],
            status=row["status"],
            impact=row["impact"],
            summary=row["summary"],
            started_at=row["started_at"],
            updated_at=row["updated_at"],
            message_count=row["message_count"],
            has_refused=bool(row["refused"]),
            receipt=row["receipt"],
            ticket_status=row["ticket_status"],
            snippet=_snippet(db, row["id"], terms, filters.include_bot) if terms else None,
            ticket_closed=bool(row["ticket_closed"]),
        )
        for row in rows
    ]
    return ConversationPage(items=items, total=total, page=page, per_page=per_page)


def _snippet(
    db: Database, conversation_id: int, terms: list[str], include_bot: bool
) -> Snippet | None:
    """The first message of the conversation holding every term, cut around the first one."""
    params: dict[str, Any] = {"cid": conversation_id}
    clauses = [] if include_bot else ["direction = 'in'"]
    for index, term in enumerate(terms):
        params[f"t{index}"] = _like(term)
        clauses.append(f"text LIKE :t{index} ESCAPE '\\'")
    row = db.execute(
        f"SELECT id, text FROM messages WHERE conversation_id = :cid AND {' AND '.join(clauses)} "
        "ORDER BY id LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        return None
    message_id, text = row
    start = text.lower().find(terms[0].lower())
    if start < 0:
        return None
    end = start + len(terms[0])
    before = text[max(0, start - SNIPPET_RADIUS) : start]
    after = text[end : end + SNIPPET_RADIUS]
    return Snippet(
        message_id=message_id,
        before=("…" if start > SNIPPET_RADIUS else "") + before,
        match=text[start:end],
        after=after + ("…" if end + SNIPPET_RADIUS < len(text) else ""),
    )
