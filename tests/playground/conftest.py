"""The playground as a newcomer runs it: emulator, real bot, web chat and staff app in one app.

``client`` talks to it through aiohttp's test client; the browser tests serve it on a real
loopback port (``served``) for Chromium.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from intake.config import Settings
from intake.playground.server import Playground
from tests.playground.factories import local_playground
from tests.playground.webchat import WebChat


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(INTAKE_DATABASE=tmp_path / "intake.sqlite3")


@pytest.fixture
async def playground(settings) -> AsyncIterator[Playground]:
    pg = local_playground(settings)
    pg.build()
    yield pg
    if pg.services is not None:
        await pg.services.aclose()


@pytest.fixture
async def client(playground) -> AsyncIterator[TestClient]:
    assert playground.app is not None
    async with TestClient(TestServer(playground.app)) as test_client:
        yield test_client


@pytest.fixture
async def tab(client) -> AsyncIterator[WebChat]:
    """One browser tab with an English Telegram app."""
    chat = await WebChat.open(client, "en")
    yield chat
    await chat.close()
