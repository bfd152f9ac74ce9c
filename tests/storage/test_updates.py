"""What the bot stores for every update: the inbox (updates) and the user (users)."""

from intake.storage import updates as inbox
from intake.storage import users


def test_a_finished_update_is_a_repeat_per_bot(fresh_db):
    assert inbox.begin(fresh_db, 1, 7, '{"update_id": 7}') == inbox.NEW
    inbox.finish(fresh_db, 1, 7)
    assert inbox.begin(fresh_db, 1, 7, '{"update_id": 7}') == inbox.REPEAT
    assert inbox.begin(fresh_db, 2, 7, '{"update_id": 7}') == inbox.NEW


def test_an_unfinished_update_is_not_a_repeat(fresh_db):
    assert inbox.begin(fresh_db, 1, 7, '{"update_id": 7}') == inbox.NEW
    assert inbox.begin(fresh_db, 1, 7, '{"update_id": 7}') == inbox.NEW  # crashed mid-way
    assert [u.update_id for u in inbox.pending(fresh_db, 1)] == [7]


def test_another_update_reusing_a_finished_id_is_handled(fresh_db):
    inbox.begin(fresh_db, 1, 7, '{"update_id": 7, "forged": true}')
    inbox.finish(fresh_db, 1, 7)
    assert inbox.begin(fresh_db, 1, 7, '{"update_id": 7, "message": {}}') == inbox.NEW


def test_a_stored_batch_hands_back_only_what_needs_handling(fresh_db):
    assert inbox.store(fresh_db, 1, [(1, "a"), (2, "b")]) == {1, 2}
    inbox.finish(fresh_db, 1, 1)
    assert inbox.store(fresh_db, 1, [(1, "a"), (2, "b"), (3, "c")]) == {2, 3}
    assert inbox.status_of(fresh_db, 1, 1) == "done"


def test_update_ids_outside_sqlite_range_are_invalid():
    assert inbox.valid_update_id(2**63 - 1)
    assert not inbox.valid_update_id(2**63)
    assert not inbox.valid_update_id(-1)
    assert not inbox.valid_update_id(True)


def test_the_stored_language_is_kept_when_telegram_reports_another(fresh_db):
    users.touch_user(fresh_db, 1, language_code="zh-hant")
    user = users.touch_user(fresh_db, 1, language_code="en-US")
    assert user.language == "zh_Hans"


def test_odd_language_codes_never_raise(fresh_db):
    for code in (None, "", "xx-YY-ZZ", "!!", "zh_Hant_TW", "EN"):
        assert users.touch_user(fresh_db, 2, language_code=code).language in ("en", "zh_Hans")
