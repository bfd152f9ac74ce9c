"""User-Agent parsing: what a pasted User-Agent fills in (browser, version, system); and
versions and systems as customers paste them (issue 13: the build number is kept when the
User-Agent has one, and a frozen system version, "Windows NT 10.0" or macOS "10_15_7", is
left to ask)."""

import pytest

from intake import environment
from intake.environment import Environment, from_user_agent

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.6167.85 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WIN, ("Chrome", "121.0.6167.85", "Windows", "")),
        (f"  {CHROME_WIN}  ", ("Chrome", "121.0.6167.85", "Windows", "")),
        (  # every macOS since 11 says 10.15 (Safari, Chrome: 10_15_7): the version is asked
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.2.1 Safari/605.1.15",
            ("Safari", "17.2.1", "macOS", ""),
        ),
        (  # before the freeze, the version is the system's own
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
            ("Safari", "13.1.2", "macOS", "10.13.6"),
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
            ("Firefox", "122.0", "Ubuntu", ""),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36",
            ("Chrome", "120", "Linux", ""),  # Chrome's reduced "120.0.0.0" has no build in it
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
            ("Edge", "120.0.2210.91", "Windows", ""),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
            ("Safari", "17.2", "iOS", "17.2"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.6099.144 Mobile Safari/537.36",
            ("Chrome", "120.0.6099.144", "Android", "14"),
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
            ("Opera", "106", "Windows", ""),
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


@pytest.mark.parametrize(
    "pasted, version",
    [
        ("Version 126.0.6478.127 (Official Build) (64-bit)", "126.0.6478.127"),
        ("128.0.3 (64-bit)", "128.0.3"),
        ("Version 17.5 (19618.2.12.11.6)", "17.5"),
        ("Chrome 126", "126"),
        ("\uff11\uff12\uff16", "126"),  # full-width digits from a Chinese input method
        ("版本 126.0", "126.0"),
        ("v4.2.1", "4.2.1"),
        ("Firefox 115.12.0esr", "115.12.0esr"),
        ("121.0", "121.0"),
    ],
)
def test_a_pasted_version_is_read_as_its_number(pasted, version):
    assert environment.parse_version(pasted) == version


@pytest.mark.parametrize("text", ["not a version", "", "   ", "Chrome"])
def test_text_without_a_number_is_not_a_version(text):
    assert environment.parse_version(text) is None


def test_a_version_is_not_a_browser_name():
    assert not environment.is_browser_name("121.0")
    assert environment.is_browser_name("Vivaldi")


def test_invisible_characters_are_not_text():
    assert environment.visible_text("\u200b\u3164\u2800 \u200d") == ""
    assert environment.visible_text("  Export\u200b  fails ") == "Export fails"


def test_a_user_agent_keeps_the_build_number_and_cannot_tell_windows_10_from_11():
    env = environment.from_user_agent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.6478.127 Safari/537.36"
    )
    assert env is not None
    assert (env.browser, env.browser_version) == ("Chrome", "126.0.6478.127")
    assert (env.os, env.os_version) == ("Windows", "")


def test_an_edge_user_agent_reads_edges_own_version():
    env = environment.from_user_agent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
    )
    assert env is not None
    assert (env.browser, env.browser_version) == ("Edge", "126.0.2592.87")


@pytest.mark.parametrize(
    "typed, read",
    [
        ("chrome", ("Chrome", "")),
        ("Google Chrome", ("Chrome", "")),
        ("谷歌浏览器", ("Chrome", "")),
        ("谷歌", ("Chrome", "")),
        ("mozilla firefox", ("Firefox", "")),
        ("火狐", ("Firefox", "")),
        ("火狐浏览器", ("Firefox", "")),
        ("SAFARI", ("Safari", "")),
        ("苹果浏览器", ("Safari", "")),
        ("Microsoft Edge", ("Edge", "")),
        ("微软 Edge", ("Edge", "")),
        ("edge浏览器", ("Edge", "")),
        ("chrome 126", ("Chrome", "126")),
        ("Firefox 128.0.3", ("Firefox", "128.0.3")),
        ("Chrome 版本 126.0.6478.127", ("Chrome", "版本 126.0.6478.127")),
        ("\uff23\uff48\uff52\uff4f\uff4d\uff45\u3000\uff11\uff12\uff16", ("Chrome", "126")),
    ],
)
def test_a_typed_browser_name_is_read_as_its_button(typed, read):
    assert environment.KNOWN_BROWSERS.read(typed) == read


@pytest.mark.parametrize("typed", ["Vivaldi", "360安全浏览器", "Chromium", "Edgeium", "121.0"])
def test_another_browser_is_not_read_as_a_known_one(typed):
    assert environment.KNOWN_BROWSERS.read(typed) is None


@pytest.mark.parametrize(
    "typed, read",
    [
        ("windows 11", ("Windows", "11")),
        ("win11", ("Windows", "11")),
        ("Win 10", ("Windows", "10")),
        ("mac", ("macOS", "")),
        ("Mac OS X 10.15", ("macOS", "10.15")),
        ("苹果系统", ("macOS", "")),
        ("ubuntu 24.04", ("Ubuntu", "24.04")),
        ("CentOS 9", ("RHEL/CentOS", "9")),
    ],
)
def test_a_typed_system_name_is_read_as_its_button(typed, read):
    assert environment.KNOWN_SYSTEMS.read(typed) == read


@pytest.mark.parametrize("typed", ["Arch Linux", "macbook", "window 11", "24.04"])
def test_another_system_is_not_read_as_a_known_one(typed):
    assert environment.KNOWN_SYSTEMS.read(typed) is None
