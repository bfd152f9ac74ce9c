"""The doc_suggestions table: which articles the dialogue offered, and the customer's answer."""

from __future__ import annotations

import json

from sqlite_utils import Database

from intake.storage.db import now_iso


def record_offer(db: Database, conversation_id: int, slugs: list[str]) -> None:
    """The articles offered for this conversation (a later summary replaces the offer)."""
    db.execute(
        "INSERT INTO doc_suggestions (conversation_id, articles, answer, offered_at) "
        "VALUES (?, ?, 'offered', ?) ON CONFLICT(conversation_id) DO UPDATE SET "
        "articles = excluded.articles, answer = 'offered', offered_at = excluded.offered_at, "
        "answered_at = NULL",
        [conversation_id, json.dumps(slugs), now_iso()],
    )


def record_answer(db: Database, conversation_id: int, answer: str) -> None:
    if answer not in ("solved", "continued"):
        raise ValueError(f"unknown answer {answer!r}")
    db.execute(
        "UPDATE doc_suggestions SET answer = ?, answered_at = ? WHERE conversation_id = ?",
        [answer, now_iso(), conversation_id],
    )


def solved_count(db: Database) -> int:
    """How many intakes ended because an article solved the problem (for the staff page)."""
    row = db.execute("SELECT COUNT(*) FROM doc_suggestions WHERE answer = 'solved'").fetchone()
    return int(row[0])
