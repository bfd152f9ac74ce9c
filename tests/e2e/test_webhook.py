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


async def _post(url: str, body: bytes | dict, *, secret: str = "s3cret") -> tuple[int, str]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as http:
        if isinstance(body, dict):
            async with http.post(url, json=body, headers=headers) as response:
                return response.status, await response.text()
        headers["Content-Type"] = "application/json"
        async with http.post(url, data=body, headers=headers) as response:
            return response.status, await response.text()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b"{}",
        b'{"update_id": "7"}',
        b'{"update_id": -1}',
        b"\xff\xfe",
        b'{"update_id": 18446744073709551615}',
    ],
)
async def test_a_body_that_is_not_an_update_gets_400_without_a_traceback(
    webhook_url, body, caplog
):
    status, _ = await _post(webhook_url, body)
    assert status == 400
    assert not [r for r in caplog.records if r.exc_info]


async def test_numbers_sqlite_cannot_store_are_refused_before_storage(webhook_url, caplog):
    update = {
        "update_id": 5,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 2**70, "type": "private"},
            "from": {"id": 2**70, "is_bot": False, "first_name": "Eve"},
            "text": "/start",
        },
    }
    status, _ = await _post(webhook_url, update)
    assert status == 400
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_update_aiogram_cannot_read_is_logged_in_one_line_and_answered_200(
    webhook_url, caplog
):
    status, _ = await _post(webhook_url, {"update_id": 9, "message": {"text": 5}})
    assert status == 200
    [line] = [r for r in caplog.records if "is not one this bot can read" in r.getMessage()]
    assert line.exc_info is None


async def test_a_forged_update_id_does_not_shadow_the_real_update(emulator, webhook_url):
    user = emulator.user()
    forged = {
        "update_id": 1,
        "message": {
            "message_id": 99,
            "date": 0,
            "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "Mallory"},
            "text": "hello",
        },
    }
    status, _ = await _post(webhook_url, forged)
    assert status == 200
    await user.send_command("/start")  # the emulator's first real update: id 1 as well
    await user.wait_for(lambda m: any("Start" in t for t in m.button_texts), timeout=10)
