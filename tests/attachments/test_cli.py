# ruff: noqa: RUF001  (Chinese, Japanese and Cyrillic text is the point here)
"""python main.py check-attachment: JSON lines, one per file, exit 0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from intake.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_one_json_line_per_file_in_order(tmp_path, capsys):
    english = tmp_path / "app.log"
    english.write_text("ERROR upload aborted: connection reset by peer\n")
    chinese = tmp_path / "说明.txt"
    chinese.write_bytes("登录时提示密码错误，但是密码是对的。".encode("gbk"))
    missing = tmp_path / "nope.png"
    assert main(["check-attachment", str(english), str(chinese), str(missing)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == [str(english), str(chinese), str(missing)]
    assert [(line["verdict"], line["language"], line["reason"]) for line in lines] == [
        ("accepted", "en", "english"),
        ("refused", "zh", "not_english"),
        ("unchecked", None, "missing"),
    ]
    assert all({"detail", "excerpt", "elapsed_ms"} <= set(line) for line in lines)


def test_locale_adds_the_customer_message(tmp_path, capsys):
    path = tmp_path / "voice.ogg"
    path.write_bytes(b"OggS\x00\x02" + bytes(64))
    main(["check-attachment", "--locale", "en", str(path)])
    line = json.loads(capsys.readouterr().out)
    assert line["reason"] == "audio"
    assert "write in English" in line["message"]


def test_runs_from_main_py(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("The invoice shows the wrong company name.")
    out = subprocess.run(
        [sys.executable, "main.py", "check-attachment", str(path), "missing.pdf"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    verdicts = [json.loads(line)["verdict"] for line in out.stdout.splitlines()]
    assert verdicts == ["accepted", "unchecked"]
