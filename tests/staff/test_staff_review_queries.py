"""The read-side queries: filters, search in both languages, transcript, retry."""

from __future__ import annotations

import json
from datetime import date, timedelta

from intake.storage import review
from intake.storage.search import ConversationFilter, list_conversations
from tests.factories import T0, add_message, iso, make_conversation, make_ticket, make_user
from tests.staff.conftest import NOW


def ids(db, **filters) -> list[int]:
    return [item.id for item in list_conversations(db, ConversationFilter(**filters)).items]


def test_newest_first(seeded):
    assert ids(seeded.db) == [seeded.in_progress, seeded.switched, seeded.english, seeded.chinese]


def test_search_finds_a_two_character_chinese_word(seeded):
    # 登录 is two characters: the trigram index cannot see it, LIKE must.
    assert ids(seeded.db, query="登录") == [seeded.chinese]


def test_search_finds_chinese_of_three_or_more_characters(seeded):
    assert ids(seeded.db, query="控制台") == [seeded.chinese]
    assert ids(seeded.db, query="十分钟") == [seeded.switched]


def test_search_finds_english_words_in_any_case(seeded):
    assert ids(seeded.db, query="checkout") == [seeded.english]
    assert ids(seeded.db, query="CHECKOUT") == [seeded.english]
    assert ids(seeded.db, query="slow") == [seeded.switched]


def test_bot_prompts_are_searched_only_on_request(seeded):
    # 浏览器 (browser) appears only in the bot's question about the browser.
    assert ids(seeded.db, query="浏览器") == []
    assert ids(seeded.db, query="浏览器", include_bot=True) == [seeded.chinese]
    page = list_conversations(seeded.db, ConversationFilter(query="浏览器", include_bot=True))
    assert page.items[0].snippet.match == "浏览器"


def test_every_word_must_be_in_one_message(seeded):
    assert ids(seeded.db, query="checkout 502") == [seeded.english]
    assert ids(seeded.db, query="checkout 控制台") == []


def test_search_by_receipt_conversation_id_and_name(seeded):
    assert ids(seeded.db, query="OS-000001") == [seeded.chinese]
    assert ids(seeded.db, query=f"#{seeded.english}") == [seeded.english]
    assert ids(seeded.db, query="Lovelace") == [seeded.english]
    assert ids(seeded.db, query="@wangxm") == [seeded.chinese]


def test_like_wildcards_in_a_query_are_literal(seeded):
    assert ids(seeded.db, query="%") == []
    assert ids(seeded.db, query="_") == []


def test_quotes_in_a_query_are_searched_literally(seeded):
    # The payload holds onerror="window.pwned=2": an FTS phrase with a quote inside.
    assert ids(seeded.db, query='onerror="window') == [seeded.english]
    assert ids(seeded.db, query='"window.pwned=3"') == []


def test_snippet_marks_the_match(seeded):
    page = list_conversations(seeded.db, ConversationFilter(query="登录"))
    snippet = page.items[0].snippet
    assert snippet.match == "登录"
    assert snippet.before.endswith("无法")


def test_filters(seeded):
    db = seeded.db
    assert ids(db, language="zh_Hans") == [seeded.chinese]
    assert ids(db, status="queued") == [seeded.switched]
    assert ids(db, impact="emergency") == [seeded.english]
    assert ids(db, refused_only=True) == [seeded.english]
    day = (T0 + timedelta(days=1)).date()
    assert ids(db, started_from=day) == [seeded.in_progress, seeded.switched]
    assert ids(db, started_to=T0.date()) == [seeded.english, seeded.chinese]
    assert ids(db, started_from=date(2030, 1, 1)) == []
    assert ids(db, query="slow", status="filed") == []


def test_refused_filter_also_reads_attachment_verdicts(db):
    conversation = make_conversation(db)
    db["attachments"].insert(
        {
            "conversation_id": conversation,
            "user_id": 1,
            "kind": "photo",
            "verdict": "refused",
            "created_at": iso(T0),
        }
    )
    assert ids(db, refused_only=True) == [conversation]


def test_pagination(db):
    user = make_user(db)
    created = [
        make_conversation(db, user, started_at=iso(T0 + timedelta(minutes=i))) for i in range(7)
    ]
    first = list_conversations(db, page=1, per_page=3)
    last = list_conversations(db, page=3, per_page=3)
    assert (first.total, first.pages) == (7, 3)
    assert [i.id for i in first.items] == created[::-1][:3]
    assert [i.id for i in last.items] == [created[0]]
    assert list_conversations(db, page=9, per_page=3).items == []


def test_transcript_marks_language_switches(seeded):
    detail = review.get_conversation(seeded.db, seeded.switched)
    switches = [m for m in detail.messages if m.language_switch]
    assert len(switches) == 1
    assert switches[0].language == "zh_Hans"
    assert [m.direction for m in detail.messages[:2]] == ["out", "in"]


def test_detail_has_ticket_collected_values_and_attachments(seeded):
    detail = review.get_conversation(seeded.db, seeded.english)
    assert detail.ticket.receipt == "OS-000002"
    assert detail.ticket.external_url == "https://redmine.example.com/issues/4242"
    assert detail.ticket.overdue(NOW)
    assert detail.collected_source == "ticket"
    assert [a.verdict for a in detail.attachments] == ["accepted", "refused"]
    assert all(a.has_blob for a in detail.attachments)
    assert ("description", [detail.messages[3].text]) in detail.answers_by_step


def test_in_progress_conversation_shows_the_draft_from_the_dialogue_state(seeded):
    conv = seeded.db["conversations"].get(seeded.in_progress)
    key = f"fsm:1:{conv['chat_id']}:{conv['user_id']}:default"
    data = {"conversation_id": seeded.in_progress, "draft": {"summary": "Half-way there"}}
    seeded.db["fsm"].insert({"key": key, "state": "Intake:description", "data": json.dumps(data)})
    detail = review.get_conversation(seeded.db, seeded.in_progress)
    assert detail.collected_source == "state"
    assert detail.collected == {"summary": "Half-way there"}


def test_state_of_a_newer_conversation_is_not_shown_for_an_older_one(seeded):
    conv = seeded.db["conversations"].get(seeded.in_progress)
    key = f"fsm:1:{conv['chat_id']}:{conv['user_id']}:default"
    data = {"conversation_id": seeded.in_progress + 100, "draft": {"summary": "Other"}}
    seeded.db["fsm"].insert({"key": key, "data": json.dumps(data)})
    assert review.get_conversation(seeded.db, seeded.in_progress).collected == {}


def test_unknown_conversation_is_none(db):
    assert review.get_conversation(db, 999) is None


def test_tickets_list_shows_failed_first_then_queued(seeded):
    listed = [t.ticket.id for t in review.list_tickets(seeded.db)]
    assert listed == [seeded.failed_ticket, seeded.queued_ticket]


def test_retry_requeues_a_failed_ticket_due_now(seeded):
    assert review.retry_ticket(seeded.db, seeded.failed_ticket, now=NOW)
    row = seeded.db["tickets"].get(seeded.failed_ticket)
    assert row["status"] == "queued"
    assert row["next_attempt_at"].startswith("2025-03-04T12:00:00")
    assert row["attempts"] == 5
    assert seeded.db["conversations"].get(seeded.chinese)["status"] == "queued"


def test_retry_moves_a_queued_ticket_forward(seeded):
    assert review.retry_ticket(seeded.db, seeded.queued_ticket, now=NOW)
    assert (
        seeded.db["tickets"]
        .get(seeded.queued_ticket)["next_attempt_at"]
        .startswith("2025-03-04T12:00:00")
    )


def test_retry_refuses_filed_and_unknown_tickets(seeded):
    assert not review.retry_ticket(seeded.db, seeded.filed_ticket, now=NOW)
    assert seeded.db["tickets"].get(seeded.filed_ticket)["status"] == "filed"
    assert not review.retry_ticket(seeded.db, 999, now=NOW)


def test_a_ticket_with_broken_fields_json_still_loads(db):
    conversation = make_conversation(db)
    ticket = make_ticket(db, conversation)
    db.execute("UPDATE tickets SET fields = 'not json' WHERE id = ?", [ticket])
    assert review.get_conversation(db, conversation).ticket.fields == {}


def test_message_without_conversation_is_not_searched(db):
    conversation = make_conversation(db)
    add_message(db, conversation, "orphan text")
    db.execute("UPDATE messages SET conversation_id = NULL")
    assert ids(db, query="orphan") == []
