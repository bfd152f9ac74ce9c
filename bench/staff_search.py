# ruff: noqa: RUF001 - generated Chinese text uses full-width punctuation
"""Staff review speed over 100,000 generated messages in Chinese and English.

    python bench/staff_search.py [--messages 100000] [--runs 15]

Builds a temporary database through the real migrations (FTS5 trigram index and triggers
included), then times the queries the staff pages run: the newest-first list, filters, a deep
page, searches of 3+ characters (FTS5 trigram MATCH) and 1-2 characters (LIKE scan) in both
languages, and one conversation's page. Target: < 50 ms a search.

"cpu" is the median CPU time of this process (the query's own cost, steady on a shared
machine); the wall-clock min, median and p95 add whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake.storage import review, search
from intake.storage.db import open_db
from intake.storage.search import ConversationFilter

EN_WORDS = (
    "the page shows an error after I sign in and the dashboard stays blank orders fail "
    "export report slow timeout server cluster browser version upgrade button click "
    "customer invoice payment cannot load spinner network firewall proxy certificate "
    "login password reset email link expired mobile app crash chart data missing"
).split()
ZH_PHRASES = (
    "登录",
    "控制台",
    "页面",
    "报错",
    "一直转圈",
    "无法打开",
    "导出报表",
    "很慢",
    "服务器",
    "集群",
    "浏览器",
    "版本",
    "升级以后",
    "点击按钮",
    "没有反应",
    "客户",
    "发票",
    "付款",
    "加载失败",
    "网络",
    "防火墙",
    "代理",
    "证书",
    "密码",
    "重置",
    "邮件",
    "链接过期",
    "手机应用",
    "崩溃",
    "图表",
    "数据丢失",
    "同事也一样",
    "请尽快处理",
    "谢谢",
)
BOT_EN = (
    "Describe the problem in one sentence.",
    "Which browser and version?",
    "How bad is it?",
    "Anything else? Send files or press Done.",
)
BOT_ZH = (
    "请用一句话描述问题。",
    "您使用的是哪个浏览器和版本？",
    "影响有多严重？",
    "还有别的吗？可以发送文件，或点击完成。",
)
STEPS = ("Intake:summary", "Intake:description", "Intake:browser", "Intake:impact", "Intake:extra")
STATUSES = ("in_progress", "submitted", "queued", "filed", "failed", "cancelled")
IMPACTS = ("emergency", "highly-degraded", "medium", "low")


def english(rng: random.Random) -> str:
    return " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(6, 24))).capitalize()


def chinese(rng: random.Random) -> str:
    return "，".join(rng.choice(ZH_PHRASES) for _ in range(rng.randint(3, 9))) + "。"


def build(path: Path, messages: int, seed: int = 7) -> tuple[object, int]:
    rng = random.Random(seed)
    db = open_db(path)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    per_conversation = 20
    conversations = messages // per_conversation
    db.execute("BEGIN")
    for user_id in range(1, conversations // 2 + 1):
        db.execute(
            "INSERT INTO users (id, username, first_name, language, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, f"user{user_id}", f"Name{user_id}", "en", "2024-01-01", "2024-01-01"],
        )
    message_rows = []
    for cid in range(1, conversations + 1):
        language = "zh_Hans" if rng.random() < 0.5 else "en"
        opened = start + timedelta(minutes=cid * 53)
        status = rng.choice(STATUSES)
        impact = rng.choice(IMPACTS)
        user_id = rng.randint(1, conversations // 2)
        db.execute(
            "INSERT INTO conversations (id, user_id, chat_id, status, language, started_at, "
            "updated_at, summary, impact, has_refused) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                cid,
                user_id,
                user_id,
                status,
                language,
                opened.isoformat(),
                opened.isoformat(),
                (chinese if language == "zh_Hans" else english)(rng)[:60],
                impact,
                int(rng.random() < 0.05),
            ],
        )
        if status in ("queued", "filed", "failed"):
            db.execute(
                "INSERT INTO tickets (conversation_id, receipt, user_id, chat_id, language, "
                "summary, fields, impact, opened_at, due_at, sink, status, created_at, "
                "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    cid,
                    f"OS-{cid:06d}",
                    user_id,
                    user_id,
                    language,
                    "summary",
                    "{}",
                    impact,
                    opened.isoformat(),
                    (opened + timedelta(hours=8)).isoformat(),
                    "redmine",
                    status,
                    opened.isoformat(),
                    opened.isoformat(),
                ],
            )
        for index in range(per_conversation):
            lang = language
            if rng.random() < 0.03:  # the odd language switch
                lang = "en" if language == "zh_Hans" else "zh_Hans"
            outgoing = index % 2 == 0
            if outgoing:
                text = rng.choice(BOT_ZH if lang == "zh_Hans" else BOT_EN)
            else:
                text = (chinese if lang == "zh_Hans" else english)(rng)
            message_rows.append(
                (
                    cid,
                    user_id,
                    user_id,
                    "out" if outgoing else "in",
                    "text",
                    text,
                    STEPS[min(index // 4, len(STEPS) - 1)],
                    lang,
                    (opened + timedelta(seconds=30 * index)).isoformat(),
                )
            )
    db.conn.executemany(
        "INSERT INTO messages (conversation_id, user_id, chat_id, direction, kind, text, step, "
        "language, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        message_rows,
    )
    db.execute("COMMIT")
    db.execute("ANALYZE")
    return db, conversations


def timed(label: str, run: Callable[[], object], runs: int) -> None:
    run()  # warm the page cache once
    wall: list[float] = []
    cpu: list[float] = []
    result = None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = run()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    wall.sort()
    p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
    total = getattr(result, "total", "")
    print(
        f"{label:<48} cpu {statistics.median(cpu):5.1f}  wall min {wall[0]:5.1f}"
        f"  median {statistics.median(wall):5.1f}  p95 {p95:5.1f} ms  {total!s:>5} hits"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        db, conversations = build(Path(tmp) / "bench.sqlite3", args.messages)
        count = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        print(
            f"built {count} messages in {conversations} conversations "
            f"in {time.perf_counter() - began:.1f} s\n"
        )

        def listing(**filters: object) -> Callable[[], object]:
            page = int(filters.pop("page", 1))  # type: ignore[arg-type]
            return lambda: search.list_conversations(
                db,
                ConversationFilter(**filters),
                page=page,
                per_page=25,  # type: ignore[arg-type]
            )

        timed("list: newest first, page 1", listing(), args.runs)
        timed("list: page 100", listing(page=100), args.runs)
        timed(
            "list: Chinese + failed + emergency",
            listing(language="zh_Hans", status="failed", impact="emergency"),
            args.runs,
        )
        timed(
            "list: refused attachments, one month",
            listing(
                refused_only=True,
                started_from=datetime(2024, 2, 1).date(),
                started_to=datetime(2024, 2, 29).date(),
            ),
            args.runs,
        )
        timed("search en 3+ chars: 'timeout' (FTS5 trigram)", listing(query="timeout"), args.runs)
        timed("search en two words: 'export slow' (FTS5)", listing(query="export slow"), args.runs)
        timed(
            "search en rare: 'certificate expired'",
            listing(query="certificate expired"),
            args.runs,
        )
        timed("search zh 3+ chars: '控制台' (FTS5 trigram)", listing(query="控制台"), args.runs)
        timed(
            "search zh 3+ chars: '链接过期' (FTS5 trigram)", listing(query="链接过期"), args.runs
        )
        timed("search zh 2 chars: '登录' (LIKE scan)", listing(query="登录"), args.runs)
        timed("search zh 2 chars: '发票' (LIKE scan)", listing(query="发票"), args.runs)
        timed("search en 2 chars: 'ap' (LIKE scan)", listing(query="ap"), args.runs)
        timed(
            "search zh 2 chars incl. bot messages: '登录'",
            listing(query="登录", include_bot=True),
            args.runs,
        )
        timed(
            "search zh 2 chars + filters: '登录' zh failed",
            listing(query="登录", language="zh_Hans", status="failed"),
            args.runs,
        )
        timed("search zh 2 chars, page 20: '登录'", listing(query="登录", page=20), args.runs)
        timed("search receipt: 'OS-000123'", listing(query="OS-000123"), args.runs)
        middle = conversations // 2
        timed(
            "conversation page (20 messages + ticket)",
            lambda: review.get_conversation(db, middle),
            args.runs,
        )
        db.close()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
