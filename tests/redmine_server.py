"""The real Redmine server for every test that needs one (a pytest plugin, see tests/conftest.py).

The server comes from the env file that ``.ci/redmine.sh start DIR`` writes: named by
REDMINE_TEST_ENV, or started here once for the session from the installed Debian package
(nothing is installed here). Without it the real-server tests skip locally but fail under
CI=true, so CI can never pass them silently.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def read_env_file(path: str | Path) -> dict[str, str]:
    env = {}
    for line in Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip().strip("'\"")
    return env


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Redmine is required in CI: {reason}")
    pytest.skip(f"no Redmine: {reason}")


@pytest.fixture(scope="session")
def redmine_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    path = os.environ.get("REDMINE_TEST_ENV")
    started: Path | None = None
    if not path:
        directory = tmp_path_factory.mktemp("redmine")
        script = ROOT / ".ci" / "redmine.sh"
        proc = subprocess.run(
            ["bash", str(script), "start", str(directory)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode == 3:
            _unavailable("Redmine is not installed (scripts/install-test-deps.sh installs it)")
        if proc.returncode != 0:
            _unavailable(f".ci/redmine.sh failed: {proc.stderr[-2000:]}")
        path = proc.stdout.strip().splitlines()[-1]
        started = directory
    if not Path(path).exists():
        _unavailable(f"env file {path} does not exist")
    env = read_env_file(path)
    yield env
    if started is not None:
        subprocess.run(
            ["bash", str(ROOT / ".ci" / "redmine.sh"), "stop", str(started)],
            capture_output=True,
            timeout=60,
        )
