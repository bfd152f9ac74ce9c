"""Translation catalogs: extract, update, merge the incoming translations, compile.

    python scripts/catalogs.py all       # extract, update, merge, compile (re-runnable)
    python scripts/catalogs.py extract   # intake/**.py -> locales/messages.pot
    python scripts/catalogs.py update    # .pot -> locales/{en,zh_Hans}/LC_MESSAGES/messages.po
    python scripts/catalogs.py merge     # locales/incoming/*.json -> zh_Hans msgstr
    python scripts/catalogs.py compile   # .po -> .mo (gitignored; the app also compiles at start)
    python scripts/catalogs.py check     # writes nothing; exit 1 if the .pot is stale or
                                         # a Chinese message is missing

Chinese arrives as ``locales/incoming/<area>.json`` ({msgid: msgstr}); ``merge`` fills
every zh_Hans message whose msgstr is empty or fuzzy (``--overwrite`` also replaces translations
that differ). English msgstr stay empty: gettext then returns the msgid itself.

Files are written only when a message changed (header dates are ignored), and locations carry
no line numbers, so re-running on an unchanged tree leaves git clean and diffs stay small.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "messages"
EN = "en"
ZH = "zh_Hans"
LOCALES = (EN, ZH)
# --no-default-keywords -k _ -k N_ -k gettext:2 -k ngettext:2,3
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "gettext": (2,),
    "ngettext": (2, 3),
}
HEADER = (  # lines under 76 columns: write_po wraps longer comment lines
    "# Messages of the Orangesky Intake bot and the services around it.\n"
    "# Written by scripts/catalogs.py; Chinese translations are merged\n"
    "# from locales/incoming/*.json (edit those, then run `all`).\n"
    "#"
)
# Lines that change on every run without saying anything about the messages.
_VOLATILE = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')
_WRITE_OPTIONS = {"sort_by_file": True, "include_lineno": False, "ignore_obsolete": True}


@dataclass(frozen=True)
class Paths:
    """Where one tree keeps its catalogs; tests point this at a temporary copy."""

    root: Path = ROOT

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def template(self) -> Path:
        return self.locales / f"{DOMAIN}.pot"

    @property
    def incoming(self) -> Path:
        return self.locales / "incoming"

    def po(self, locale: str) -> Path:
        return self.locales / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass
class MergeReport:
    filled: int = 0
    missing: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    unused: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)


# --- extract -----------------------------------------------------------------------------


def _project_version(root: Path) -> str:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0"


def extract(root: Path = ROOT) -> Catalog:
    """Every marked string under the babel.cfg mapping, as a template catalog."""
    with (root / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    # extract_from_dir walks the whole tree (data/ included); descend only into the top-level
    # directories the patterns name, unless a pattern starts with a wildcard.
    tops = {pattern.split("/", 1)[0] for pattern, _method in method_map}
    if any("/" not in pattern or "*" in pattern.split("/", 1)[0] for pattern, _m in method_map):
        tops = {"*"}

    base = os.path.abspath(root)  # what extract_from_dir joins dirpath onto

    def wanted(dirpath: str) -> bool:
        rel = Path(os.path.relpath(dirpath, base))
        if rel.name.startswith((".", "_")):  # Babel's default filter: .git, __pycache__
            return False
        return any(fnmatch(rel.parts[0], top) for top in tops)

    catalog = _new_catalog(root)
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS, directory_filter=wanted
    ):
        catalog.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def _new_catalog(root: Path, locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        header_comment=HEADER,
        project="Orangesky Intake",
        version=_project_version(root),
        copyright_holder="Orangesky",
        charset="utf-8",
        fuzzy=False,
    )


def write_catalog(catalog: Catalog, path: Path) -> bool:
    """Write ``catalog`` as PO unless only volatile header lines would change."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, **_WRITE_OPTIONS)
    new = buffer.getvalue()
    if path.exists() and _stable(path.read_bytes()) == _stable(new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def _stable(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(_VOLATILE)]


def cmd_extract(paths: Paths) -> int:
    catalog = extract(paths.root)
    changed = write_catalog(catalog, paths.template)
    print(
        f"extract: {len(catalog)} msgids -> {paths.template.relative_to(paths.root)}"
        f"{'' if changed else ' (unchanged)'}"
    )
    return 0


# --- update ------------------------------------------------------------------------------


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def update(paths: Paths, locale: str) -> Catalog:
    """The locale's catalog brought in line with the template (created when missing)."""
    template = read_catalog(paths.template)
    po_path = paths.po(locale)
    catalog = (
        read_catalog(po_path, locale) if po_path.exists() else _new_catalog(paths.root, locale)
    )
    # English is the msgid itself: no fuzzy guesses to carry around.
    catalog.update(template, no_fuzzy_matching=(locale == EN), update_creation_date=False)
    if locale == EN:
        for message in _messages(catalog):
            message.string = ("", "") if message.pluralizable else ""
            message.flags.discard("fuzzy")
    return catalog


def cmd_update(paths: Paths) -> int:
    for locale in LOCALES:
        catalog = update(paths, locale)
        changed = write_catalog(catalog, paths.po(locale))
        fuzzy = sum(1 for m in _messages(catalog) if m.fuzzy)
        print(
            f"update: {locale}: {len(catalog)} msgids, {fuzzy} fuzzy"
            f"{'' if changed else ' (unchanged)'}"
        )
    return 0


def _messages(catalog: Catalog) -> Iterable[Message]:
    return (message for message in catalog if message.id)


# --- merge -------------------------------------------------------------------------------


def incoming(paths: Paths) -> tuple[dict[str, str | list[str]], dict[str, list[str]], list[str]]:
    """All incoming translations; which msgids each file has; msgids two files disagree on.

    Files are read in name order and the first translation of a msgid wins.
    """
    merged: dict[str, str | list[str]] = {}
    by_file: dict[str, list[str]] = {}
    conflicts: list[str] = []
    for path in sorted(paths.incoming.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SystemExit(f"{path}: expected a JSON object {{msgid: msgstr}}")
        by_file[path.name] = list(data)
        for msgid, msgstr in data.items():
            if msgid in merged and merged[msgid] != msgstr:
                conflicts.append(f"{path.name}: {msgid!r}")
                continue
            merged.setdefault(msgid, msgstr)
    return merged, by_file, conflicts


def merge(catalog: Catalog, paths: Paths, *, overwrite: bool = False) -> MergeReport:
    """Fill ``catalog`` (zh_Hans) from locales/incoming/*.json."""
    translations, by_file, conflicts = incoming(paths)
    report = MergeReport(conflicts=conflicts)
    known: set[str] = set()
    for message in _messages(catalog):
        key = message.id[0] if message.pluralizable else message.id
        known.add(key)
        value = translations.get(key)
        if not value:
            if not _translated(message):
                report.missing.append(key)
            continue
        new = _as_msgstr(message, value, catalog.num_plurals)
        if _translated(message):
            if message.string == new:
                continue
            if not overwrite:
                report.differs.append(key)
                continue
        message.string = new
        message.flags.discard("fuzzy")
        message.previous_id = []
        report.filled += 1
    for name, msgids in by_file.items():
        unused = [msgid for msgid in msgids if msgid not in known]
        if unused:
            report.unused[name] = unused
    return report


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(strings)


def _as_msgstr(
    message: Message, value: str | list[str], num_plurals: int
) -> str | tuple[str, ...]:
    if not message.pluralizable:
        return value if isinstance(value, str) else value[0]
    forms = [value] if isinstance(value, str) else list(value)
    return tuple((forms + forms[-1:] * num_plurals)[:num_plurals])


def cmd_merge(paths: Paths, *, overwrite: bool = False) -> int:
    catalog = read_catalog(paths.po(ZH), ZH)
    report = merge(catalog, paths, overwrite=overwrite)
    changed = write_catalog(catalog, paths.po(ZH))
    total = len(list(_messages(catalog)))
    print(
        f"merge: {ZH}: filled {report.filled}, translated {total - len(report.missing)}"
        f"/{total}{'' if changed else ' (unchanged)'}"
    )
    for msgid in report.missing:
        print(f"  missing: {msgid!r}")
    for msgid in report.differs:
        print(f"  kept the .po translation (incoming differs; --overwrite takes it): {msgid!r}")
    for name, msgids in report.unused.items():
        print(f"  {name}: {len(msgids)} msgid(s) no longer in the code, e.g. {msgids[0]!r}")
    for conflict in report.conflicts:
        print(f"  conflict, an earlier file's translation kept: {conflict}")
    return 0


# --- compile -----------------------------------------------------------------------------


def compile_catalog(po_path: Path, mo_path: Path, locale: str) -> list[str]:
    """Write the .mo (fuzzy messages left out); return Babel's check errors, if any."""
    catalog = read_catalog(po_path, locale)
    errors = [
        f"{po_path.name}: {message.id!r}: {error}"
        for message, message_errors in catalog.check()
        for error in message_errors
    ]
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    mo_path.write_bytes(buffer.getvalue())
    return errors


def cmd_compile(paths: Paths) -> int:
    errors = []
    for locale in LOCALES:
        po_path = paths.po(locale)
        errors += compile_catalog(po_path, po_path.with_suffix(".mo"), locale)
        print(f"compile: {locale} -> {po_path.with_suffix('.mo').relative_to(paths.root)}")
    for error in errors:
        print(f"  error: {error}", file=sys.stderr)
    return 1 if errors else 0


# --- check and all -----------------------------------------------------------------------


def cmd_check(paths: Paths) -> int:
    """Writes nothing: is the .pot current, and is every Chinese message translated?"""
    problems = []
    extracted = {m.id for m in _messages(extract(paths.root))}
    committed = {m.id for m in _messages(read_catalog(paths.template))}
    if extracted != committed:
        problems.append(
            f"the .pot is stale: {len(extracted - committed)} new, "
            f"{len(committed - extracted)} gone; run `all`"
        )
    for locale in LOCALES:
        catalog = read_catalog(paths.po(locale), locale)
        if missing := committed - {m.id for m in _messages(catalog)}:
            problems.append(f"{locale}: {len(missing)} msgids missing; run `all`")
    zh = read_catalog(paths.po(ZH), ZH)
    untranslated = [m.id for m in _messages(zh) if not _translated(m)]
    problems += [f"{ZH}: not translated: {msgid!r}" for msgid in untranslated]
    for problem in problems:
        print(problem)
    print(f"check: {len(committed)} msgids, {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_all(paths: Paths, *, overwrite: bool = False) -> int:
    for step in (cmd_extract, cmd_update):
        step(paths)
    cmd_merge(paths, overwrite=overwrite)
    return cmd_compile(paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "command", choices=("extract", "update", "merge", "compile", "all", "check")
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository (default: this one)"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="merge: also replace zh_Hans translations that differ from the incoming JSON",
    )
    args = parser.parse_args(argv)
    paths = Paths(args.root.resolve())
    commands = {
        "extract": lambda: cmd_extract(paths),
        "update": lambda: cmd_update(paths),
        "merge": lambda: cmd_merge(paths, overwrite=args.overwrite),
        "compile": lambda: cmd_compile(paths),
        "all": lambda: cmd_all(paths, overwrite=args.overwrite),
        "check": lambda: cmd_check(paths),
    }
    return commands[args.command]()


if __name__ == "__main__":
    sys.exit(main())
