"""The customer's environment: browser, version, operating system, from buttons or a User-Agent.

Plain Python. The support page asks for "the browser's version, type, distro"; these
functions validate what the user types and read all three from a pasted User-Agent string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ua_parser

BROWSERS = ("Chrome", "Firefox", "Safari", "Edge")
# What customers type for those browsers instead of tapping their buttons (any case, spaces
# optional; the names themselves count too): only names that cannot mean another browser.
BROWSER_NAMES = {
    "google chrome": "Chrome",
    "chrome浏览器": "Chrome",
    "谷歌浏览器": "Chrome",
    "谷歌": "Chrome",
    "mozilla firefox": "Firefox",
    "firefox浏览器": "Firefox",
    "火狐浏览器": "Firefox",
    "火狐": "Firefox",
    "safari浏览器": "Safari",
    "苹果浏览器": "Safari",
    "microsoft edge": "Edge",
    "edge浏览器": "Edge",
    "微软edge": "Edge",
}
# A version as each browser's About page shows it (short, full): the examples its question gives.
VERSION_EXAMPLES = {
    "Chrome": ("121", "121.0.6167.85"),
    "Firefox": ("121", "121.0.1"),
    "Safari": ("17", "17.5"),
    "Edge": ("121", "121.0.2277.83"),
}
OTHER_VERSION_EXAMPLE = ("121", "121.0")
# A browser version the customer could not find, even with the help: stored, filed in Redmine
# and shown to staff as this word; the customer reads it in their own language.
UNKNOWN_VERSION = "unknown"
SYSTEMS = ("Windows", "macOS", "Ubuntu", "Debian", "Fedora", "RHEL/CentOS")
# The same for the systems: "win11" is Windows 11, "苹果系统" macOS.
SYSTEM_NAMES = {
    "win": "Windows",
    "mac os x": "macOS",
    "mac os": "macOS",
    "os x": "macOS",
    "mac": "macOS",
    "苹果系统": "macOS",
    "rhel": "RHEL/CentOS",
    "centos": "RHEL/CentOS",
    "red hat": "RHEL/CentOS",
}
# The versions most customers run, offered as buttons at the system version question: the
# supported releases as of late 2026 (macOS numbers by year since 26; Ubuntu's LTS releases).
# Any other version is typed. Review when a system ships a release.
SYSTEM_VERSIONS: dict[str, tuple[str, ...]] = {
    "Windows": ("10", "11"),
    "macOS": ("14", "15", "26", "27"),
    "Ubuntu": ("22.04", "24.04", "26.04"),
    "Debian": ("12", "13"),
    "Fedora": ("43", "44", "45"),
    "RHEL/CentOS": ("8", "9", "10"),
}

_VERSION = re.compile(r"^v?\d{1,5}(?:\.\d{1,6}){0,4}(?:[-+ ]?[0-9A-Za-z.\-]{1,20})?$")
# What About pages put around the number: "(Official Build) (64-bit)", "(19618.2.12.11.6)".
_PARENTHESES = re.compile(r"\([^)]*\)")
# Leading words before the number: "Version", "Chrome", "Google Chrome", "版本", "版本号:"
# (after NFKC a full-width colon is an ASCII one).
_LABEL = re.compile(r"^(?:[^\W\d_]+[\s:]*)+", re.UNICODE)
# Characters that show nothing: zero-width and format characters, and the "blank" letters
# people paste to get past a required field (Hangul fillers, the braille blank).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
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


def visible_text(text: str | None) -> str:
    """One line of what a reader sees: invisible characters dropped, whitespace collapsed."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc") else ch
        for ch in (text or "")
        if unicodedata.category(ch) != "Cf" and ch not in _BLANK_LOOKING
    )
    return " ".join(kept.split())


def parse_version(text: str) -> str | None:
    """A version as people paste it from an About page, or None when there is none.

    "Version 126.0.6478.127 (Official Build) (64-bit)" -> "126.0.6478.127",
    "Chrome 126" -> "126", Safari's "Version 17.5 (19618.2.12.11.6)" -> "17.5",
    full-width digits -> "126". The bot's own "I don't know" help sends people to exactly
    these About pages.
    """
    value = unicodedata.normalize("NFKC", text)
    value = _PARENTHESES.sub(" ", value)
    value = " ".join(value.split())
    if not value or not value[0].isdigit():
        value = _LABEL.sub("", value).strip()
    value = value.removeprefix("v").removeprefix("V")
    if not _VERSION.match(value):
        return None
    return value


# A system's name before a number: "Ubuntu 24.04" typed for the browser's version.
_SYSTEM_WORDS = re.compile(
    r"\b(?:windows|win|mac\s?os|os\s?x|ubuntu|debian|fedora|rhel|centos|red\s?hat|linux|"
    r"android|i(?:pad)?os)\b",
    re.IGNORECASE,
)


def names_system(text: str) -> bool:
    """The words before the number name an operating system, not a browser."""
    label = re.split(r"\d", unicodedata.normalize("NFKC", text), maxsplit=1)[0]
    return bool(_SYSTEM_WORDS.search(label))


def is_version(text: str) -> bool:
    """A browser or product version: digits with dots, optional suffix ('121.0', '17.2.1')."""
    return parse_version(text) is not None


def normalize_version(text: str) -> str:
    return parse_version(text) or text.strip()


def is_browser_name(text: str) -> bool:
    """A name has a letter in it: "121.0" typed at the browser question is a version."""
    return any(ch.isalpha() for ch in text)


def _compact(name: str) -> str:
    return "".join(name.split()).casefold()


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


class KnownNames:
    """A table of names customers type for the buttons' choices, read at the start of a text.

    Longest name first ("google chrome" before "谷歌"); spaces inside a name are optional
    ("微软 edge"); a Latin name must end its word ("win11" is Windows, "macbook" is not macOS).
    """

    def __init__(self, choices: tuple[str, ...], names: dict[str, str]) -> None:
        table = {**{c: c for c in choices}, **names}
        self.canonical = {_compact(name): choice for name, choice in table.items()}
        alternatives = [
            r"\s*".join(map(re.escape, name)) + ("(?![a-z])" if _latin(name[-1]) else "")
            for name in sorted(self.canonical, key=len, reverse=True)
        ]
        self.pattern = re.compile(f"(?:{'|'.join(alternatives)})", re.IGNORECASE)

    def read(self, text: str) -> tuple[str, str] | None:
        """(the choice, the words after its name) when ``text`` starts with a known name:
        "Google Chrome 126" -> ("Chrome", "126"); None for any other name."""
        value = unicodedata.normalize("NFKC", text).strip()
        match = self.pattern.match(value)
        if match is None:
            return None
        return self.canonical[_compact(match.group())], value[match.end() :].strip()


KNOWN_BROWSERS = KnownNames(BROWSERS, BROWSER_NAMES)
KNOWN_SYSTEMS = KnownNames(SYSTEMS, SYSTEM_NAMES)


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
    os_version = _version(system.major, system.minor, system.patch) if system else ""
    if version_untold(os_family, os_version):
        os_version = ""  # asked after the user confirms
    full = _full_version(text, browser)
    if _REDUCED.match(full):
        full = full.split(".")[0]  # "126.0.0.0" claims a build the User-Agent no longer has
    return Environment(
        browser=browser,
        browser_version=full or browser_version,
        os=os_family,
        os_version=os_version,
    )


def version_untold(os_family: str, os_version: str) -> bool:
    """Browsers freeze the system's version in the User-Agent: Windows 11 still says
    "Windows NT 10.0", and every macOS since 11 says 10.15 (Safari, Chrome: 10_15_7)."""
    if os_family == "Windows":
        return os_version in ("10", "10.0")
    if os_family == "macOS":
        return os_version.startswith("10.15")
    return False


# Chromium's reduced User-Agent (since Chrome 101): the major version, then "0.0.0".
_REDUCED = re.compile(r"^\d+\.0\.0\.0$")


# The token that carries each browser's full version (ua-parser reads three parts at most).
_VERSION_TOKENS = {
    "Chrome": r"(?:Chrome|CriOS)/([\d.]+)",
    "Chromium": r"Chromium/([\d.]+)",
    "Firefox": r"(?:Firefox|FxiOS)/([\d.]+)",
    "Safari": r"Version/([\d.]+)",
    "Edge": r"Edg(?:e|A|iOS)?/([\d.]+)",
    "Opera": r"OPR/([\d.]+)",
}


def _full_version(text: str, browser: str) -> str:
    pattern = _VERSION_TOKENS.get(browser)
    match = re.search(pattern, text) if pattern else None
    return match.group(1) if match else ""
