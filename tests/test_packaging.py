"""An installed package carries its catalogs compiled; a checkout compiles its own .po."""

import gettext as stdlib_gettext
import runpy
from pathlib import Path

import pytest
from setuptools.dist import Distribution

from intake import i18n

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def built_package(tmp_path):
    """What setup.py's build step puts into a wheel: intake/locales/*/LC_MESSAGES/*.mo."""
    build = runpy.run_path(str(ROOT / "setup.py"), run_name="setup")["BuildWithCatalogs"]
    command = build(Distribution({"name": "orangesky-intake"}))
    command.build_lib = str(tmp_path / "lib")
    command.compile_catalogs()
    return tmp_path / "lib" / "intake" / "locales"


def test_the_build_step_compiles_every_catalog_into_the_package(built_package):
    compiled = sorted(p.relative_to(built_package) for p in built_package.rglob("*.mo"))
    assert compiled == [
        Path(locale, "LC_MESSAGES", "messages.mo") for locale in sorted(i18n.LOCALES)
    ]
    with (built_package / i18n.ZH / "LC_MESSAGES" / "messages.mo").open("rb") as mo_file:
        assert stdlib_gettext.GNUTranslations(mo_file).gettext("▶️ Start") == "▶️ 开始"


def test_an_installed_package_reads_its_compiled_catalogs_and_writes_nothing(
    built_package, tmp_path, monkeypatch
):
    monkeypatch.delenv("INTAKE_LOCALES", raising=False)
    monkeypatch.setattr(i18n, "SOURCE_LOCALES", tmp_path / "site-packages" / "locales")
    monkeypatch.setattr(i18n, "PACKAGED_LOCALES", built_package)
    before = sorted(built_package.rglob("*"))
    i18n.translations.cache_clear()
    try:
        assert i18n.locales_dir() == built_package
        assert i18n.gettext(i18n.ZH, "▶️ Start") == "▶️ 开始"
    finally:
        i18n.translations.cache_clear()
    assert sorted(built_package.rglob("*")) == before


def test_a_checkout_reads_its_own_sources(monkeypatch):
    monkeypatch.delenv("INTAKE_LOCALES", raising=False)
    assert i18n.locales_dir() == ROOT / "locales"


def test_no_catalogs_anywhere_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("INTAKE_LOCALES", raising=False)
    monkeypatch.setattr(i18n, "SOURCE_LOCALES", tmp_path / "nowhere")
    monkeypatch.setattr(i18n, "PACKAGED_LOCALES", tmp_path / "intake" / "locales")
    with pytest.raises(FileNotFoundError, match="reinstall"):
        i18n.locales_dir()
