# ruff: noqa: RUF001 - Chinese customer text uses full-width punctuation
"""Fixtures for the staff app: a seeded database, a signed-in client, a live server."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image
from sqlite_utils import Database

from intake.staff.app import create_staff_app
from intake.storage.db import open_db
from intake.storage.staff import hash_password
from tests.factories import (
    T0,
    add_attachment,
    add_dialogue,
    add_message,
    iso,
    make_conversation,
    make_ticket,
    make_user,
)

STAFF_NAME = "alice"
STAFF_PASSWORD = "correct horse battery"
SCRIPT_PAYLOAD = '<script>window.pwned = 1</script><img src=x onerror="window.pwned=2">'
NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


@dataclass
class Seeded:
    db: Database
    chinese: int  # conversation ids
    english: int
    switched: int
    in_progress: int
    failed_ticket: int
    queued_ticket: int
    filed_ticket: int
    image_attachment: int
    refused_attachment: int


def png_bytes(color: tuple[int, int, int] = (232, 104, 12)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 400), color).save(out, format="PNG")
    return out.getvalue()


def seed(db: Database) -> Seeded:
    """A small realistic store: Chinese, English, a language switch, tickets in each state."""
    wang = make_user(
        db,
        username="wangxm",
        first_name="小明",
        last_name="王",
        telegram_language="zh-hans",
        language="zh_Hans",
    )
    zh = make_conversation(
        db,
        wang,
        language="zh_Hans",
        status="failed",
        summary="无法登录控制台",
        impact="highly-degraded",
        started_at=iso(T0),
        ended_at=iso(T0 + timedelta(minutes=6)),
    )
    add_dialogue(
        db,
        zh,
        [
            ("in", "/start", None),
            ("out", "您好！我是 Orangesky 支持助手。请用一句话描述问题。", "summary"),
            ("in", "无法登录控制台", "summary"),
            ("out", "请描述发生了什么，以及您期望看到什么。", "description"),
            ("in", "输入密码后页面一直转圈，无法登录。同事也一样。", "description"),
            ("out", "您使用的是哪个浏览器和版本？", "browser"),
            ("in", "Chrome 120，Windows 11", "browser"),
        ],
    )
    db.execute("UPDATE messages SET kind = 'command' WHERE text = '/start'")
    failed = make_ticket(
        db,
        zh,
        status="failed",
        impact="highly-degraded",
        attempts=5,
        last_error="Redmine answered 503 Service Unavailable",
        due_at=iso(T0 + timedelta(hours=4)),
        fields={
            "summary": "无法登录控制台",
            "browser": "Chrome",
            "browser_version": "120",
            "os": "Windows",
            "os_version": "11",
            "impact": "highly-degraded",
            "description": ["输入密码后页面一直转圈，无法登录。同事也一样。"],
        },
    )

    ada = make_user(db, username="ada", first_name="Ada", last_name="Lovelace")
    en = make_conversation(
        db,
        ada,
        status="filed",
        summary="Orders fail with error 502",
        impact="emergency",
        started_at=iso(T0 + timedelta(hours=2)),
    )
    add_dialogue(
        db,
        en,
        [
            ("out", "Hello! Describe the problem in one sentence.", "summary"),
            ("in", "Orders fail with error 502", "summary"),
            ("out", "What happened, and what did you expect?", "description"),
            (
                "in",
                f"Every checkout shows 502. Pasted from the log: {SCRIPT_PAYLOAD}",
                "description",
            ),
        ],
        start=T0 + timedelta(hours=2),
    )
    filed = make_ticket(
        db,
        en,
        status="filed",
        impact="emergency",
        external_id="4242",
        external_url="https://redmine.example.com/issues/4242",
        due_at=iso(T0 + timedelta(hours=2, minutes=30)),
        filed_at=iso(T0 + timedelta(hours=2, minutes=1)),
    )
    image = add_attachment(
        db,
        en,
        png_bytes(),
        kind="photo",
        file_name="checkout.png",
        mime_type="image/png",
        verdict="accepted",
    )
    refused = add_attachment(
        db,
        en,
        b"%PDF-1.4 fake",
        kind="document",
        file_name='../../etc/passwd"<b>.pdf',
        mime_type="application/pdf",
        verdict="refused",
        verdict_language="zh",
        verdict_reason="not_english",
        verdict_excerpt="错误日志：登录失败",
    )

    li = make_user(
        db,
        username="li",
        first_name="Li",
        last_name="Na",
        telegram_language="en",
        language="zh_Hans",
    )
    sw = make_conversation(
        db,
        li,
        status="queued",
        summary="Export is slow",
        impact="medium",
        started_at=iso(T0 + timedelta(days=1)),
    )
    add_dialogue(
        db,
        sw,
        [
            ("out", "Hello! Describe the problem in one sentence.", "summary"),
            ("in", "Export is slow", "summary"),
        ],
        start=T0 + timedelta(days=1),
        language="en",
    )
    add_dialogue(
        db,
        sw,
        [
            ("in", "/language", None),
            ("out", "已切换为中文。请描述发生了什么。", "description"),
            ("in", "导出报表要十分钟以上", "description"),
        ],
        start=T0 + timedelta(days=1, minutes=5),
        language="zh_Hans",
    )
    queued = make_ticket(
        db,
        sw,
        status="queued",
        impact="medium",
        attempts=1,
        last_error="timeout after 10 s",
        due_at=iso(NOW + timedelta(hours=6)),
    )

    bob = make_user(db, username="bob", first_name="Bob", last_name=None)
    wip = make_conversation(db, bob, summary=None, started_at=iso(T0 + timedelta(days=1, hours=3)))
    add_message(
        db,
        wip,
        "Hello! Describe the problem in one sentence.",
        direction="out",
        step="summary",
        created_at=T0 + timedelta(days=1, hours=3),
    )
    return Seeded(
        db=db,
        chinese=zh,
        english=en,
        switched=sw,
        in_progress=wip,
        failed_ticket=failed,
        queued_ticket=queued,
        filed_ticket=filed,
        image_attachment=image,
        refused_attachment=refused,
    )


@dataclass
class StoredLocally:
    conversation: int
    ticket: int


def add_locally_stored(seeded: Seeded) -> StoredLocally:
    """A second conversation of the Chinese customer whose ticket stayed in the local store
    (no Redmine), due 3 h 20 min after NOW and not yet answered."""
    db = seeded.db
    wang = db["conversations"].get(seeded.chinese)["user_id"]
    local = make_conversation(
        db,
        wang,
        language="zh_Hans",
        status="submitted",
        summary="报表导出失败",
        impact="low",
        started_at=iso(T0 + timedelta(days=1, hours=5)),
    )
    add_dialogue(
        db,
        local,
        [
            ("in", "/start", None),
            ("out", "请用一句话描述问题。", "summary"),
            ("in", "报表导出失败", "summary"),
        ],
        start=T0 + timedelta(days=1, hours=5),
        language="zh_Hans",
    )
    stored = make_ticket(
        db,
        local,
        status="stored",
        sink="local",
        impact="low",
        due_at=iso(NOW + timedelta(hours=3, minutes=20)),
    )
    return StoredLocally(conversation=local, ticket=stored)


@pytest.fixture
def stored_locally(seeded: Seeded) -> StoredLocally:
    return add_locally_stored(seeded)


@functools.cache
def _staff_password_hash() -> str:
    return hash_password(STAFF_PASSWORD)  # argon2id is slow on purpose: hash once a session


@pytest.fixture
def db() -> Database:
    database = open_db(":memory:")
    database["staff_users"].insert(
        {"name": STAFF_NAME, "password_hash": _staff_password_hash(), "created_at": iso(T0)}
    )
    return database


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db)


class Clock:
    """A clock tests can move."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(db: Database, clock: Clock) -> AsyncIterator[TestClient]:
    app = create_staff_app(db, clock=clock)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def hidden_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


async def sign_in(client: TestClient, name: str = STAFF_NAME, password: str = STAFF_PASSWORD):
    page = await client.get("/sign-in")
    token = hidden_token(await page.text())
    return await client.post(
        "/sign-in",
        data={"csrf_token": token, "name": name, "password": password, "next": ""},
        allow_redirects=False,
    )


@pytest.fixture
async def signed_in(client: TestClient) -> TestClient:
    response = await sign_in(client)
    assert response.status == 303
    return client


async def csrf_of(client: TestClient, path: str = "/conversations") -> str:
    return hidden_token(await (await client.get(path)).text())


@pytest.fixture
async def browser():
    """Debian's chromium through Playwright (the tests that use it are marked ``browser``)."""
    from tests.staff.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()
