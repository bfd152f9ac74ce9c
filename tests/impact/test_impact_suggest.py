# ruff: noqa: RUF001 - Chinese text uses full-width punctuation; some inputs are full-width on purpose

import pytest

from intake.impact.questions import suggest_from_text

SUGGESTION_VECTORS = [
    # Emergency
    ("We get 502 errors on every page", "emergency"),
    ("Bad Gateway since 9am", "emergency"),
    ("503 Service Unavailable", "emergency"),
    ("Orangesky is DOWN", "emergency"),
    ("the site went down an hour ago", "emergency"),
    ("Production down for all users", "emergency"),
    ("major outage in our region", "emergency"),
    ("Orangesky is completely unusable", "emergency"),
    ("Nobody can open the dashboard", "emergency"),
    ("Ｏrangesky shows ５０２ for everyone", "emergency"),  # full-width input
    ("Orangesky 完全无法使用", "emergency"),
    ("服务器宕机了", "emergency"),
    ("系统挂了，所有用户都进不去", "emergency"),
    ("所有用户都无法登录", "emergency"),
    # Highly degraded
    ("I can't log in since the upgrade", "highly-degraded"),
    ("I can’t login", "highly-degraded"),  # typographic apostrophe
    ("Unable to sign in", "highly-degraded"),
    ("The report page is extremely slow", "highly-degraded"),
    ("App crashes when I open orders", "highly-degraded"),
    ("Search times out after 60 s", "highly-degraded"),
    ("Exports fail and there is no workaround", "highly-degraded"),
    ("无法登录", "highly-degraded"),
    ("打开订单页面就崩溃", "highly-degraded"),
    ("报表加载非常慢", "highly-degraded"),
    # Medium
    ("A bug in exports, we use a workaround for now", "medium"),
    ("We found a work-around", "medium"),
    ("The filter doesn't work on dates", "medium"),
    ("Error when saving a draft order", "medium"),
    ("The dashboard is slower than last week", "medium"),
    ("导出有错误，暂时用变通办法", "medium"),
    ("保存时报错", "medium"),
    # Low
    ("How do I enable two-factor login codes?", "low"),
    ("Question about the API documentation", "low"),
    ("Is it possible to change the logo?", "low"),
    ("如何启用双因素认证？", "low"),
    ("请问怎么修改密码", "low"),
    ("文档里的部署步骤", "low"),
]


@pytest.mark.parametrize(("text", "key"), SUGGESTION_VECTORS)
def test_suggest_from_text(text, key):
    level = suggest_from_text(text)
    assert level is not None, text
    assert level.key == key


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Hello",
        "你好",
        "Please send me the download link",  # "down" inside a word
        "The dropdown shows the wrong label",
        "Version 5.0.2 on Firefox 121",  # not a 502
        "Order 15020 has the wrong address",
    ],
)
def test_no_suggestion_when_nothing_matches(text):
    assert suggest_from_text(text) is None
