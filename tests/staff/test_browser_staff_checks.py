"""The staff pages in real Chromium as a support engineer and as an attacker meet them:
axe-core finds no violation at desk and phone width, the tables fit, the keyboard alone
is enough, an attack on a name does not keep its owner out, off-site ``next`` stays home,
and a sign-in posted by another page is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, CookieJar, TCPConnector, web

from intake.staff.app import create_staff_app
from intake.staff.auth import SESSION_COOKIE, SIGN_IN_COOKIE
from intake.storage import staff as accounts
from intake.storage.staff import add_staff_user
from tests.factories import make_conversation, make_ticket
from tests.staff.browser import ARTIFACTS, axe_violations
from tests.staff.conftest import STAFF_NAME, STAFF_PASSWORD, Clock, add_locally_stored

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.fixture
async def server(seeded, clock: Clock) -> AsyncIterator[str]:
    add_locally_stored(seeded)
    runner, base = await serve(create_staff_app(seeded.db, clock=clock))
    try:
        yield base
    finally:
        await runner.cleanup()


async def new_page(browser, viewport: dict[str, int] = DESK):
    # bypass_csp lets the test inject axe-core; the app's own policy stays as it is.
    context = await browser.new_context(
        viewport=viewport, timezone_id="Asia/Shanghai", locale="en-US", bypass_csp=True
    )
    return await context.new_page()


async def sign_in_with_the_keyboard(page, base: str) -> None:
    """Name, Tab, password, Enter: no mouse."""
    await page.goto(f"{base}/sign-in")
    # The name field has the focus on arrival (autofocus); typing before Chromium has
    # applied it sent the name nowhere on a busy machine, so wait for it, mouse untouched.
    await page.wait_for_function("document.activeElement?.name === 'name'")
    await page.keyboard.type(STAFF_NAME)
    await page.keyboard.press("Tab")
    await page.keyboard.type(STAFF_PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/conversations")


def staff_pages(seeded) -> list[str]:
    conversations = [seeded.chinese, seeded.english, seeded.switched, seeded.in_progress]
    return [
        "/conversations",
        "/conversations?q=登录",
        "/conversations?language=en&status=bogus",
        *(f"/conversations/{c}" for c in conversations),
        *(f"/conversations/{c}?view=customer" for c in conversations),
        "/tickets",
        "/tickets?first=1&sort=newest",
        "/tickets?status=stored",
    ]


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
async def test_axe_finds_no_violation_on_any_staff_page(server, browser, seeded, viewport):
    page = await new_page(browser, viewport)
    found: dict[str, list[str]] = {}
    await page.goto(f"{server}/sign-in")
    found["/sign-in"] = await axe_violations(page)
    await page.fill("input[name=name]", STAFF_NAME)
    await page.fill("input[name=password]", "wrong password")
    await page.click("button:has-text('Sign in')")
    found["/sign-in (error)"] = await axe_violations(page)
    await sign_in_with_the_keyboard(page, server)
    for path in staff_pages(seeded):
        await page.goto(f"{server}{path}")
        for details in await page.locator("details").all():
            await details.locator("summary").click()  # audit what is folded away too
        found[path] = await axe_violations(page)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways: {width} px"
    assert {path: v for path, v in found.items() if v} == {}


async def test_the_tickets_table_fits_1280_px(server, browser):
    page = await new_page(browser, DESK)
    await sign_in_with_the_keyboard(page, server)
    await page.goto(f"{server}/tickets")
    wrap = await page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap');"
        " return [w.scrollWidth, w.clientWidth]; })()"
    )
    assert wrap[0] <= wrap[1], f"the table needs {wrap[0]} px in {wrap[1]} px"
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "staff-tickets-1280.png"), full_page=True)


async def test_at_phone_width_each_row_is_a_card_with_labelled_cells(server, browser):
    page = await new_page(browser, PHONE)
    await sign_in_with_the_keyboard(page, server)
    await page.goto(f"{server}/conversations")
    row = page.locator("table.list tbody tr").first
    box = await row.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    label = await row.locator("td[data-label=Status]").evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"Status"'
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "staff-conversations-phone.png"), full_page=True)


async def test_a_long_description_scrolls_in_its_own_box_beside_the_transcript(
    server, browser, seeded
):
    pasted = " ".join(f"line {n}: the export times out after 30 seconds." for n in range(250))
    conversation = make_conversation(seeded.db, summary="Export times out")
    make_ticket(seeded.db, conversation, fields={"summary": "Export", "description": [pasted]})
    page = await new_page(browser, DESK)
    await sign_in_with_the_keyboard(page, server)
    await page.goto(f"{server}/conversations/{conversation}")
    box = page.locator("dl.collected dd").filter(has_text="line 249:")
    shown, whole = await box.evaluate("dd => [dd.clientHeight, dd.scrollHeight]")
    assert shown < 500 < whole  # 12,000 characters no longer make the page 7,000 px tall
    assert await box.get_attribute("tabindex") == "0"  # the keyboard can scroll it
    assert pasted in await box.inner_text()  # nothing cut
    assert await axe_violations(page) == []


async def test_the_keyboard_alone_reaches_a_conversation_and_its_customer_only_view(
    server, browser, seeded
):
    page = await new_page(browser, DESK)
    await sign_in_with_the_keyboard(page, server)
    # The first Tab lands on the skip link, which jumps past the navigation.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    await page.keyboard.press("Enter")
    for _ in range(40):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("document.activeElement.getAttribute('href') || ''")
        if focused.startswith(f"/conversations/{seeded.chinese}?"):
            break
    else:
        pytest.fail("Tab never reached the conversation's link")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{server}/conversations/{seeded.chinese}?**")
    await page.focus("text=Customer only")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**view=customer**")
    assert await page.locator(".msg-out").count() == 0
    assert await page.locator(".msg-in").count() > 0
    outline = await page.evaluate(
        "(() => { const a = document.querySelector('.views a'); a.focus();"
        " return getComputedStyle(a).outlineStyle; })()"
    )
    assert outline != "none"  # the focus can be seen


async def test_the_owner_signs_in_in_chromium_right_after_a_burst_on_their_name(
    seeded, browser, monkeypatch
):
    """A real clock this time: the attacker's 120 concurrent guesses from another address
    check a handful of passwords, and the owner's browser signs in at once."""
    checked: list[str] = []
    verify = accounts.verify_password

    def counting(password: str, encoded: str | None) -> bool:
        checked.append(password)
        return verify(password, encoded)

    monkeypatch.setattr(accounts, "verify_password", counting)
    runner, base = await serve(create_staff_app(seeded.db))
    try:
        connector = TCPConnector(local_addr=("127.0.0.2", 0), limit=0)
        # unsafe: the jar keeps cookies of an IP address (the sign-in form's cookie).
        jar = CookieJar(unsafe=True)
        async with ClientSession(connector=connector, cookie_jar=jar) as attacker:
            async with attacker.get(f"{base}/sign-in") as page:
                html = await page.text()
            token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

            async def guess(index: int) -> int:
                async with attacker.post(
                    f"{base}/sign-in",
                    data={"csrf_token": token, "name": STAFF_NAME, "password": f"guess {index}"},
                    allow_redirects=False,
                ) as response:
                    return response.status

            statuses = await asyncio.gather(*(guess(i) for i in range(120)))
        assert set(statuses) <= {401, 429}, statuses  # refused, never a 403 for the form
        assert len(checked) <= 5, f"{len(checked)} passwords checked"
        print(f"burst of 120: {len(checked)} checked, {statuses.count(429)} told to wait")

        page = await new_page(browser, DESK)
        await page.goto(f"{base}/sign-in")
        await page.fill("input[name=name]", STAFF_NAME)
        await page.fill("input[name=password]", STAFF_PASSWORD)
        await page.click("button:has-text('Sign in')")
        await page.wait_for_url(f"{base}/conversations")
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("target", ["/%09/evil.example/", "//evil.example/", "/%5Cevil.example/"])
async def test_an_off_site_next_in_the_address_bar_stays_on_site(server, browser, target):
    page = await new_page(browser, DESK)
    await page.goto(f"{server}/sign-in?next={target}")
    await page.fill("input[name=name]", STAFF_NAME)
    await page.fill("input[name=password]", STAFF_PASSWORD)
    await page.click("button:has-text('Sign in')")
    await page.wait_for_load_state()
    assert page.url.startswith(f"{server}/"), page.url
    assert "evil" not in page.url


async def test_a_sign_in_posted_by_a_sandboxed_page_on_another_port_is_refused(seeded, browser):
    """The reported login CSRF, as Chromium really performs it: a page on another port of
    the same host sets the sign-in cookie (cookies ignore ports) and, sandboxed so that its
    Origin is ``null``, posts the attacker's name, password and matching token."""
    add_staff_user(seeded.db, "mallory", "mallory's password")
    token = "A" * 43
    staff_runner, staff = await serve(create_staff_app(seeded.db))

    async def attacker_page(request: web.Request) -> web.Response:
        form = (
            f'<form id="f" method="post" action="{staff}/sign-in">'
            f'<input name="csrf_token" value="{token}"><input name="name" value="mallory">'
            '<input name="password" value="mallory\'s password"></form>'
            "<script>document.getElementById('f').submit()</script>"
        )
        response = web.Response(
            text=f"<!doctype html>{form}",
            content_type="text/html",
            headers={"Content-Security-Policy": "sandbox allow-forms allow-scripts"},
        )
        response.set_cookie(SIGN_IN_COOKIE, token, path="/")
        return response

    evil = web.Application()
    evil.router.add_get("/", attacker_page)
    evil_runner, evil_base = await serve(evil)
    try:
        # A plain context: bypassing CSP would also lift the attacker page's sandbox.
        page = await (await browser.new_context()).new_page()
        async with page.expect_response(f"{staff}/sign-in") as posted:
            await page.goto(f"{evil_base}/")
        response = await posted.value
        assert (await response.request.all_headers()).get("origin") == "null"
        assert response.status == 403
        cookies = await page.context.cookies(staff)
        assert SESSION_COOKIE not in [c["name"] for c in cookies]
    finally:
        await evil_runner.cleanup()
        await staff_runner.cleanup()
