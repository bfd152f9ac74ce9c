"""The customer's environment: browser, version, operating system, from buttons or a User-Agent.

Plain Python. The support page asks for "the browser's version, type, distro"; these
functions validate what the user types and read all three from a pasted User-Agent string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ua_parser

BROWSERS = ("Chrome", "Firefox", "Safari", "Edge")
SYSTEMS = ("Windows", "macOS", "Ubuntu", "Debian", "Fedora", "RHEL/CentOS")

_VERSION = re.compile(r"^v?\d{1,5}(?:\.\d{1,6}){0,4}(?:[-+ ]?[0-9A-Za-z.\-]{1,20})?$")
_UA_MARKERS = ("Mozilla/", "AppleWebKit", "Gecko/", "Chrome/", "Safari/", "Firefox/")

_FAMILY_NAMES = {
    "Chrome": "Chrome",
    "Chromium": "Chromium",
    "Chrome Mobile": "Chrome",
    "Firefox": "Firefox",
    "Firefox Mobile": "Firefox",
    "Safari": "Safari",
    "Mobile Safari": "Safari",
    "Edge": "Edge",
    "Opera": "Opera",
}
_OS_NAMES = {"Mac OS X": "macOS", "Red Hat": "RHEL/CentOS", "CentOS": "RHEL/CentOS"}


@dataclass(frozen=True)
class Environment:
    browser: str
    browser_version: str
    os: str
    os_version: str


def is_version(text: str) -> bool:
    """A browser or product version: digits with dots, optional suffix ('121.0', '17.2.1')."""
    return bool(_VERSION.match(text.strip()))


def normalize_version(text: str) -> str:
    return text.strip().removeprefix("v").removeprefix("V")


def looks_like_user_agent(text: str) -> bool:
    return len(text) > 30 and any(marker in text for marker in _UA_MARKERS)


def _version(*parts: str | None) -> str:
    """Major, minor and patch as '121.0.6167', numbers without leading zeros."""
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts if p is not None)


def from_user_agent(text: str) -> Environment | None:
    """Browser, version and OS from a User-Agent; None when it is not one we can read."""
    if not looks_like_user_agent(text):
        return None
    text = text.strip()
    browser_ua = ua_parser.parse_user_agent(text)
    if browser_ua is None or browser_ua.family in ("Other", ""):
        return None
    browser_version = _version(browser_ua.major, browser_ua.minor, browser_ua.patch)
    if not browser_version:
        return None
    browser = _FAMILY_NAMES.get(browser_ua.family, browser_ua.family)
    system = ua_parser.parse_os(text)
    os_family = _OS_NAMES.get(system.family, system.family) if system else ""
    if os_family == "Other":
        os_family = ""
    if os_family == "Linux":
        # Most Linux User-Agents do not name the distro; the user fills it in after.
        os_family = next((d for d in ("Ubuntu", "Debian", "Fedora") if d in text), "Linux")
    return Environment(
        browser=browser,
        browser_version=browser_version,
        os=os_family,
        os_version=_version(system.major, system.minor, system.patch) if system else "",
    )
