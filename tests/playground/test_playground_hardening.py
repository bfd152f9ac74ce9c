"""The playground against pages of other sites and scripts: what its chat API refuses, how
many users and file bytes it takes, and the warning when it listens beyond this machine."""

from __future__ import annotations

import pytest
from aiohttp import FormData, WSServerHandshakeError

from intake.playground import sessions as sessions_module
from intake.playground.server import banner, exposure_warning, is_loopback
from tests.playground.factories import local_playground

FOREIGN = "http://127.0.0.1:1"  # another port of the same host: "same site" to a browser


def upload_form(data: bytes = b"hello") -> FormData:
    form = FormData()
    form.add_field("kind", "document")
    form.add_field("file", data, filename="note.txt", content_type="text/plain")
    return form


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"language": "en"}', "text/plain"),
        ("language=en", "application/x-www-form-urlencoded"),
    ],
)
async def test_a_user_cannot_be_made_by_a_simple_cross_site_request(client, body, content_type):
    response = await client.post("/api/users", data=body, headers={"Content-Type": content_type})
    assert response.status == 415


@pytest.mark.parametrize(("action", "form"), [("/messages", {}), ("/edits", {"message_id": "1"})])
async def test_text_sent_as_a_form_is_refused(tab, action, form):
    response = await tab.client.post(tab.path(action), data={**form, "text": "/start"})
    assert response.status == 415


async def test_an_upload_without_the_pages_header_is_refused(tab):
    response = await tab.client.post(tab.path("/files"), data=upload_form())
    assert response.status == 403
    assert await tab.upload([("note.txt", b"hello", "text/plain")])  # the page's own way


async def test_requests_from_another_origin_are_refused_even_as_json(client, tab):
    response = await client.post(
        "/api/users", json={"language": "en"}, headers={"Origin": FOREIGN}
    )
    assert response.status == 403
    response = await client.post(
        tab.path("/messages"), json={"text": "hi"}, headers={"Origin": "null"}
    )
    assert response.status == 403
    with pytest.raises(WSServerHandshakeError):
        await client.ws_connect(tab.path("/ws"), headers={"Origin": FOREIGN})


async def test_requests_from_the_chat_page_itself_are_served(client):
    origin = str(client.make_url("/")).rstrip("/")
    response = await client.post("/api/users", json={"language": "en"}, headers={"Origin": origin})
    assert response.status == 201


async def test_the_number_of_simulated_users_is_bounded(client, monkeypatch):
    monkeypatch.setattr(sessions_module, "MAX_USERS", 2)
    for _ in range(2):
        assert (await client.post("/api/users", json={"language": "en"})).status == 201
    refused = await client.post("/api/users", json={"language": "en"})
    assert refused.status == 503
    assert "restart" in (await refused.json())["error"]


async def test_the_file_bytes_one_user_may_send_are_bounded(tab, monkeypatch):
    monkeypatch.setattr(sessions_module, "MAX_UPLOAD_BYTES_PER_USER", 1000)
    await tab.upload([("a.txt", b"x" * 600, "text/plain")])
    response = await tab.client.post(
        tab.path("/files"), data=upload_form(b"y" * 600), headers={"X-Intake-Chat": "1"}
    )
    assert response.status == 413


async def test_the_staff_app_under_the_playground_is_not_affected(client):
    page = await client.get("/staff/sign-in")
    assert page.status == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("myhost.example", False),
    ],
)
def test_which_hosts_are_this_machine_only(host, loopback):
    assert is_loopback(host) is loopback
    assert bool(exposure_warning(host)) is not loopback


async def test_the_banner_warns_when_the_playground_is_reachable_from_the_network(settings):
    pg = local_playground(settings)
    pg.build()
    try:
        assert "WARNING" not in "\n".join(banner(pg))
        pg.host = "0.0.0.0"
        text = " ".join(line.strip() for line in banner(pg))
    finally:
        await pg.services.aclose()
    assert "WARNING: listening on 0.0.0.0" in text
    assert "staff sign-in, over plain HTTP" in text
