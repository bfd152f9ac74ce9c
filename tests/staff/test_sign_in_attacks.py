"""The staff sign-in tried as an attacker would: bursts, another address, redirects, CSRF,
odd ids and search terms, a changed password. Each test pins one attack the page must hold."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import TCPConnector
from aiohttp.test_utils import TestClient, TestServer

from intake.staff.addresses import parse_networks
from intake.staff.app import create_staff_app
from intake.storage import staff as accounts
from intake.storage.sign_in_throttle import FREE_FAILURES
from intake.storage.staff import change_password
from tests.staff.conftest import STAFF_NAME, STAFF_PASSWORD, csrf_of, hidden_token, sign_in

ATTACKER_ADDRESS = "127.0.0.2"  # loopback too, but another client address for the server


@pytest.fixture
async def server(db, clock) -> AsyncIterator[TestServer]:
    test_server = TestServer(create_staff_app(db, clock=clock))
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
async def attacker(server) -> AsyncIterator[TestClient]:
    connector = TCPConnector(local_addr=(ATTACKER_ADDRESS, 0), limit=0)
    async with TestClient(server, connector=connector) as test_client:
        yield test_client


@pytest.fixture
async def owner(server) -> AsyncIterator[TestClient]:
    async with TestClient(server) as test_client:
        yield test_client


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """Every password the server really checked."""
    seen: list[str] = []
    verify = accounts.verify_password

    def counting(password: str, encoded: str | None) -> bool:
        seen.append(password)
        return verify(password, encoded)

    monkeypatch.setattr(accounts, "verify_password", counting)
    return seen


async def burst(client: TestClient, passwords: list[str]) -> list[int]:
    page = await client.get("/sign-in")
    token = hidden_token(await page.text())

    async def attempt(password: str) -> int:
        response = await client.post(
            "/sign-in",
            data={"csrf_token": token, "name": STAFF_NAME, "password": password, "next": ""},
            allow_redirects=False,
        )
        await response.release()
        return response.status

    return list(await asyncio.gather(*(attempt(p) for p in passwords)))


async def test_a_burst_of_120_attempts_checks_a_handful_and_never_gets_in(attacker, checked):
    guesses = [f"guess number {i}" for i in range(119)] + [STAFF_PASSWORD]
    statuses = await burst(attacker, guesses)
    assert 303 not in statuses
    print(f"burst of 120: {len(checked)} checked, {statuses.count(429)} told to wait")
    assert len(checked) <= 3, f"{len(checked)} passwords checked"
    assert STAFF_PASSWORD not in checked
    assert statuses.count(429) >= 117


async def test_the_owner_signs_in_from_another_address_right_after_an_attack(
    attacker, owner, checked
):
    for round_ in range(FREE_FAILURES):
        await burst(attacker, [f"guess {round_}.{i}" for i in range(40)])
    assert (await sign_in(attacker)).status == 429  # the attacker's address waits
    response = await sign_in(owner)
    assert response.status == 303
    assert response.headers["Location"] == "/conversations"


async def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(db, clock):
    app = create_staff_app(db, clock=clock, trusted_proxies=parse_networks("127.0.0.0/8"))
    async with TestClient(TestServer(app)) as client:

        async def attempt(forwarded_for: str, password: str) -> int:
            page = await client.get("/sign-in")
            response = await client.post(
                "/sign-in",
                data={
                    "csrf_token": hidden_token(await page.text()),
                    "name": STAFF_NAME,
                    "password": password,
                },
                headers={"X-Forwarded-For": forwarded_for},
                allow_redirects=False,
            )
            return response.status

        for _ in range(5):
            await attempt("198.51.100.7", "wrong password")
        assert await attempt("198.51.100.7", STAFF_PASSWORD) == 429
        # A client cannot pick its address: the proxy appends the real one on the right.
        assert await attempt("203.0.113.20, 198.51.100.7", STAFF_PASSWORD) == 429
        assert await attempt("203.0.113.20", STAFF_PASSWORD) == 303


async def test_forwarded_for_is_ignored_without_trusted_proxies(client, checked):
    for index in range(5):
        page = await client.get("/sign-in")
        await client.post(
            "/sign-in",
            data={
                "csrf_token": hidden_token(await page.text()),
                "name": STAFF_NAME,
                "password": "wrong password",
            },
            headers={"X-Forwarded-For": f"203.0.113.{index}"},
        )
    assert len(checked) == 3


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "\t//evil.example/",
        " //evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\x00/evil.example/",
    ],
)
async def test_sign_in_never_sends_the_browser_off_site(client, target):
    # The sign-in page takes next from the query string (decoded) into its form.
    page = await client.get("/sign-in", params={"next": target})
    html = await page.text()
    shown = html.split('name="next" value="', 1)[1].split('"', 1)[0]
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(html),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
            "next": shown,
        },
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/conversations"


async def test_the_reported_tab_redirect_stays_on_site(client):
    # Typed into the address bar as reported: the server decodes %09 to a tab.
    page = await client.get("/sign-in?next=/%09/evil.example/")
    html = await page.text()
    assert 'name="next" value=""' in html
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(html),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
            "next": "/\t/evil.example/",
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/conversations"


async def test_sign_in_still_returns_to_a_page_on_this_site(client):
    page = await client.get("/sign-in", params={"next": "/conversations?q=%E7%99%BB"})
    html = await page.text()
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(html),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
            "next": "/conversations?q=%E7%99%BB",
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/conversations?q=%E7%99%BB"


@pytest.mark.parametrize("origin", ["null", "http://127.0.0.1:1", "https://evil.example"])
async def test_a_sign_in_posted_from_another_page_is_refused(client, origin, checked):
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(await page.text()),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
        },
        headers={"Origin": origin},
        allow_redirects=False,
    )
    assert response.status == 403
    assert "intake_staff_session" not in response.cookies
    assert checked == []


async def test_a_sign_in_from_this_sites_own_page_is_accepted(client):
    page = await client.get("/sign-in")
    origin = str(client.make_url("/")).rstrip("/")
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(await page.text()),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
        },
        headers={"Origin": origin},
        allow_redirects=False,
    )
    assert response.status == 303


async def test_a_post_with_origin_null_is_refused_even_with_the_token(signed_in, seeded):
    token = await csrf_of(signed_in)
    response = await signed_in.post(
        f"/tickets/{seeded.failed_ticket}/retry",
        data={"csrf_token": token},
        headers={"Origin": "null"},
        allow_redirects=False,
    )
    assert response.status == 403


@pytest.mark.parametrize(
    "path",
    [
        "/conversations/9223372036854775808",
        "/conversations/99999999999999999999999999",
        "/conversations/9223372036854775808/export.json",
        "/conversations/-1",
        "/conversations/abc",
        "/conversations/%D9%A1",  # an Arabic-Indic one: a digit to Python, not to us
        "/attachments/9223372036854775808/thumbnail",
        "/attachments/18446744073709551616/download",
    ],
)
async def test_ids_out_of_range_are_404(signed_in, seeded, path):
    assert (await signed_in.get(path)).status == 404


async def test_a_retry_of_an_id_out_of_range_is_404(signed_in, seeded):
    token = await csrf_of(signed_in, "/tickets")
    response = await signed_in.post(
        "/tickets/9223372036854775808/retry", data={"csrf_token": token}
    )
    assert response.status == 404


@pytest.mark.parametrize(
    "query",
    ["\x00", "登录\x00", "a\x00b", "\x1b[31m", "OS-\x00000001", "#\x001", '"\x00"', "\x7f"],
)
async def test_search_terms_with_control_characters_are_answered(signed_in, seeded, query):
    response = await signed_in.get("/conversations", params={"q": query})
    assert response.status == 200
    html = await response.text()
    assert "\x00" not in html


async def test_a_nul_inside_a_word_still_finds_the_word(signed_in, seeded):
    html = await (await signed_in.get("/conversations", params={"q": "\x00登录\x00"})).text()
    assert "无法<mark>登录</mark>控制台" in html


async def test_changing_the_password_ends_the_accounts_sessions(signed_in, db):
    assert (await signed_in.get("/conversations", allow_redirects=False)).status == 200
    change_password(db, STAFF_NAME, "a brand new password")
    response = await signed_in.get("/conversations", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/sign-in")
    assert (await sign_in(signed_in)).status == 401
    assert (await sign_in(signed_in, password="a brand new password")).status == 303


async def test_an_old_scrypt_hash_is_replaced_by_argon2id_at_sign_in(client, db):
    from tests.staff.test_staff_accounts import LEGACY_SCRYPT

    db.execute(
        "UPDATE staff_users SET password_hash = ? WHERE name = ?", [LEGACY_SCRYPT, STAFF_NAME]
    )
    assert (await sign_in(client)).status == 303
    stored = accounts.stored_hash(db, STAFF_NAME)
    assert stored.startswith("$argon2id$")
    assert accounts.verify_password(STAFF_PASSWORD, stored)
    # The same password: the session that just began goes on.
    assert (await client.get("/conversations", allow_redirects=False)).status == 200


async def test_an_attempt_cut_short_counts_as_a_failure(db, clock, monkeypatch):
    from intake.staff import auth

    def broken(password: str, encoded: str | None) -> bool:
        raise RuntimeError("the check never finished")

    monkeypatch.setattr(accounts, "verify_password", broken)
    state = auth.AuthState(clock=clock, sessions=auth.SessionStore(clock))
    with pytest.raises(RuntimeError):
        await auth.sign_in(db, state, STAFF_NAME, "a guess", "198.51.100.7")
    [row] = db["staff_sign_in_throttle"].rows
    assert row["failures"] == 1 and row["lease"] is None
