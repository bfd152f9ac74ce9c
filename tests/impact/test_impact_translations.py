"""Every msgid this area introduces has a Chinese translation with the same placeholders."""

import json
import re
from pathlib import Path

from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "intake" / "impact").glob("*.py")), ROOT / "intake/commands/sla.py"]
KEYWORDS = {"N_": None, "gettext": (2,), "ngettext": (2, 3)}
INCOMING = ROOT / "locales" / "incoming" / "impact.json"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def extracted_msgids() -> set[str]:
    msgids = set()
    for path in SOURCES:
        for _lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            msgids.update([message] if isinstance(message, str) else message)
    return msgids


def translations() -> dict[str, str]:
    return json.loads(INCOMING.read_text(encoding="utf-8"))


def test_extraction_finds_the_levels_and_questions():
    msgids = extracted_msgids()
    assert "Highly Degraded" in msgids
    assert any(m.startswith("Is Orangesky completely unusable") for m in msgids)
    assert "Support is closed now; it opens {when}." in msgids


def test_every_msgid_is_translated_and_none_is_stale():
    assert set(translations()) == extracted_msgids()


def test_translations_keep_the_placeholders():
    for msgid, msgstr in translations().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_translations_are_chinese_unless_only_placeholders():
    for msgid, msgstr in translations().items():
        if PLACEHOLDER.sub("", msgid).strip(" ,()"):
            assert HAN.search(msgstr), msgid
