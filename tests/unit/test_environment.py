"""Versions and systems as customers paste them (issue 13)."""

import pytest

from intake import environment


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
    assert environment.system_label(env) == "Windows 10 or 11"


def test_an_edge_user_agent_reads_edges_own_version():
    env = environment.from_user_agent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
    )
    assert env is not None
    assert (env.browser, env.browser_version) == ("Edge", "126.0.2592.87")
