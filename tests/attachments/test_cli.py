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


ISSUE_14_EXAMPLES = [
    "API 返回 401 Unauthorized，token 是刚生成的。",
    "Telegram Desktop 4.14 Windows 版 登录失败",
    "升级到 v2.14.3 (build 8812) 以后 Settings 页面 crash",
    "Error 500 了",
]


def test_issue_14_examples_get_the_right_verdicts(tmp_path, capsys):
    files = []
    for i, text in enumerate(ISSUE_14_EXAMPLES):
        path = tmp_path / f"example_{i}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    diagram = tmp_path / "diagram.svg"
    diagram.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>'
    )
    labelled = tmp_path / "flow.svg"
    labelled.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><title>Login flow</title>'
        "<text>Sign in, then open the dashboard</text></svg>"
    )
    main(["check-attachment", *map(str, [*files, diagram, labelled])])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["verdict"], line["language"]) for line in lines] == [
        *[("refused", "zh")] * 4,
        ("accepted", None),
        ("accepted", "en"),
    ]
