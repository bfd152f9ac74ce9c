"""A real Redmine for the Redmine tests, plus factories for tickets in a fresh database.

The server comes from the env file that ``.ci/redmine.sh start DIR`` writes: named by
REDMINE_TEST_ENV, or started here for the session. Without it the real-server tests skip
locally but fail under CI=true, so CI can never pass them silently.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from intake.draft import AttachmentRef, TicketDraft
from intake.storage import attachments, conversations, users
from intake.storage import messages as message_store
from intake.storage.db import open_db
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.config import RedmineSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(redmine_env: dict[str, str]) -> RedmineSettings:
    return RedmineSettings(
        url=redmine_env["REDMINE_URL"],
        api_key=SecretStr(redmine_env["REDMINE_API_KEY"]),
        project=redmine_env.get("REDMINE_PROJECT_IDENTIFIER", "support"),
        tracker="Support",
        text_formatting=redmine_env.get("REDMINE_TEXT_FORMATTING", "textile"),  # type: ignore[arg-type]
        timeout_seconds=10,
    )


@pytest.fixture
async def client(settings: RedmineSettings) -> AsyncIterator[RedmineClient]:
    assert settings.url and settings.api_key
    async with RedmineClient(settings.url, settings.api_key, timeout=10) as c:
        yield c


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "intake.db")
    yield database
    database.conn.close()


class Factory:
    """Rows a dialogue would have written, through the storage functions the bot calls: a
    user, a conversation, messages, attachments."""

    def __init__(self, db) -> None:
        self.db = db
        self._user = 1000

    def conversation(
        self,
        *,
        language: str = "en",
        username: str | None = "alice",
        first_name: str = "Alice",
        redmine_login: str | None = None,
        messages: list[tuple[str, str]] = (),  # (direction, text)
    ) -> int:
        self._user += 1
        uid = self._user
        users.touch_user(
            self.db, uid, language_code=None, first_name=first_name, username=username
        )
        users.set_user_language(self.db, uid, language)
        if redmine_login is not None:
            users.set_user_redmine_login(self.db, uid, redmine_login)
        conv = conversations.start_conversation(self.db, uid, uid, language)
        for direction, text in messages:
            message_store.record_message(
                self.db,
                conversation_id=conv,
                user_id=uid,
                chat_id=uid,
                direction=direction,
                kind="text",
                text=text,
                language=language,
            )
        return conv

    def attachment(
        self,
        conversation_id: int,
        name: str,
        data: bytes,
        *,
        mime: str = "text/plain",
        verdict: str = "accepted",
        kind: str = "document",
        reason: str | None = None,
        keep_bytes: bool = True,
    ) -> AttachmentRef:
        user_id = self.db["conversations"].get(conversation_id)["user_id"]
        aid = attachments.add_attachment(
            self.db,
            conversation_id=conversation_id,
            user_id=user_id,
            kind=kind,
            file_name=name,
            mime_type=mime,
            size=len(data),
            data=data if keep_bytes else None,
        )
        attachments.set_attachment_verdict(
            self.db,
            aid,
            verdict=verdict,
            language="en" if verdict == "accepted" else None,
            reason=reason or "",
            excerpt="",
            elapsed_ms=0,
        )
        return AttachmentRef(aid, name, len(data), mime, verdict)


@pytest.fixture
def factory(db) -> Factory:
    return Factory(db)


def make_draft(**overrides) -> TicketDraft:
    values = dict(
        summary="Orders page shows 502",
        browser="Firefox",
        browser_version="121.0",
        os="Ubuntu",
        os_version="22.04",
        product_version="4.2.1",
        extra="",
        impact="highly-degraded",
        impact_suggested="highly-degraded",
        description=["Sending orders fails with 502 since this morning."],
    )
    values.update(overrides)
    return TicketDraft(**values)


@pytest.fixture
def draft_factory() -> Callable[..., TicketDraft]:
    return make_draft


def set_server_text_formatting(env: dict[str, str], value: str) -> None:
    """Change Redmine's text formatting setting the way its admin page does, in the database.

    Redmine re-reads its settings on the next request when the newest ``updated_on`` grows,
    so the running server picks this up at once (a row must never be deleted: that would not
    grow the maximum).
    """
    import sqlite3

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn = sqlite3.connect(Path(env["REDMINE_DIR"], "db", "redmine.sqlite3"), timeout=30)
    with conn:
        updated = conn.execute(
            "UPDATE settings SET value = ?, updated_on = ? WHERE name = 'text_formatting'",
            (value, stamp),
        ).rowcount
        if not updated:
            conn.execute(
                "INSERT INTO settings (name, value, updated_on) VALUES ('text_formatting', ?, ?)",
                (value, stamp),
            )
    conn.close()


@pytest.fixture(params=["textile", "common_mark"])
def text_formatting(request, redmine_env, settings) -> Iterator[str]:
    """Run a test once per formatting Redmine 5 offers, with the server switched to it."""
    set_server_text_formatting(redmine_env, request.param)
    settings.text_formatting = request.param
    yield request.param
    set_server_text_formatting(redmine_env, "textile")


@pytest.fixture
def issue_page(redmine_env: dict[str, str]) -> Callable[[int], Awaitable[str]]:
    """Fetch an issue's HTML page as the signed-in admin."""
    return lambda issue_id: issue_html(redmine_env, issue_id)


async def issue_html(env: dict[str, str], issue_id: int) -> str:
    """The issue page as a signed-in admin sees it (the API key does not open HTML pages)."""
    url = env["REDMINE_URL"]
    jar = aiohttp.CookieJar(unsafe=True)  # loopback IP: cookies need the unsafe jar
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        async with s.get(f"{url}/login") as r:
            token = re.search(r'name="authenticity_token" value="([^"]+)"', await r.text())
        assert token, "no login form"
        data = {
            "authenticity_token": token.group(1),
            "username": env["REDMINE_ADMIN_LOGIN"],
            "password": env["REDMINE_ADMIN_PASSWORD"],
        }
        async with s.post(f"{url}/login", data=data, allow_redirects=False) as r:
            assert r.status == 302, r.status
        async with s.get(f"{url}/issues/{issue_id}") as r:
            assert r.status == 200
            return await r.text()


class RecordingMessenger:
    """Stands for Telegram: records what the outbox sends; ``fail`` scripts exceptions."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail: list[BaseException] = []
        self.edits: dict[int, list[str]] = {}  # message id -> the texts it was edited to

    async def send(self, chat_id: int, html: str, *, conversation_id: int | None = None) -> None:
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((chat_id, html))

    async def send_page(self, chat_id: int, html: str, *, ticket_id: int) -> int:
        """A page is sent like any message (its button is the bot's edge's business)."""
        await self.send(chat_id, html)
        self.edits.setdefault(len(self.sent), [])
        return len(self.sent)  # the message id: its place in ``sent``

    async def edit(self, chat_id: int, message_id: int, html: str) -> None:
        if self.fail:
            raise self.fail.pop(0)
        self.edits.setdefault(message_id, []).append(html)

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


def make_outbox(db, filer, messenger, *, staff_chat_id: int | None = -100, **options):
    """The outbox as create_ticketing builds it, around any filer (a real or scripted one)."""
    from intake.tickets.effects import Effects
    from intake.tickets.outbox import Outbox

    clock = {"clock": options["clock"]} if "clock" in options else {}
    effects = Effects(db, messenger, filer=filer, staff_chat_id=staff_chat_id, **clock)
    return Outbox(db, effects.handlers(), on_config_error=effects.on_config_error, **options)
