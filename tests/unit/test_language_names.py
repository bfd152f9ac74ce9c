"""Language names come from Babel's CLDR data, in the reader's language (intake.i18n)."""

from intake.i18n import language_name, own_name
from intake.staff.present import LANGUAGE_LABELS
from intake.tickets.redmine.render import language_name as redmine_language


def test_languages_and_locales_are_named_in_the_readers_language():
    assert language_name("ja") == "Japanese"
    assert language_name("ja", "zh_Hans") == "日语"
    assert language_name("zh_Hans") == "Chinese (Simplified)"
    assert language_name("zh-Hans", "zh_Hans") == "中文 (简体)"
    assert language_name("xx") is None
    assert language_name(None) is None


def test_our_locales_named_in_themselves_for_buttons_and_staff():
    assert own_name("en") == "English"
    assert own_name("zh_Hans") == "中文"
    assert LANGUAGE_LABELS == {"en": "English", "zh_Hans": "中文 (简体)"}


def test_redmine_reads_english_names_with_the_code():
    assert redmine_language("zh_Hans") == "Chinese (Simplified) (zh_Hans)"
    assert redmine_language("en") == "English (en)"
