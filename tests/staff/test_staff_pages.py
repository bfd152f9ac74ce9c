"""What the staff pages show a support engineer: deadlines, the ticket queue, the transcript
views, the customer's other conversations, reasons in words."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake.staff.present import collected_items, due_state, duration_text, reason_text
from intake.statuses import ConversationStatus
from intake.storage import conversations, ticket_queue
from intake.storage import docs as docs_store
from intake.storage import tickets as tickets_store
from tests.factories import add_attachment, iso
from tests.staff.conftest import NOW


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "under 1 min"), (45, "45 min"), (60, "1 h"), (200, "3 h 20 min"), (3000, "2 d 2 h")],
)
def test_durations_read_as_a_person_says_them(minutes, text):
    assert duration_text(timedelta(minutes=minutes)) == text


def test_due_state_left_soon_overdue_and_answered():
    assert due_state(iso(NOW + timedelta(hours=3, minutes=20)), NOW).text == "3 h 20 min left"
    soon = due_state(iso(NOW + timedelta(minutes=30)), NOW)
    assert soon.soon and not soon.overdue
    late = due_state(iso(NOW - timedelta(minutes=45)), NOW)
    assert late.overdue and late.text == "overdue by 45 min"
    answered = due_state(iso(NOW - timedelta(hours=1)), NOW, iso(NOW - timedelta(hours=2)))
    assert not answered.overdue and answered.text == "answered in time"
    assert due_state(None, NOW).text == "—"


def test_a_ticket_closed_unanswered_counts_down_to_nothing():
    closed = due_state(iso(NOW - timedelta(hours=1)), NOW, None, iso(NOW - timedelta(hours=2)))
    assert not closed.overdue and closed.text == "closed before a first response"


def test_impact_answers_read_as_the_questions_asked():
    rows = dict(collected_items({"impact_answers": {"unusable": "no", "degraded": "yes"}}))
    answers = rows["Impact answers"]
    assert (
        "Is Orangesky completely unusable for everyone" in answers and "unusable:" not in answers
    )


def test_reason_codes_are_words_and_old_sentences_stay():
    assert reason_text("not_english") == "not in English"
    assert reason_text("too_large") == "too large to check"
    assert reason_text("The document is in Chinese.") == "The document is in Chinese."


def test_the_queue_sorts_by_due_with_undated_tickets_last(seeded, stored_locally):
    db = seeded.db
    db.execute("UPDATE tickets SET due_at = NULL WHERE id = ?", [seeded.queued_ticket])
    listed = [t.ticket for t in ticket_queue.list_queue(db).items]
    dues = [t.due_at for t in listed[:-1]]
    assert None not in dues and dues == sorted(dues)
    assert listed[-1].id == seeded.queued_ticket


def test_needs_first_response_leaves_out_answered_tickets(seeded):
    db = seeded.db
    ticket_queue.record_first_response(db, seeded.filed_ticket, iso(NOW))
    waiting = ticket_queue.list_queue(db, ticket_queue.QueueFilter(needs_first_response=True))
    assert seeded.filed_ticket not in [t.ticket.id for t in waiting.items]
    assert waiting.total == 2


def test_needs_first_response_leaves_out_closed_tickets(seeded):
    db = seeded.db
    tickets_store.set_closed(db, seeded.filed_ticket, True, now=NOW)
    waiting = ticket_queue.list_queue(db, ticket_queue.QueueFilter(needs_first_response=True))
    assert seeded.filed_ticket not in [t.ticket.id for t in waiting.items]


def test_the_first_response_recorded_first_is_kept(seeded):
    db = seeded.db
    ticket_queue.record_first_response(db, seeded.filed_ticket, iso(NOW))
    ticket_queue.record_first_response(db, seeded.filed_ticket, iso(NOW + timedelta(hours=1)))
    assert db["tickets"].get(seeded.filed_ticket)["first_response_at"] == iso(NOW)


async def test_the_tickets_page_shows_time_left_and_overdue(signed_in, seeded, stored_locally):
    html = await (await signed_in.get("/tickets")).text()
    assert "3 h 20 min left" in html  # the locally kept ticket
    assert "Overdue by 1 d" in html  # the Emergency, due a day before the test clock
    assert html.count("row-overdue") == 2
    assert "kept locally" in html


async def test_a_closed_ticket_is_marked_closed_and_never_overdue(signed_in, seeded):
    """The customer tapped "Problem solved": staff must not chase its deadline."""
    for ticket in (seeded.failed_ticket, seeded.queued_ticket, seeded.filed_ticket):
        tickets_store.set_closed(seeded.db, ticket, True, now=NOW)
    html = await (await signed_in.get("/tickets")).text()
    assert "row-overdue" not in html and "Overdue" not in html
    assert html.count("Closed before a first response") == 3
    assert html.count("closed <time") == 3


async def test_the_conversation_list_says_a_ticket_was_closed(signed_in, seeded):
    tickets_store.set_closed(seeded.db, seeded.filed_ticket, True, now=NOW)
    html = await (await signed_in.get("/conversations")).text()
    assert html.count(" · closed") == 1


async def test_the_tickets_page_filters_needs_first_response_and_sorts(signed_in, seeded):
    ticket_queue.record_first_response(seeded.db, seeded.failed_ticket, iso(NOW))
    html = await (await signed_in.get("/tickets", params={"first": "1"})).text()
    assert "OS-000001" not in html and "OS-000002" in html
    assert 'name="first" value="1" checked' in html
    newest = await (await signed_in.get("/tickets", params={"sort": "newest"})).text()
    assert newest.index("OS-000003") < newest.index("OS-000002") < newest.index("OS-000001")
    due = await (await signed_in.get("/tickets", params={"sort": "due"})).text()
    assert due.index("OS-000002") < due.index("OS-000003")


async def test_unknown_queue_filters_fall_back_to_everything(signed_in, seeded):
    html = await (
        await signed_in.get("/tickets", params={"status": "bogus", "sort": "sideways"})
    ).text()
    assert all(r in html for r in ("OS-000001", "OS-000002", "OS-000003"))


async def test_a_locally_kept_ticket_says_so(signed_in, stored_locally):
    html = await (await signed_in.get(f"/conversations/{stored_locally.conversation}")).text()
    assert "kept locally: Redmine is not configured" in html
    assert "not filed yet" not in html
    assert "3 h 20 min left" in html


async def test_files_kept_off_the_ticket_are_marked_not_sent(signed_in, seeded):
    """Refused and unchecked files are stored for staff, but never went to Redmine."""
    add_attachment(
        seeded.db,
        seeded.english,
        bytes(range(256)),
        file_name="tool.exe",
        mime_type="application/x-msdownload",
        verdict="unchecked",
        verdict_language=None,
        verdict_reason="unsupported",
    )
    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert "tool.exe" in html
    # the refused PDF and the unchecked program; the accepted screenshot went
    assert html.count("Not sent with the ticket") == 2


async def test_the_customer_only_view_leaves_out_the_bot(signed_in, seeded):
    path = f"/conversations/{seeded.chinese}"
    whole = await (await signed_in.get(path)).text()
    assert "请描述发生了什么" in whole
    mine = await (await signed_in.get(path, params={"view": "customer"})).text()
    assert "请描述发生了什么" not in mine
    assert "输入密码后页面一直转圈" in mine
    assert 'aria-current="page">Customer only' in mine


async def test_answers_at_each_step_leave_out_taps_and_commands(signed_in, seeded):
    from intake.storage.review import get_conversation

    detail = get_conversation(seeded.db, seeded.chinese)
    answers = [a for _, texts in detail.answers_by_step for a in texts]
    assert "/start" not in answers
    assert "无法登录控制台" in answers


async def test_the_customers_other_conversations_are_linked(signed_in, seeded, stored_locally):
    html = await (await signed_in.get(f"/conversations/{seeded.chinese}")).text()
    assert f'href="/conversations/{stored_locally.conversation}"' in html
    assert "报表导出失败" in html
    alone = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert "this is their only conversation" in alone


async def test_the_conversations_page_counts_intakes_solved_by_an_article(signed_in, db, seeded):
    line = 'id="solved-by-article">0 intakes ended solved'
    assert line in await (await signed_in.get("/conversations")).text()
    docs_store.record_offer(db, seeded.chinese, ["login-sso"])
    docs_store.record_answer(db, seeded.chinese, "solved")
    html = await (await signed_in.get("/conversations")).text()
    assert 'id="solved-by-article">1 intake ended solved by a suggested article' in html


async def test_staff_can_list_the_intakes_an_article_solved(signed_in, db, seeded):
    conversations.end_conversation(db, seeded.chinese, ConversationStatus.SOLVED)
    html = await (await signed_in.get("/conversations")).text()
    assert '<option value="solved" >Solved by an article</option>' in html
    listed = await (await signed_in.get("/conversations", params={"status": "solved"})).text()
    assert f'aria-label="Conversation {seeded.chinese}"' in listed
    assert f'aria-label="Conversation {seeded.english}"' not in listed


def test_every_status_has_words_for_staff():
    from intake.staff.present import STATUS_LABELS
    from intake.statuses import ConversationStatus, TicketStatus

    assert set(ConversationStatus) | set(TicketStatus) == set(STATUS_LABELS)
