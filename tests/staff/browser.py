"""Driving Debian's chromium for the staff tests, and axe-core to audit the pages.

Locally a missing chromium or axe-core skips; in CI (``CI=true``) it fails, so a broken
install cannot pass silently. axe-core comes from npm (scripts/install-test-deps.sh
installs it globally); ``AXE_CORE_JS`` points at another copy of ``axe.min.js``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_chromium() -> None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"chromium not found at {CHROMIUM} (apt-get install -y chromium)")


@functools.cache
def _axe_path() -> Path | None:
    candidates = [os.environ.get("AXE_CORE_JS")]
    try:
        root = subprocess.run(
            ["npm", "root", "-g"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
        candidates.append(f"{root}/axe-core/axe.min.js" if root else None)
    except (OSError, subprocess.TimeoutExpired):
        pass
    local = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
    candidates.append(str(local))
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def axe_script() -> Path:
    path = _axe_path()
    if path is None:
        unavailable("axe-core not found (npm install -g axe-core, or set AXE_CORE_JS)")
    assert path is not None
    return path


async def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.x A/AA and best-practice rules on the page as it is now, one line
    per violation (the page context must bypass the CSP to inject the script)."""
    await page.add_script_tag(path=str(axe_script()))
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
