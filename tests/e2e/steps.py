"""A user's moves through the dialogue, as small functions the e2e tests compose."""

from __future__ import annotations

from collections.abc import Callable

from intake.emulator.users import SimulatedUser

EN = {
    "start": "Start",
    "summary": "In one line",
    "browser": "Which browser",
    "version": "Which version of",
    "os": "Which operating system",
    "os_version": "Which version of",
    "product": "Which Orangesky version",
    "extra": "Anything else that identifies",
    "impact": "sounds like",
    "question": "How badly are you affected",
    "description": "Describe what happens",
    "attachments": "Screenshots, logs",
    "review": "Please check your ticket",
    "receipt": "Your ticket",
    "done": "Done",
    "skip": "Skip",
    "yes_right": "Yes, that's right",
    "confirm": "Confirm and send",
    "dont_know": "I don't know",
    "still_dont_know": "I still don't know",
}
ZH = {
    "start": "开始",
    "summary": "一句话",
    "browser": "浏览器",
    "version": "版本",
    "os": "操作系统",
    "os_version": "版本",
    "product": "Orangesky 版本",
    "extra": "其他",
    "impact": "听起来",
    "question": "影响",
    "description": "描述",
    "attachments": "截图",
    "review": "请核对",
    "receipt": "工单",
    "done": "完成",
    "skip": "跳过",
    "yes_right": "是的",
    "confirm": "确认并提交",
    "dont_know": "我不清楚",
    "still_dont_know": "我还是不清楚",
}


async def complete_intake(
    user: SimulatedUser,
    words: dict[str, str] = EN,
    *,
    summary: str = "Orangesky shows 502 errors for all users",
    description: str = "Since 9:00 every page returns 502 Bad Gateway.",
    with_account: bool = False,
    version_unknown: bool = False,
    before_confirm: Callable[[], None] | None = None,
) -> str:
    """From /start to the receipt; returns the receipt message's text.

    With ``version_unknown`` the browser's version is not found, even with the help.
    """
    await user.send_command("/start")
    await user.wait_for(lambda m: any(words["start"] in t for t in m.button_texts))
    await user.tap(lambda b: words["start"] in b.text)
    await user.wait_for(words["summary"])
    await user.send_text(summary)
    await user.wait_for(words["browser"])
    await user.tap("Firefox")
    await user.wait_for(words["version"])
    if version_unknown:
        await user.tap(words["dont_know"])
        await user.wait_for(lambda m: words["still_dont_know"] in m.button_texts, new=True)
        await user.tap(words["still_dont_know"])
    else:
        await user.send_text("121.0")
    await user.wait_for(words["os"])
    await user.tap("Ubuntu")
    await user.wait_for(lambda m: "Ubuntu" in (m.text or "") and words["os_version"] in m.text)
    await user.send_text("22.04")
    await user.wait_for(words["product"])
    await user.send_text("4.2.1")
    await user.wait_for(words["extra"])
    await user.tap(lambda b: words["skip"] in b.text)
    await user.wait_for(words["impact"])
    await user.tap(lambda b: words["yes_right"] in b.text)
    await user.wait_for(words["description"])
    await user.send_text(description)
    await user.wait_for(lambda m: words["done"] in " ".join(m.button_texts))
    await user.tap(lambda b: words["done"] in b.text)
    await user.wait_for(words["attachments"])
    await user.tap(lambda b: words["skip"] in b.text)
    if with_account:  # Redmine is configured: the login step, skipped
        await user.wait_for("Redmine")
        await user.tap(lambda b: words["skip"] in b.text)
    await user.wait_for(words["review"])
    if before_confirm is not None:
        before_confirm()
    await user.tap(lambda b: words["confirm"] in b.text)
    receipt = await user.wait_for("OS-", timeout=10)
    return receipt.text or ""


async def reach_step(user: SimulatedUser, step: str, words: dict[str, str] = EN) -> None:
    """Walk from /start to ``step`` (summary, browser_version, os, description or review)."""
    await user.send_command("/start")
    await user.wait_for(lambda m: any(words["start"] in t for t in m.button_texts))
    await user.tap(lambda b: words["start"] in b.text)
    await user.wait_for(words["summary"])
    if step == "summary":
        return
    await user.send_text("Export to CSV fails with an error")
    await user.wait_for(words["browser"])
    await user.tap("Chrome")
    await user.wait_for(words["version"])
    if step == "browser_version":
        return
    await user.send_text("120.0.6099.109")
    await user.wait_for(words["os"])
    if step == "os":
        return
    await user.tap("Windows")
    await user.wait_for(lambda m: "Windows" in (m.text or ""))
    await user.send_text("11")
    await user.wait_for(words["product"])
    await user.send_text("4.2.1")
    await user.wait_for(words["extra"])
    await user.send_text("cluster eu-1")
    await user.wait_for(words["impact"])
    await user.tap(lambda b: words["yes_right"] in b.text)
    await user.wait_for(words["description"])
    if step == "description":
        return
    await user.send_text("Clicking Export gives error E42; exporting one row at a time works.")
    await user.wait_for(lambda m: words["done"] in " ".join(m.button_texts))
    await user.tap(lambda b: words["done"] in b.text)
    await user.wait_for(words["attachments"])
    await user.tap(lambda b: words["skip"] in b.text)
    await user.wait_for(words["review"])


def has_chinese(text: str | None) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")
