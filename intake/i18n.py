"""Locales: which one a user gets, and gettext for code that runs outside a handler.

Plain Python (no aiogram): the bot's i18n middleware, the outbox worker and the staff app
all come here. The gettext sources live in the top-level ``locales/`` directory of a checkout.
An installed package carries them compiled (``intake/locales/*/LC_MESSAGES/*.mo``, written by
the build step in setup.py), so nothing is written into site-packages at run time. Run from a
checkout (``pip install -e .`` or ``python main.py``) the ``.po`` files are the truth and are
compiled next to themselves at start-up when newer, so a fresh checkout needs no build step.
"""

from __future__ import annotations

import gettext as _gettext
import os
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

EN = "en"
ZH = "zh_Hans"
LOCALES = (EN, ZH)
DOMAIN = "messages"


# In a checkout: the sources (top-level locales/, beside pyproject.toml).
SOURCE_LOCALES = Path(__file__).resolve().parent.parent / "locales"
# In an installed package: compiled at build time.
PACKAGED_LOCALES = Path(__file__).resolve().parent / "locales"


def locales_dir() -> Path:
    """Where the catalogs are read: INTAKE_LOCALES, else a checkout's, else the package's.

    A checkout's ``.po`` files win over compiled catalogs that may be left in the package
    directory, so an edited translation shows without a rebuild.
    """
    override = os.environ.get("INTAKE_LOCALES")
    if override:
        return Path(override)
    if (SOURCE_LOCALES / f"{DOMAIN}.pot").is_file() and (
        SOURCE_LOCALES.parent / "pyproject.toml"
    ).is_file():
        return SOURCE_LOCALES
    if PACKAGED_LOCALES.is_dir():
        return PACKAGED_LOCALES
    raise FileNotFoundError(
        f"no translation catalogs: neither {SOURCE_LOCALES} (a checkout) nor "
        f"{PACKAGED_LOCALES} (an installed package); reinstall the package"
    )


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


def language_name(code: str | None, locale: str = EN) -> str | None:
    """A language ("ja") or a locale ("zh_Hans") named in ``locale``, from Babel's CLDR data
    ("Japanese", "日语"; "Chinese (Simplified)", "中文 (简体)"); None when it is unknown.

    The one table of language names: the customer's messages, the staff page and Redmine."""
    if not code:
        return None
    code = code.replace("-", "_")
    try:
        names = Locale.parse(locale)
        if "_" not in code:
            return names.languages.get(code)
        return Locale.parse(code).get_display_name(names)
    except (ValueError, UnknownLocaleError):
        return None


def own_name(locale: str) -> str:
    """One of our locales' language named in itself, as language pickers do ("中文")."""
    parsed = Locale.parse(locale)
    return parsed.languages.get(parsed.language) or locale


def resolve_locale(language_code: str | None) -> str:
    """Telegram language_code to our locale: any zh* is Chinese, everything else English.

    Never raises: a missing, empty or odd code is English.
    """
    code = (language_code or "").strip().lower().replace("_", "-")
    return ZH if code.startswith("zh") else EN


def normalize_locale(value: str | None) -> str:
    """Accept 'zh', 'zh_Hans', 'zh-CN', 'en-US'... and return one of LOCALES."""
    return resolve_locale(value) if value not in LOCALES else value


def compile_catalogs(directory: Path | None = None) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older. Returns what was written.

    An installed package holds no ``.po``, so there this writes nothing.
    """
    directory = directory or locales_dir()
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    compile_catalogs()
    return Translations.load(str(locales_dir()), [normalize_locale(locale)], DOMAIN)


def gettext(locale: str, message: str, /, **params: object) -> str:
    """Translate for an explicit locale, then fill ``{placeholders}``."""
    text = translations(locale).gettext(message)
    return text.format(**params) if params else text


def ngettext(locale: str, singular: str, plural: str, n: int, /, **params: object) -> str:
    text = translations(locale).ngettext(singular, plural, n)
    return text.format(n=n, **params)
