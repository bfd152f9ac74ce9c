"""The staff app in a real browser: Debian's chromium driven by Playwright.

Selected with ``pytest -k browser``. Locally they skip when chromium is missing; in CI
(``CI=true``) they fail instead, so a broken install cannot pass silently.
Screenshots land in tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from intake.staff.app import create_staff_app
from tests.factories import add_message
from tests.staff.browser import ARTIFACTS
from tests.staff.conftest import STAFF_NAME, STAFF_PASSWORD, Clock

pytestmark = pytest.mark.browser

PAYLOAD = '登录后报错 <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


@pytest.fixture
async def server(seeded, clock: Clock) -> AsyncIterator[str]:
    add_message(seeded.db, seeded.chinese, PAYLOAD, step="description")
    runner = web.AppRunner(create_staff_app(seeded.db, clock=clock))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def _signed_in_page(browser, base: str):
    context = await browser.new_context(
        viewport={"width": 1360, "height": 900},
        timezone_id="Asia/Shanghai",
        locale="en-US",
        accept_downloads=True,
    )
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    await page.goto(f"{base}/conversations")
    assert "/sign-in" in page.url  # nobody without a session sees anything
    assert await page.locator("table.list").count() == 0
    await page.fill("input[name=name]", STAFF_NAME)
    await page.fill("input[name=password]", STAFF_PASSWORD)
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url(f"{base}/conversations")
    return page, dialogs


async def test_browser_search_chinese_open_conversation_script_stays_text(
    server: str, browser, seeded
):
    ARTIFACTS.mkdir(exist_ok=True)
    page, dialogs = await _signed_in_page(browser, server)
    await page.screenshot(path=str(ARTIFACTS / "staff-conversations.png"), full_page=True)

    await page.fill("input[name=q]", "登录")
    await page.click("button:has-text('Search')")
    await page.wait_for_url("**q=%E7%99%BB%E5%BD%95**")
    rows = page.locator("table.list tbody tr")
    assert await rows.count() == 1
    assert await page.locator("table.list mark").first.inner_text() == "登录"
    await page.screenshot(path=str(ARTIFACTS / "staff-search-chinese.png"), full_page=True)

    await page.click("text=无法登录控制台")
    await page.wait_for_url(f"{server}/conversations/{seeded.chinese}?**")
    bubble = page.locator(".msg-in .bubble").filter(has_text="window.pwned")
    assert await bubble.is_visible()
    assert "<script>window.pwned = 1</script>" in await bubble.inner_text()
    assert await page.evaluate("typeof window.pwned") == "undefined"
    assert dialogs == []
    # The viewer's time zone: 09:00 UTC is 05:00 PM in Shanghai; the UTC text is replaced.
    first_time = page.locator(".chat time").first
    assert "05:00 PM" in await first_time.inner_text()
    assert "UTC" not in await first_time.inner_text()
    assert "Asia/Shanghai" in await page.locator(".foot").inner_text()
    await page.screenshot(path=str(ARTIFACTS / "staff-conversation.png"), full_page=True)

    async with page.expect_download() as download_info:
        await page.click("text=Export JSON")
    download = await download_info.value
    assert download.suggested_filename == f"conversation-{seeded.chinese}.json"
    saved = await download.path()
    exported = json.loads(await asyncio.to_thread(Path(saved).read_text, encoding="utf-8"))
    assert PAYLOAD in [m["text"] for m in exported["messages"]]

    await page.click("button:has-text('Sign out')")
    await page.wait_for_url("**/sign-in")
    await page.goto(f"{server}/conversations/{seeded.chinese}")
    assert "/sign-in" in page.url


async def test_browser_retry_button_requeues_a_failed_ticket(server: str, browser, seeded):
    ARTIFACTS.mkdir(exist_ok=True)
    page, _ = await _signed_in_page(browser, server)
    await page.click("nav >> text=Tickets")
    await page.wait_for_url(f"{server}/tickets")
    await page.screenshot(path=str(ARTIFACTS / "staff-tickets.png"), full_page=True)
    row = page.locator("tr").filter(has_text="OS-000001")
    await row.locator("button:has-text('Retry now')").click()
    await page.wait_for_url("**/tickets?retried=OS-000001")
    assert "is queued and will be filed next" in await page.locator(".alert-ok").inner_text()
    assert seeded.db["tickets"].get(seeded.failed_ticket)["status"] == "queued"
