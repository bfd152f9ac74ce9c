"""A real headless Chromium (Debian's ``chromium``) in the web chat, as a customer uses it.

In CI (``CI=true``) a missing Chromium or Playwright fails these tests; elsewhere they skip.
Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from intake.i18n import ZH
from intake.storage import attachments
from intake.storage import tickets as store
from tests.e2e.steps import EN

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 850}
STEP_TIMEOUT = 20_000  # ms; the first reply waits for the bot's start-up on slow machines


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


def chromium_executable() -> str | None:
    """$CHROMIUM, else Debian's chromium on the PATH or in /usr/bin."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install playwright)")
    executable = chromium_executable()
    if executable is None:
        _unavailable("Chromium is missing (apt-get install -y chromium)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def served(playground) -> AsyncIterator[str]:
    url = await playground.start("127.0.0.1", 0)
    yield url
    await playground.stop()


async def open_page(browser, url: str, viewport: dict):
    page = await browser.new_page(viewport=viewport)
    page.problems = []  # console errors (a CSP violation is one) and uncaught exceptions
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    await page.goto(url)
    return page


async def bot_says(page, text: str) -> None:
    from playwright.async_api import expect

    await expect(page.locator(".msg.in").last).to_contain_text(text, timeout=STEP_TIMEOUT)


async def tap(page, label: str) -> None:
    await page.locator(".msg.in .kb-btn", has_text=label).last.click()


async def write(page, text: str) -> None:
    await page.fill("#input", text)
    await page.press("#input", "Enter")


async def test_browser_completes_a_chinese_intake_and_the_ticket_is_stored(
    browser, served, playground, tmp_path
):
    page = await open_page(browser, served, PHONE)
    await page.click("[data-lang=zh]")
    assert (await page.inner_text("#start")) == "开始"
    await page.click("#start")

    await bot_says(page, "您好")
    assert await page.get_attribute("#input", "placeholder") == "输入消息…"
    await tap(page, "开始")
    await bot_says(page, "一句话")
    await write(page, "所有用户打开 Orangesky 都显示 502 错误")
    await bot_says(page, "哪个浏览器")
    await tap(page, "Firefox")
    await bot_says(page, "Firefox 是哪个版本")
    await write(page, "121.0")
    await bot_says(page, "哪种操作系统")
    await tap(page, "Ubuntu")
    await bot_says(page, "Ubuntu 是哪个版本")
    await write(page, "22.04")
    await bot_says(page, "Orangesky 版本")
    await write(page, "4.2.1")
    await bot_says(page, "识别您环境")
    await tap(page, "跳过")
    await tap(page, "是的，没错")  # noqa: RUF001 - Chinese punctuation
    await bot_says(page, "请描述具体情况")
    await write(page, "从 9 点开始，每个页面都返回 502 Bad Gateway。")  # noqa: RUF001
    await tap(page, "完成")
    await bot_says(page, "截图、日志")

    log = tmp_path / "gateway-error.log"
    log.write_text("ERROR upstream returned 502 Bad Gateway for every request\n" * 20)
    await page.click("#attach")
    async with page.expect_file_chooser() as chooser:
        await page.click("[data-pick=document]")
    await (await chooser.value).set_files(str(log))
    assert (await page.inner_text("#upload-title")) == "发送 1 个文件"
    await page.click("#upload-send")
    await bot_says(page, "gateway-error.log")
    # The verdict replies to the file's message and shows it, as Telegram quotes a reply.
    quote = page.locator(".msg.in .reply-quote").last
    assert await quote.inner_text() == "gateway-error.log"
    await tap(page, "文件发送完成")
    await bot_says(page, "请核对")
    await tap(page, "确认并提交")
    await bot_says(page, "OS-000001")
    await bot_says(page, "已收到")

    # Edited step messages are marked as a Chinese Telegram app marks them.
    assert "已编辑" in await page.locator(".msg.in .edited").first.inner_text()
    assert await page.locator(".msg.out.kind-document").count() == 1
    assert not await page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), (
        "the chat must fit a phone's width"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "playground-zh-phone.png"))
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=str(ARTIFACTS / "playground-zh-desktop.png"))
    assert page.problems == []

    db = playground.services.db
    [ticket] = store.list_tickets(db)
    assert ticket.receipt == "OS-000001"
    assert ticket.language == ZH
    assert ticket.summary == "所有用户打开 Orangesky 都显示 502 错误"
    assert ticket.impact == "emergency"
    [attachment] = attachments.ticket_attachments(db, ticket.id)
    assert attachment.file_name == "gateway-error.log"

    # The staff page of the same playground shows it, signed in as the printed account.
    staff = await open_page(browser, served + "staff/conversations", DESKTOP)
    await staff.fill("input[name=name]", playground.staff.name)
    await staff.fill("input[name=password]", playground.staff.password)
    await staff.click("button[type=submit]")
    await staff.wait_for_url("**/staff/conversations")
    listing = await staff.inner_text("main")
    assert "OS-000001" in listing and "所有用户打开 Orangesky 都显示 502 错误" in listing


async def test_browser_edits_a_sent_summary_and_the_bot_takes_the_fix(browser, served):
    from playwright.async_api import expect

    page = await open_page(browser, served, DESKTOP)
    await page.click("#start")
    await bot_says(page, "Hello")
    await tap(page, EN["start"])
    await bot_says(page, EN["summary"])
    await write(page, "Exprot fails")
    await bot_says(page, EN["browser"])

    summary = page.locator(".msg.out", has_text="Exprot fails")
    summary = page.locator(f'.msg[data-id="{await summary.get_attribute("data-id")}"]')
    await summary.hover()
    await summary.get_by_role("button", name="Edit").click()
    await expect(page.locator("#edit-bar")).to_contain_text("Editing message")
    await expect(page.locator("#edit-preview")).to_have_text("Exprot fails")
    assert await page.input_value("#input") == "Exprot fails"
    await write(page, "Export fails")

    await bot_says(page, "Updated. Summary: Export fails")
    await expect(summary.locator(".text")).to_have_text("Export fails")
    await expect(summary.locator(".edited")).to_have_text("edited")
    await expect(page.locator("#edit-bar")).to_be_hidden()
    assert await page.input_value("#input") == ""
    assert await page.locator(".msg.out").count() == 2, "an edit sends no new message"
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "playground-edit-desktop.png"))
    assert page.problems == []


async def test_browser_tabs_are_separate_users_and_a_reload_keeps_yours(browser, served):
    from playwright.async_api import expect

    first = await open_page(browser, served, DESKTOP)
    await first.click("#start")
    await bot_says(first, "Hello")
    first_id = await first.inner_text("#you-meta")

    second = await open_page(browser, served, DESKTOP)
    # Waits: the page shows START once its script has loaded the configuration.
    await expect(second.locator("#start")).to_be_visible(timeout=STEP_TIMEOUT)  # a new user
    await second.click("#start")
    await bot_says(second, "Hello")
    assert await second.inner_text("#you-meta") != first_id

    await first.reload()
    await bot_says(first, "Hello")
    assert await first.inner_text("#you-meta") == first_id
    assert await first.locator(".msg.out").count() == 1

    await first.click(".side [data-action=new-user]")
    await expect(first.locator("#start")).to_be_visible(timeout=STEP_TIMEOUT)
    assert await first.locator(".msg").count() == 0
    await first.screenshot(path=str(ARTIFACTS / "playground-new-user-desktop.png"))
    assert first.problems == [] and second.problems == []


async def test_browser_shows_photos_sent_together_as_one_album(browser, served, tmp_path):
    from PIL import Image

    paths = []
    for i, colour in enumerate(("#e57373", "#64b5f6")):
        path = tmp_path / f"screen-{i}.png"
        Image.new("RGB", (640, 480), colour).save(path)
        paths.append(str(path))
    page = await open_page(browser, served, PHONE)
    await page.click("#start")
    await bot_says(page, "Hello")
    await page.click("#attach")
    async with page.expect_file_chooser() as chooser:
        await page.click("[data-pick=photo]")
    await (await chooser.value).set_files(paths)
    assert (await page.inner_text("#upload-title")) == "Send 2 photos"
    await page.fill("#caption", "both error pages")
    await page.click("#upload-send")

    album = page.locator(".msg.out.kind-album")
    await album.locator("img").nth(1).wait_for()
    assert await album.count() == 1
    assert await album.locator(".photo img").count() == 2
    assert "both error pages" in await album.inner_text()
    for image in await album.locator("img").all():
        assert await image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 640
    await album.scroll_into_view_if_needed()
    await page.screenshot(path=str(ARTIFACTS / "playground-album-phone.png"))
    assert page.problems == []
