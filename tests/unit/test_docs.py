"""Documentation first: the article index finds the topic in both languages, and only it."""

import pytest

from intake.docs import DocsIndex, read_article
from intake.storage import conversations, users
from intake.storage import docs as docs_store
from intake.storage.db import open_db


@pytest.fixture(scope="module")
def index() -> DocsIndex:
    return DocsIndex.from_folder()


@pytest.mark.parametrize(
    "summary, language, slug",
    [
        ("Export to CSV fails with an error", "en", "export-large-reports"),
        ("Orangesky shows 502 errors for all users", "en", "bad-gateway-502"),
        ("How do I enable SSO?", "en", "login-sso"),
        ("导出功能报错 无法下载报表", "zh_Hans", "export-large-reports"),
        ("无法登录", "zh_Hans", "login-sso"),
    ],
)
def test_a_summary_finds_its_article(index, summary, language, slug):
    found = index.search(summary, language)
    assert [a.slug for a in found] == [slug]
    assert found[0].language == language


def test_an_english_summary_from_a_chinese_customer_gets_the_chinese_article(index):
    (article,) = index.search("Export to CSV fails with an error", "zh_Hans")
    assert article.language == "zh_Hans"


@pytest.mark.parametrize(
    "summary, language, slug",
    [
        ("Reports page is slow", "en", "login-sso"),  # "page" alone is no topic
        ("Reports page is slow", "en", "bad-gateway-502"),
        ("登录后页面空白", "zh_Hans", "bad-gateway-502"),  # nor is "页面"
    ],
)
def test_a_word_every_page_has_does_not_bring_an_article(index, summary, language, slug):
    assert slug not in [a.slug for a in index.search(summary, language)]


def test_a_shorter_word_finds_its_longer_forms(index):
    """ "slow" finds "Dashboards load slowly" without a stemmer."""
    assert [a.slug for a in index.search("Page loads slow", "en")] == ["slow-dashboards"]


@pytest.mark.parametrize("summary", ["hello", "", "It does not work", "请帮忙"])
def test_nothing_is_offered_without_a_topic(index, summary):
    assert index.search(summary, "en") == []


def test_an_article_is_its_title_and_first_paragraph(tmp_path):
    path = tmp_path / "cache.zh.md"
    path.write_text("# 清除缓存\n\n第一段。\n\n第二段。\n", encoding="utf-8")
    article = read_article(path)
    assert (article.slug, article.language, article.title, article.excerpt) == (
        "cache",
        "zh_Hans",
        "清除缓存",
        "第一段。",
    )


def test_a_chinese_paragraph_over_several_lines_is_joined_without_spaces(tmp_path):
    path = tmp_path / "export.zh.md"
    path.write_text(
        "# 导出\n\n请分批导出，\n或使用定时导出。\nSee the CSV\nguide.\n",  # noqa: RUF001
        encoding="utf-8",
    )
    assert read_article(path).excerpt == "请分批导出，或使用定时导出。See the CSV guide."  # noqa: RUF001


def test_the_answer_is_recorded_for_the_staff_count():
    db = open_db()
    user = users.touch_user(db, 1, language_code="en", first_name="A")
    conversation = conversations.start_conversation(db, user.id, 1, "en")
    docs_store.record_offer(db, conversation, ["login-sso"])
    assert docs_store.solved_count(db) == 0
    docs_store.record_answer(db, conversation, "solved")
    assert docs_store.solved_count(db) == 1
