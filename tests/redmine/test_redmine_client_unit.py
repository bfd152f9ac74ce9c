"""The client's handling of Redmine's error shapes, against a small aiohttp stand-in on
loopback (the real server proves the happy paths; this pins the edges cheaply)."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.errors import (
    RedmineAuthError,
    RedmineError,
    RedmineNotFound,
    RedmineUnavailable,
    RedmineUnknownUser,
    RedmineValidationError,
)

KEY = "5ec2e7" * 6 + "abcd"


class StandIn:
    """Answers each path with a canned (status, body, content type); records requests."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, bytes, str]] = {}
        self.seen: list[web.Request] = []
        self.bodies: list[bytes] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append(request)
        self.bodies.append(await request.read())
        if request.path == "/slow.json":
            await asyncio.sleep(1.5)
        status, body, ctype = self.routes.get(
            (request.method, request.path), (404, b"", "application/json")
        )
        return web.Response(status=status, body=body, headers={"Content-Type": ctype})


@pytest.fixture
async def standin():
    app = web.Application(client_max_size=16 * 2**20)
    server = StandIn()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}"
    yield server
    await runner.cleanup()


@pytest.fixture
async def api(standin):
    async with RedmineClient(standin.url, KEY, timeout=1) as client:
        yield client


def _json(data) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, RedmineAuthError), (404, RedmineNotFound), (412, RedmineUnknownUser)],
)
async def test_redmine_empty_error_bodies_are_not_parsed(standin, api, status, error):
    # Redmine sends these with Content-Type application/json and an empty body.
    standin.routes[("GET", "/users/current.json")] = (status, b"", "application/json")
    with pytest.raises(error) as caught:
        await api.current_user()
    assert caught.value.status == status and not caught.value.retryable


async def test_redmine_422_gives_the_errors_list(standin, api):
    body = _json({"errors": ["Subject cannot be blank", "Priority cannot be blank"]})
    standin.routes[("POST", "/issues.json")] = (422, body, "application/json; charset=utf-8")
    with pytest.raises(RedmineValidationError) as caught:
        await api.create_issue({"subject": ""})
    assert caught.value.errors == ["Subject cannot be blank", "Priority cannot be blank"]
    assert "Subject cannot be blank" in str(caught.value)


async def test_redmine_422_without_a_json_body_still_explains(standin, api):
    standin.routes[("POST", "/issues.json")] = (422, b"", "application/json")
    with pytest.raises(RedmineValidationError) as caught:
        await api.create_issue({"subject": "x"})
    assert caught.value.errors == ["Redmine refused the request (422) without saying why"]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_redmine_server_errors_are_retryable(standin, api, status):
    standin.routes[("GET", "/trackers.json")] = (status, b"<html>oops</html>", "text/html")
    with pytest.raises(RedmineUnavailable) as caught:
        await api.trackers()
    assert caught.value.retryable


async def test_redmine_timeouts_and_refused_connections_are_retryable(standin, api):
    with pytest.raises(RedmineUnavailable):
        await api.request("GET", "/slow.json")
    async with RedmineClient("http://127.0.0.1:9", KEY, timeout=1) as closed:
        with pytest.raises(RedmineUnavailable) as caught:
            await closed.current_user()
    assert "cannot reach Redmine" in str(caught.value)


async def test_redmine_put_204_returns_nothing(standin, api):
    standin.routes[("PUT", "/issues/7.json")] = (204, b"", "application/json")
    assert await api.add_note(7, "hello") is None
    assert json.loads(standin.bodies[-1]) == {"issue": {"notes": "hello", "private_notes": False}}


async def test_redmine_upload_sends_octet_stream_and_switch_user(standin, api):
    standin.routes[("POST", "/uploads.json")] = (
        201,
        _json({"upload": {"id": 1, "token": "1.abc"}}),
        "application/json",
    )
    assert await api.upload(b"\x00\x01", "a b.png", switch_user="tg_alice") == "1.abc"
    request = standin.seen[-1]
    assert request.headers["Content-Type"] == "application/octet-stream"
    assert request.headers["X-Redmine-Switch-User"] == "tg_alice"
    assert request.query["filename"] == "a b.png"
    assert standin.bodies[-1] == b"\x00\x01"


async def test_redmine_upload_of_a_large_file_is_streamed_whole(standin, api):
    # Redmine's limit is 5 MB by default. Passed as raw bytes over 1 MiB, aiohttp warns that
    # writing the body in one piece can block the event loop (an error under our filters).
    standin.routes[("POST", "/uploads.json")] = (
        201,
        _json({"upload": {"id": 2, "token": "2.big"}}),
        "application/json",
    )
    data = bytes(range(256)) * (5 * 4096)  # 5 MiB
    assert await api.upload(data, "big.log") == "2.big"
    assert standin.seen[-1].headers["Content-Length"] == str(len(data))
    assert standin.bodies[-1] == data


async def test_redmine_key_never_appears_in_errors_or_repr(standin, api):
    for route in (("GET", "/users/current.json"), ("POST", "/issues.json")):
        standin.routes[route] = (500, KEY.encode(), "text/plain")
    messages = [repr(api), str(api)]
    for call in (api.current_user(), api.create_issue({"subject": KEY})):
        with pytest.raises(RedmineError) as caught:
            await call
        messages += [str(caught.value), repr(caught.value)]
    async with RedmineClient("http://127.0.0.1:9", KEY, timeout=1) as closed:
        with pytest.raises(RedmineError) as caught:
            await closed.current_user()
        messages += [str(caught.value), repr(caught.value), repr(closed)]
    assert all(KEY not in m for m in messages)
    assert standin.seen[0].headers["X-Redmine-API-Key"] == KEY  # sent, only as a header
    assert "key" not in standin.seen[0].query


async def test_redmine_download_refuses_foreign_urls(api):
    with pytest.raises(ValueError):
        await api.download("http://evil.example/attachments/download/1/x")


async def test_redmine_requests_are_counted(standin, api):
    standin.routes[("GET", "/trackers.json")] = (200, _json({"trackers": []}), "application/json")
    before = api.request_count
    await api.trackers()
    await api.trackers()
    assert api.request_count - before == 2
