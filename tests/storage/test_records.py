"""Record functions: what the bot writes for every update."""

from intake.storage import records


def test_a_repeated_update_is_recognised_per_bot(fresh_db):
    assert records.record_update(fresh_db, 7, {"update_id": 7}, bot_id=1)
    assert not records.record_update(fresh_db, 7, {"update_id": 7}, bot_id=1)
    assert records.record_update(fresh_db, 7, {"update_id": 7}, bot_id=2)


def test_the_stored_language_is_kept_when_telegram_reports_another(fresh_db):
    records.touch_user(fresh_db, 1, language_code="zh-hant")
    user = records.touch_user(fresh_db, 1, language_code="en-US")
    assert user.language == "zh_Hans"


def test_odd_language_codes_never_raise(fresh_db):
    for code in (None, "", "xx-YY-ZZ", "!!", "zh_Hant_TW", "EN"):
        assert records.touch_user(fresh_db, 2, language_code=code).language in ("en", "zh_Hans")
