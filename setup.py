"""The one build step pyproject.toml cannot declare: compile the translation catalogs.

The gettext sources stay in the top-level ``locales/`` (managed by scripts/catalogs.py); the
wheel carries them compiled as ``intake/locales/<locale>/LC_MESSAGES/<domain>.mo``, which is
where ``intake.i18n`` looks in an installed package. Everything else is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

SOURCES = Path(__file__).resolve().parent / "locales"


class BuildWithCatalogs(build_py):
    """build_py, then ``locales/*/LC_MESSAGES/*.po`` -> ``<build_lib>/intake/locales/...mo``."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install reads (and compiles) locales/ itself
            self.compile_catalogs()

    def compile_catalogs(self) -> None:
        po_files = sorted(SOURCES.glob("*/LC_MESSAGES/*.po"))
        if not po_files:
            raise SystemExit(f"no catalogs under {SOURCES}: the package would speak no language")
        for po_path in po_files:
            locale = po_path.parent.parent.name
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=locale)
            errors = [f"{msg.id!r}: {error}" for msg, errs in catalog.check() for error in errs]
            if errors:
                raise SystemExit(f"{po_path}: " + "; ".join(errors))
            target = Path(self.build_lib, "intake", "locales", locale, "LC_MESSAGES")
            target.mkdir(parents=True, exist_ok=True)
            mo_path = target / po_path.with_suffix(".mo").name
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            self.announce(f"compiled {po_path.relative_to(SOURCES.parent)} -> {mo_path}", level=2)


if __name__ == "__main__":  # as setuptools' build backend runs it; tests import the class
    setup(cmdclass={"build_py": BuildWithCatalogs})
