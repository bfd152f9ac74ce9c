"""``python main.py`` as a newcomer runs it: no token, a chat page, Ctrl-C to stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_main_py_serves_the_chat_prints_the_urls_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BOT_TOKEN", "REDMINE_URL", "REDMINE_API_KEY")
    }
    env["INTAKE_DATABASE"] = str(tmp_path / "data" / "intake.sqlite3")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not any("Press Ctrl-C" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(lines)
            lines.append(line)
        output = "".join(lines)
        assert f"Chat:   http://127.0.0.1:{port}/" in output
        assert f"Staff:  http://127.0.0.1:{port}/staff/" in output
        assert "sign in as 'playground' with password" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/config", timeout=10) as r:
            assert json.load(r)["staff_url"] == "/staff/"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert b"Orangesky Intake" in r.read()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, rest
    assert "Traceback" not in rest
    assert (tmp_path / "data" / "intake.sqlite3").exists()
