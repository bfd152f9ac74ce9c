"""User-Agent parsing: what a pasted User-Agent fills in (browser, version, system)."""

import pytest

from intake.environment import Environment, from_user_agent

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.6167.85 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WIN, ("Chrome", "121.0.6167", "Windows", "10")),
        (f"  {CHROME_WIN}  ", ("Chrome", "121.0.6167", "Windows", "10")),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.2.1 Safari/605.1.15",
            ("Safari", "17.2.1", "macOS", "10.15.7"),
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
            ("Firefox", "122.0", "Ubuntu", ""),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36",
            ("Chrome", "120.0.0", "Linux", ""),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
            ("Edge", "120.0.2210", "Windows", "10"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
            ("Safari", "17.2", "iOS", "17.2"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.6099.144 Mobile Safari/537.36",
            ("Chrome", "120.0.6099", "Android", "14"),
        ),
        (
            "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            ("Firefox", "121.0", "Fedora", ""),
        ),
        (
            "Mozilla/5.0 (X11; CentOS; Linux x86_64; rv:91.0) Gecko/20100101 Firefox/91.0",
            ("Firefox", "91.0", "RHEL/CentOS", ""),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
            ("Opera", "106.0.0", "Windows", "10"),
        ),
        (
            "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
            ("IE", "11.0", "Windows", "7"),
        ),
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            ("Googlebot", "2.1", "", ""),
        ),
    ],
)
def test_a_user_agent_fills_browser_version_and_system(user_agent, expected):
    assert from_user_agent(user_agent) == Environment(*expected)


@pytest.mark.parametrize(
    "text",
    [
        "short Chrome/1",  # too short to be a User-Agent
        "Mozilla/5.0 something Chrome/ with nothing else here at all",  # no browser found
        "The page is blank after login on every browser we tried",
    ],
)
def test_text_that_is_not_a_readable_user_agent_gives_none(text):
    assert from_user_agent(text) is None
