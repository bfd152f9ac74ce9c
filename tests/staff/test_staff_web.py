# ruff: noqa: RUF001 - Chinese customer text uses full-width punctuation
"""The staff web app over HTTP: auth, CSRF, lockout, escaping, search, export, retry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from intake.storage.sign_in_throttle import FREE_FAILURES
from intake.storage.staff import remove_staff_user
from tests.staff.conftest import (
    SCRIPT_PAYLOAD,
    STAFF_NAME,
    STAFF_PASSWORD,
    csrf_of,
    hidden_token,
    sign_in,
)

PROTECTED = [
    "/",
    "/conversations",
    "/conversations?q=登录",
    "/conversations/1",
    "/conversations/1/export.json",
    "/conversations/1/export.txt",
    "/attachments/1/thumbnail",
    "/attachments/1/download",
    "/tickets",
    "/no-such-page",
]


@pytest.mark.parametrize("path", PROTECTED)
async def test_every_page_but_sign_in_needs_a_session(client: TestClient, seeded, path):
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/sign-in?next=")
    body = await response.text()
    assert "无法登录" not in body and "Lovelace" not in body


async def test_posts_without_a_session_are_forbidden(client: TestClient, seeded):
    response = await client.post(f"/tickets/{seeded.failed_ticket}/retry", data={})
    assert response.status == 403
    assert seeded.db["tickets"].get(seeded.failed_ticket)["status"] == "failed"


async def test_sign_in_sets_a_hardened_session_cookie(client: TestClient):
    response = await sign_in(client)
    assert response.status == 303
    assert response.headers["Location"] == "/conversations"
    cookie = response.cookies["intake_staff_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # plain HTTP in tests; see the secure_cookies test


async def test_secure_cookies_flag_marks_cookies_secure(db, clock):
    from aiohttp.test_utils import TestServer

    from intake.staff.app import create_staff_app

    async with TestClient(
        TestServer(create_staff_app(db, secure_cookies=True, clock=clock))
    ) as secure_client:
        page = await secure_client.get("/sign-in")
        assert page.cookies["intake_staff_signin"]["secure"]
        assert "Strict-Transport-Security" in page.headers


async def test_sign_in_returns_to_the_page_asked_for(client: TestClient):
    first = await client.get("/conversations?q=x", allow_redirects=False)
    target = first.headers["Location"]
    page = await client.get(target)
    html = await page.text()
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(html),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
            "next": "/conversations?q=x",
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/conversations?q=x"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "\\\\evil"])
async def test_sign_in_never_redirects_off_site(client: TestClient, target):
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={
            "csrf_token": hidden_token(await page.text()),
            "name": STAFF_NAME,
            "password": STAFF_PASSWORD,
            "next": target,
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/conversations"


async def test_wrong_password_is_refused(client: TestClient):
    response = await sign_in(client, password="wrong password")
    assert response.status == 401
    assert "Wrong name or password" in await response.text()
    assert "intake_staff_session" not in response.cookies


async def test_sign_in_without_the_form_token_is_refused(client: TestClient):
    await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"name": STAFF_NAME, "password": STAFF_PASSWORD},
        allow_redirects=False,
    )
    assert response.status == 403
    assert "intake_staff_session" not in response.cookies


async def test_sign_in_with_a_token_not_matching_the_cookie_is_refused(client: TestClient):
    await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"csrf_token": "A" * 43, "name": STAFF_NAME, "password": STAFF_PASSWORD},
        allow_redirects=False,
    )
    assert response.status == 403


async def test_repeated_failures_ask_to_wait_and_say_how_long(client: TestClient, clock):
    for _ in range(FREE_FAILURES):
        assert (await sign_in(client, password="nope nope nope")).status == 401
    waiting = await sign_in(client)  # even the right password waits out the delay
    assert waiting.status == 429
    assert waiting.headers["Retry-After"] == "1"
    assert "Try again in 1 second." in await waiting.text()
    clock.now += timedelta(seconds=1)
    assert (await sign_in(client)).status == 303


async def test_unknown_names_are_delayed_the_same_way(client: TestClient):
    for _ in range(FREE_FAILURES):
        assert (await sign_in(client, name="mallory", password="guess guess")).status == 401
    response = await sign_in(client, name="mallory", password="guess guess")
    assert response.status == 429


async def test_a_csrf_token_is_required_for_every_post(signed_in: TestClient, seeded):
    path = f"/tickets/{seeded.failed_ticket}/retry"
    assert (await signed_in.post(path, data={})).status == 403
    assert (await signed_in.post(path, data={"csrf_token": "forged"})).status == 403
    assert seeded.db["tickets"].get(seeded.failed_ticket)["status"] == "failed"
    assert (await signed_in.post("/sign-out", data={})).status == 403


async def test_a_post_from_another_origin_is_refused_even_with_the_token(
    signed_in: TestClient, seeded
):
    token = await csrf_of(signed_in)
    response = await signed_in.post(
        f"/tickets/{seeded.failed_ticket}/retry",
        data={"csrf_token": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert response.status == 403


async def test_every_form_carries_a_csrf_token(signed_in: TestClient, seeded):
    for path in ("/conversations", f"/conversations/{seeded.chinese}", "/tickets"):
        html = await (await signed_in.get(path)).text()
        post_forms = html.count('method="post"')
        assert post_forms >= 1
        assert html.count('name="csrf_token"') == post_forms


async def test_sign_out_ends_the_session(signed_in: TestClient):
    token = await csrf_of(signed_in)
    response = await signed_in.post("/sign-out", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    again = await signed_in.get("/conversations", allow_redirects=False)
    assert again.status == 303


async def test_removing_an_account_ends_its_sessions(signed_in: TestClient, db):
    remove_staff_user(db, STAFF_NAME)
    response = await signed_in.get("/conversations", allow_redirects=False)
    assert response.status == 303


async def test_sessions_expire_when_idle(signed_in: TestClient, clock):
    clock.now += timedelta(hours=3)
    response = await signed_in.get("/conversations", allow_redirects=False)
    assert response.status == 303


async def test_security_headers_on_pages_errors_and_files(signed_in: TestClient, seeded):
    for path in (
        "/sign-in",
        "/conversations",
        "/conversations/999",
        f"/attachments/{seeded.refused_attachment}/download",
        "/static/staff.css",
    ):
        response = await signed_in.get(path)
        headers = response.headers
        assert "default-src 'none'" in headers["Content-Security-Policy"], path
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    page = await signed_in.get("/conversations")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


async def test_pages_have_no_inline_script(signed_in: TestClient, seeded):
    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert html.count("<script") == 1
    assert '<script src="/static/staff.js" defer></script>' in html


async def test_customer_script_is_escaped_in_transcript_list_and_names(
    signed_in: TestClient, seeded, db
):
    db.execute(
        "UPDATE users SET first_name = ? WHERE username = 'ada'",
        ["<b>Ada</b><script>x()</script>"],
    )
    db.execute(
        "UPDATE conversations SET summary = ? WHERE id = ?",
        ["<img src=x onerror=alert(1)>", seeded.english],
    )
    for path, shown in (
        (f"/conversations/{seeded.english}", "&lt;script&gt;window.pwned = 1&lt;/script&gt;"),
        ("/conversations?q=pwned", "&lt;script&gt;window.<mark>pwned</mark> = 1&lt;/script&gt;"),
    ):
        html = await (await signed_in.get(path)).text()
        assert "<script>window" not in html
        assert shown in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<b>Ada</b>" not in html


async def test_attachment_file_name_and_excerpt_are_escaped(signed_in: TestClient, seeded):
    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert '"<b>.pdf' not in html
    assert "&#34;&lt;b&gt;.pdf" in html
    assert "错误日志：登录失败" in html


async def test_search_finds_a_chinese_two_character_word(signed_in: TestClient, seeded):
    html = await (await signed_in.get("/conversations", params={"q": "登录"})).text()
    assert "无法<mark>登录</mark>控制台" in html
    assert "Orders fail" not in html
    assert "1 conversation matches" in html


async def test_search_finds_an_english_word(signed_in: TestClient, seeded):
    html = await (await signed_in.get("/conversations", params={"q": "checkout"})).text()
    assert "Orders fail with error 502" in html
    assert "无法登录控制台" not in html


async def test_bot_messages_are_searched_when_asked(signed_in: TestClient, seeded):
    html = await (await signed_in.get("/conversations", params={"q": "浏览器"})).text()
    assert "No conversation matches" in html
    html = await (await signed_in.get("/conversations", params={"q": "浏览器", "bot": "1"})).text()
    assert "无法登录控制台" in html
    assert 'name="bot" value="1" checked' in html


async def test_filters_from_the_query_string(signed_in: TestClient, seeded):
    html = await (
        await signed_in.get("/conversations", params={"language": "zh_Hans", "refused": "1"})
    ).text()
    assert "No conversation matches" in html
    html = await (
        await signed_in.get(
            "/conversations", params={"impact": "medium", "status": "bogus", "from": "nope"}
        )
    ).text()
    assert "Export is slow" in html and "无法登录控制台" not in html


async def test_reversed_dates_are_named_as_the_reason_nothing_matches(signed_in, seeded):
    params = {"from": "2026-12-03", "to": "2026-11-01"}
    html = await (await signed_in.get("/conversations", params=params)).text()
    assert "“Started from” is after “to”" in html and "Try fewer words" not in html


async def test_pagination_links_keep_the_filters(db, clock, seeded):
    from aiohttp.test_utils import TestServer

    from intake.staff.app import create_staff_app

    async with TestClient(TestServer(create_staff_app(db, clock=clock, per_page=2))) as c:
        await sign_in(c)
        html = await (await c.get("/conversations", params={"language": "en"})).text()
        assert "Page 1 of 2" in html
        assert 'href="/conversations?language=en&amp;page=2"' in html


async def test_conversation_page_shows_everything_staff_need(signed_in: TestClient, seeded):
    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert "OS-000002" in html
    assert 'href="https://redmine.example.com/issues/4242"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "Overdue" in html  # due 2025-03-03 11:30 UTC, the test clock says 03-04 12:00
    assert f'src="/attachments/{seeded.image_attachment}/thumbnail"' in html
    assert "Refused" in html and "not in English" in html and "not_english" not in html
    assert "language: Chinese" in html
    assert 'class="msg msg-in' in html and 'class="msg msg-out' in html
    assert '<time datetime="2025-03-03T11:01:00Z"' in html
    assert "2025-03-03 11:01 UTC" in html  # the no-JavaScript fallback


async def test_language_switch_is_marked(signed_in: TestClient, seeded):
    html = await (await signed_in.get(f"/conversations/{seeded.switched}")).text()
    assert html.count("Language switched to") == 1
    assert 'lang="zh-Hans"' in html


async def test_unsafe_redmine_url_is_not_a_link(signed_in: TestClient, seeded, db):
    db.execute(
        "UPDATE tickets SET external_url = 'javascript:alert(1)' WHERE id = ?",
        [seeded.filed_ticket],
    )
    html = await (await signed_in.get(f"/conversations/{seeded.english}")).text()
    assert 'href="javascript:' not in html


async def test_unknown_conversation_is_404(signed_in: TestClient):
    assert (await signed_in.get("/conversations/999")).status == 404


async def test_thumbnail_is_a_reencoded_image(signed_in: TestClient, seeded):
    response = await signed_in.get(f"/attachments/{seeded.image_attachment}/thumbnail")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.read()
    assert body.startswith(b"\xff\xd8")
    not_image = await signed_in.get(f"/attachments/{seeded.refused_attachment}/thumbnail")
    assert not_image.status == 404


async def test_download_is_an_attachment_with_a_safe_name(signed_in: TestClient, seeded):
    response = await signed_in.get(f"/attachments/{seeded.refused_attachment}/download")
    assert response.status == 200
    assert await response.read() == b"%PDF-1.4 fake"
    assert response.content_type == "application/octet-stream"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="passwd_b_.pdf"')
    assert "/" not in disposition.split("filename*=")[1]
    assert "sandbox" in response.headers["Content-Security-Policy"]


async def test_export_json(signed_in: TestClient, seeded):
    response = await signed_in.get(f"/conversations/{seeded.chinese}/export.json")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert 'filename="conversation-1.json"' in response.headers["Content-Disposition"]
    data = json.loads(await response.text())
    assert data["conversation"]["summary"] == "无法登录控制台"
    assert data["ticket"]["receipt"] == "OS-000001"
    assert [m["text"] for m in data["messages"]][2] == "无法登录控制台"
    assert data["customer"]["username"] == "wangxm"
    assert "password_hash" not in json.dumps(data)


async def test_export_text(signed_in: TestClient, seeded):
    response = await signed_in.get(f"/conversations/{seeded.switched}/export.txt")
    assert response.content_type == "text/plain"
    text = await response.text()
    assert text.startswith("Conversation #3: Export is slow")
    assert "--- language switched to 中文 (简体) ---" in text
    assert "Customer [description]: 导出报表要十分钟以上" in text
    assert "Ticket: OS-000003 | Queued" in text


async def test_tickets_waiting_to_be_filed_are_listed_with_errors(signed_in: TestClient, seeded):
    html = await (await signed_in.get("/tickets", params={"status": "waiting"})).text()
    assert "OS-000001" in html and "OS-000003" in html
    assert "OS-000002" not in html  # filed
    assert "Redmine answered 503 Service Unavailable" in html
    assert html.count(">Retry now<") == 2


async def test_retry_button_requeues_the_ticket(signed_in: TestClient, seeded, clock):
    token = await csrf_of(signed_in, "/tickets")
    response = await signed_in.post(
        f"/tickets/{seeded.failed_ticket}/retry", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/tickets?retried=OS-000001"
    row = seeded.db["tickets"].get(seeded.failed_ticket)
    assert row["status"] == "queued"
    assert row["next_attempt_at"].startswith("2025-03-04T12:00:00")
    page = await signed_in.get(response.headers["Location"])
    assert "OS-000001 is queued and will be filed next" in await page.text()


async def test_retry_of_a_filed_ticket_says_so(signed_in: TestClient, seeded):
    token = await csrf_of(signed_in, "/tickets")
    response = await signed_in.post(
        f"/tickets/{seeded.filed_ticket}/retry", data={"csrf_token": token}
    )
    assert "could not be retried" in await response.text()
    assert seeded.db["tickets"].get(seeded.filed_ticket)["status"] == "filed"


async def test_no_secret_is_rendered(signed_in: TestClient, seeded, db):
    stored_hash = db.execute("SELECT password_hash FROM staff_users").fetchone()[0]
    session_cookie = signed_in.session.cookie_jar.filter_cookies(signed_in.make_url("/"))[
        "intake_staff_session"
    ].value
    for path in (
        "/conversations",
        f"/conversations/{seeded.english}",
        "/tickets",
        f"/conversations/{seeded.english}/export.json",
    ):
        body = await (await signed_in.get(path)).text()
        assert stored_hash not in body
        assert session_cookie not in body
        assert STAFF_PASSWORD not in body
        assert "file-id" not in body  # Telegram file ids stay in storage
    assert SCRIPT_PAYLOAD  # the payload the escaping tests look for is seeded


async def test_the_app_works_mounted_under_a_prefix(db, clock, seeded):
    """The playground may mount the staff app as a sub-application; links follow the prefix."""
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from intake.staff.app import create_staff_app

    outer = web.Application()
    outer.add_subapp("/staff/", create_staff_app(db, clock=clock))
    async with TestClient(TestServer(outer)) as c:
        first = await c.get("/staff/conversations", allow_redirects=False)
        assert first.headers["Location"] == "/staff/sign-in?next=/staff/conversations"
        page = await c.get(first.headers["Location"])
        html = await page.text()
        assert 'action="/staff/sign-in"' in html and "/staff/static/staff.css" in html
        response = await c.post(
            "/staff/sign-in",
            data={
                "csrf_token": hidden_token(html),
                "name": STAFF_NAME,
                "password": STAFF_PASSWORD,
                "next": "/staff/conversations",
            },
            allow_redirects=False,
        )
        assert response.headers["Location"] == "/staff/conversations"
        listing = await c.get("/staff/conversations")
        assert "Content-Security-Policy" in listing.headers
        assert f'href="/staff/conversations/{seeded.chinese}?' in await listing.text()
