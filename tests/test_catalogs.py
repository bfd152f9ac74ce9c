"""The committed catalogs are current, complete and safe to format.

The .pot must equal what extraction finds now, every Chinese message is translated, and a
translation keeps its msgid's ``{placeholders}`` and HTML tags (a missing placeholder raises
KeyError at run time; a broken tag makes Telegram refuse the whole message). Nothing here
writes into locales/: extraction, compilation and the gettext spot check use tmp_path.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import importlib.util
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from intake import i18n

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
HAN = re.compile(r"[\u4e00-\u9fff]")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _load_tool():
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogs"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


catalogs = _load_tool()


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def ids(catalog: Catalog) -> set:
    return {message.id for message in messages(catalog)}


def pairs(message: Message) -> list[tuple[str, str]]:
    """(source, translation) pairs: each plural form is checked against the plural msgid."""
    if not message.pluralizable:
        return [(message.id, message.string)]
    singular, plural = message.id
    return [
        (singular if i == 0 and len(message.string) > 1 else plural, s)
        for i, s in enumerate(message.string)
    ]


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def tags(text: str) -> Counter:
    return Counter((match.group(1), match.group(2).lower()) for match in TAG.finditer(text))


def balanced(text: str) -> bool:
    stack = []
    for match in TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


@pytest.fixture(scope="module")
def template() -> Catalog:
    return read(POT)


@pytest.fixture(scope="module", params=i18n.LOCALES)
def locale_catalog(request) -> tuple[str, Catalog]:
    locale = request.param
    return locale, read(LOCALES / locale / "LC_MESSAGES" / "messages.po", locale)


@pytest.fixture(scope="module")
def chinese() -> Catalog:
    return read(LOCALES / i18n.ZH / "LC_MESSAGES" / "messages.po", i18n.ZH)


# --- the template is current ---------------------------------------------------------------


def test_committed_pot_has_the_msgids_extraction_finds_now(template, tmp_path):
    fresh = tmp_path / "messages.pot"
    catalogs.write_catalog(catalogs.extract(ROOT), fresh)
    extracted = ids(read(fresh))
    assert extracted, "extraction found nothing: is babel.cfg there?"
    new, gone = extracted - ids(template), ids(template) - extracted
    assert not new and not gone, (
        f"run `python scripts/catalogs.py all`: new {sorted(new)[:5]}, gone {sorted(gone)[:5]}"
    )


def test_extraction_sees_every_marking_style():
    found = ids(catalogs.extract(ROOT))
    assert "▶️ Start" in found  # aiogram's _ in a handler module
    assert "Open a new support request" in found  # N_ in intake/app.py
    assert "Support is staffed right now." in found  # gettext(locale, ...) in a plain module


def test_every_locale_has_every_template_msgid(template, locale_catalog):
    locale, catalog = locale_catalog
    missing = ids(template) - ids(catalog)
    assert not missing, f"{locale}: {sorted(missing)[:5]}"


def test_english_msgstrs_are_empty_so_the_msgid_is_shown():
    catalog = read(LOCALES / i18n.EN / "LC_MESSAGES" / "messages.po", i18n.EN)
    filled = [m.id for m in messages(catalog) if any(s for _, s in pairs(m))]
    assert not filled


# --- the Chinese catalog is complete ---------------------------------------------------------


def test_every_chinese_message_is_translated_and_not_fuzzy(chinese):
    untranslated = [m.id for m in messages(chinese) if m.fuzzy or not all(s for _, s in pairs(m))]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_chinese_translations_are_chinese_unless_the_msgid_has_no_words(chinese):
    for message in messages(chinese):
        for source, translation in pairs(message):
            words = re.sub(r"\{\w*\}", "", source)
            if re.search(r"[A-Za-z]{3,}", words):
                assert HAN.search(translation), source


# --- translations are safe to format and to send as HTML ------------------------------------


def test_placeholders_are_the_same_in_msgid_and_msgstr(locale_catalog):
    locale, catalog = locale_catalog
    for message in messages(catalog):
        for source, translation in pairs(message):
            if translation:
                assert placeholders(translation) == placeholders(source), (locale, source)


def test_html_tags_are_the_same_and_balanced(locale_catalog):
    locale, catalog = locale_catalog
    for message in messages(catalog):
        for source, translation in pairs(message):
            if translation:
                assert tags(translation) == tags(source), (locale, source)
                assert balanced(translation), (locale, source)


def test_msgids_themselves_have_balanced_tags_and_valid_placeholders(template):
    for message in messages(template):
        for text in message.id if message.pluralizable else [message.id]:
            assert balanced(text), text
            placeholders(text)  # raises ValueError on a stray brace


# --- compiled, they work ---------------------------------------------------------------------


def test_po_files_compile_without_errors(locale_catalog, tmp_path):
    locale, _catalog = locale_catalog
    po_path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
    mo_path = tmp_path / "messages.mo"
    assert catalogs.compile_catalog(po_path, mo_path, locale) == []
    with mo_path.open("rb") as mo_file:
        translations = stdlib_gettext.GNUTranslations(mo_file)
    expected = "▶️ 开始" if locale == i18n.ZH else "▶️ Start"
    assert translations.gettext("▶️ Start") == expected


@pytest.fixture
def compiled_copy(tmp_path, monkeypatch):
    """intake.i18n pointed at a copy of the .po files, so its start-up compile stays in tmp."""
    for locale in i18n.LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(LOCALES / locale / "LC_MESSAGES" / "messages.po", target)
    monkeypatch.setenv("INTAKE_LOCALES", str(tmp_path))
    i18n.translations.cache_clear()
    yield tmp_path
    i18n.translations.cache_clear()


def test_intake_gettext_speaks_chinese_for_zh_hans(compiled_copy):
    assert i18n.gettext(i18n.ZH, "Step {n} of {total}", n=2, total=6) == "第 2 步，共 6 步"  # noqa: RUF001
    assert HAN.search(i18n.gettext(i18n.ZH, "Open a new support request"))
    assert i18n.gettext(i18n.EN, "Open a new support request") == "Open a new support request"
    assert sorted(p.name for p in compiled_copy.glob("*/LC_MESSAGES/*.mo")) == [
        "messages.mo",
        "messages.mo",
    ]


def test_switching_language_confirms_in_the_new_language(compiled_copy):
    assert "中文" in i18n.gettext(i18n.ZH, "All set: from now on I will write in this language.")


# The Chinese e2e dialogue finds each step by these words (tests/e2e/steps.py, ZH).
E2E_WORDS = {
    "▶️ Start": "开始",
    "📝 In one line, what is the problem? This becomes the ticket's title "
    "(up to {max} characters).": "一句话",
    "🌐 Which browser do you use Orangesky in?\nTip: you can also paste your browser's "
    "User-Agent and I will read browser, version and system from it.": "浏览器",
    "🔢 Which version of {browser}? For example {short} or {full}.": "版本",
    "💻 Which operating system or Linux distribution?": "操作系统",
    "🔢 Which version of {os}? Tap it below, or type another.": "版本",
    "🔢 Which version of {os}? Type it as your system shows it.": "版本",
    "🍊 Which Orangesky version or deployment are you on? For example 4.2.1, or “cloud”. "
    "The version is shown under Help → About in Orangesky.": "Orangesky 版本",
    "🏷 Anything else that identifies your setup? For example the server address, cluster "
    "name or account ID. This is optional.": "其他",
    "⚖️ From what you wrote, this sounds like:": "听起来",
    "⚖️ How badly are you affected?": "影响",
    "🗒 Describe what happens: what you did, what you expected and what you saw instead. "
    "Send as many messages as you like, then tap Done.": "描述",
    "📎 Screenshots, logs or other files help a lot. Send them now (several at once is "
    "fine), or skip. Please note: attachments must be in English.": "截图",
    "🔎 Please check your ticket before it is sent:": "请核对",
    "✅ Thank you! Your ticket <b>{receipt}</b> has been received.": "工单",
    "✅ Done": "完成",
    "Skip ⏭": "跳过",
    "✅ Yes, that's right": "是的",
    "✅ Confirm and send": "确认并提交",
    "Please note: if we offer you a call, it will be in English only.": "英语",
}

# The e2e user acts as soon as a word shows up anywhere in the chat, so a prompt must not
# contain the word of the step after it before that step's prompt has replaced it.
E2E_MUST_NOT_CONTAIN = {
    "I will help you open a support ticket in a few short steps: a one-line summary, your "
    "browser and system, how badly you are affected, a description and any screenshots or "
    "logs. It takes about three minutes.": ["一句话"],
    "📝 In one line, what is the problem? This becomes the ticket's title "
    "(up to {max} characters).": ["浏览器", "版本", "操作系统", "其他", "听起来", "截图"],
    "🌐 Which browser do you use Orangesky in?\nTip: you can also paste your browser's "
    "User-Agent and I will read browser, version and system from it.": ["版本", "操作系统"],
    "💻 Which operating system or Linux distribution?": ["版本"],
}


def test_chinese_prompts_carry_the_words_the_e2e_dialogue_waits_for(chinese):
    for msgid, word in E2E_WORDS.items():
        assert word in chinese[msgid].string, (msgid, word)
    for msgid, words in E2E_MUST_NOT_CONTAIN.items():
        assert not [w for w in words if w in chinese[msgid].string], msgid


# --- the tool: re-runnable, and merge never clobbers a reviewed translation ------------------


def make_tree(root: Path, source: str, incoming: str) -> None:
    (root / "intake").mkdir(parents=True)
    (root / "babel.cfg").write_text("[python: intake/**.py]\n")
    (root / "intake" / "mod.py").write_text(source, encoding="utf-8")
    (root / "locales" / "incoming").mkdir(parents=True)
    (root / "locales" / "incoming" / "area.json").write_text(incoming, encoding="utf-8")


SOURCE = """
from intake.i18n import N_, gettext, ngettext
_ = N_
A = _("Hello {name}")
B = N_("Bye")
C = gettext("en", "Closed now")
D = ngettext("en", "{n} file", "{n} files", 2)
E = gettext(LOCALE_ONLY)
"""


def test_all_builds_catalogs_from_incoming_json_and_a_rerun_changes_nothing(tmp_path, capsys):
    make_tree(
        tmp_path,
        SOURCE,
        '{"Hello {name}": "你好 {name}", "Bye": "再见", "{n} file": "{n} 个文件", "Gone": "旧的"}',
    )
    paths = catalogs.Paths(tmp_path)
    assert catalogs.cmd_all(paths) == 0
    zh = read(paths.po("zh_Hans"), "zh_Hans")
    assert zh["Hello {name}"].string == "你好 {name}"
    assert zh["{n} file"].string == ("{n} 个文件",)
    assert zh["Closed now"].string == ""  # no translation anywhere: reported, left empty
    output = capsys.readouterr().out
    assert "missing: 'Closed now'" in output
    assert "area.json: 1 msgid(s) no longer in the code" in output
    assert ids(read(paths.template)) == {
        "Hello {name}",
        "Bye",
        "Closed now",
        ("{n} file", "{n} files"),
    }
    assert all(m.string in ("", ("", "")) for m in messages(read(paths.po("en"), "en")))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.po*")}
    catalogs.cmd_all(paths)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.po*")} == before


def test_merge_fills_empty_and_fuzzy_but_keeps_a_reviewed_translation(tmp_path):
    make_tree(tmp_path, SOURCE, '{"Hello {name}": "你好 {name}", "Bye": "再见"}')
    paths = catalogs.Paths(tmp_path)
    catalogs.cmd_all(paths)
    po = paths.po("zh_Hans")
    po.write_text(po.read_text("utf-8").replace('msgstr "再见"', 'msgstr "回头见"'), "utf-8")
    # The msgid changes: the old translation becomes a fuzzy guess until the JSON has it.
    (tmp_path / "intake" / "mod.py").write_text(
        SOURCE.replace("Hello {name}", "Hello, {name}"), encoding="utf-8"
    )
    catalogs.cmd_extract(paths)
    catalogs.cmd_update(paths)
    assert read(po, "zh_Hans")["Hello, {name}"].fuzzy
    (paths.incoming / "area.json").write_text(
        '{"Hello, {name}": "您好，{name}", "Bye": "再见"}',  # noqa: RUF001
        encoding="utf-8",
    )
    report = catalogs.merge(zh := read(po, "zh_Hans"), paths)
    assert (zh["Hello, {name}"].string, zh["Hello, {name}"].fuzzy) == ("您好，{name}", False)  # noqa: RUF001
    assert zh["Bye"].string == "回头见" and report.differs == ["Bye"]
    catalogs.merge(zh, paths, overwrite=True)
    assert zh["Bye"].string == "再见"
