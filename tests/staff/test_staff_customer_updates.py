"""The ticket view shows what reached the customer from Redmine, and how it went."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from intake.storage import outbox as queue
from intake.storage import watch


def _update(db, ticket_id: int, journal: int, **data) -> queue.OutboxItem:
    return queue.enqueue(
        db,
        "customer.update",
        {"ticket_id": ticket_id, **data},
        key=f"journal:4242:{journal}",
        lane="telegram",
        ticket_id=ticket_id,
    )


async def test_ticket_view_lists_updates_sent_blocked_and_the_rating(
    signed_in: TestClient, seeded, db
):
    ticket = seeded.filed_ticket
    sent = _update(
        db,
        ticket,
        1,
        author="Jane <script>x</script>",
        notes="Try 4.3",
        status={"id": 3, "name": "Resolved", "is_closed": False},
    )
    queue.complete(db, sent.id)
    blocked = _update(db, ticket, 2, author="Jane", files=[{"filename": "fix.sql"}])
    queue.fail(
        db,
        blocked.id,
        error="Telegram refused: bot was blocked by the user",
        error_class="blocked",
    )
    watch.record_first_response(db, ticket, "2025-03-03T12:00:00.000000+00:00")
    watch.add_rating(db, ticket, 4)
    watch.close_comment(db, ticket, "Fast <b>help</b>")

    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()

    assert "Updates sent to the customer" in html
    assert "note by Jane &lt;script&gt;x&lt;/script&gt;; status: Resolved" in html
    assert 'delivery-sent">sent<' in html and 'delivery-blocked">blocked<' in html
    assert "file: fix.sql" in html and "bot was blocked by the user" in html
    assert "4/5" in html and "Fast &lt;b&gt;help&lt;/b&gt;" in html
    assert '<time datetime="2025-03-03T12:00:00Z"' in html


async def test_ticket_view_says_when_nothing_came_from_redmine(signed_in: TestClient, seeded):
    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert "Nothing from Redmine yet." in html and "not rated" in html
