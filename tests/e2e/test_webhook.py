"""`main.py run --webhook`: updates arrive with the secret header; wrong secrets are refused."""

import socket

import aiohttp
import pytest
from aiohttp import web

from intake.runtime import build_services, create_webhook_app
from intake.storage.db import open_db
from tests.e2e.steps import EN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def webhook_url(emulator, settings):
    port = free_port()
    url = f"http://127.0.0.1:{port}/webhook"
    services = build_services(settings, db=open_db(settings.database))
    app = create_webhook_app(
        services, emulator.token, api_url=emulator.base_url, webhook_url=url, secret="s3cret"
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield url
    await runner.cleanup()
    await services.aclose()


async def test_the_dialogue_runs_over_the_webhook(emulator, webhook_url):
    user = emulator.user()
    await user.send_command("/start")
    await user.wait_for(lambda m: any("Start" in t for t in m.button_texts), timeout=10)
    await user.tap(lambda b: "Start" in b.text)
    await user.wait_for(EN["summary"], timeout=10)


async def test_a_post_without_the_secret_is_refused(webhook_url):
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "Eve"},
            "text": "/start",
        },
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(webhook_url, json=update) as response:
            assert response.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        async with http.post(webhook_url, json=update, headers=headers) as response:
            assert response.status == 401
