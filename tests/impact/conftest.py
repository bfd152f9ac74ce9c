import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from intake import i18n

INCOMING = Path(__file__).resolve().parents[2] / "locales" / "incoming" / "impact.json"


@pytest.fixture
def impact_catalog(tmp_path, monkeypatch):
    """A locales directory holding only this area's Chinese translations (incoming/impact.json),
    so this area's Chinese output is tested on its own, whatever the merged catalogs hold."""
    catalog = Catalog(locale="zh_Hans", domain=i18n.DOMAIN)
    for msgid, msgstr in json.loads(INCOMING.read_text(encoding="utf-8")).items():
        catalog.add(msgid, msgstr)
    po_dir = tmp_path / "zh_Hans" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    with (po_dir / f"{i18n.DOMAIN}.po").open("wb") as po_file:
        write_po(po_file, catalog)
    monkeypatch.setenv("INTAKE_LOCALES", str(tmp_path))
    i18n.translations.cache_clear()
    yield tmp_path
    i18n.translations.cache_clear()
