# ruff: noqa: RUF001  (CJK and Cyrillic test text is the point here)
"""The process pool: verdicts off the event loop, limits, recovery."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from intake.attachments import policy
from intake.attachments.checker import AttachmentChecker

from . import factories as f


@pytest.fixture
async def checker():
    checker = AttachmentChecker(max_workers=2, max_queue=4, timeout_s=60)
    yield checker
    await checker.aclose()


def test_construction_starts_nothing():
    checker = AttachmentChecker()
    assert not checker.started


async def test_text_files_are_checked_in_workers(checker):
    english, chinese = await asyncio.gather(
        checker.check(b"ERROR upload timed out after 30 s", "a.log", "text/plain"),
        checker.check("上传超时，请稍后再试。".encode("gbk"), "b.log", None),
    )
    assert (english.verdict, english.language) == ("accepted", "en")
    assert (chinese.verdict, chinese.language) == ("refused", "zh")
    assert checker.started


async def test_more_files_than_the_queue_all_get_verdicts(checker):
    files = [f"line {i}: the export failed again".encode() for i in range(10)]
    verdicts = await asyncio.gather(*(checker.check(data, "x.txt", None) for data in files))
    assert [v.verdict for v in verdicts] == ["accepted"] * 10


async def test_a_file_over_the_time_limit_is_unchecked_and_the_pool_recovers():
    checker = AttachmentChecker(max_workers=1, timeout_s=0.001)
    try:
        verdict = await checker.check(b"hello there, this is a log", "a.txt", None)
        assert (verdict.verdict, verdict.reason) == ("unchecked", "timeout")
        assert checker.recycles == 1 and not checker.started
        checker.timeout_s = 60
        verdict = await checker.check(b"hello there, this is a log", "a.txt", None)
        assert verdict.verdict == "accepted"
    finally:
        await checker.aclose()


async def test_a_killed_worker_is_replaced(checker):
    await checker.check(b"warm up the pool", "a.txt", None)
    pids = checker.worker_pids()
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    verdict = await checker.check(b"the export failed again", "a.txt", None)
    assert verdict.verdict == "accepted"


async def test_aclose_twice_is_harmless():
    checker = AttachmentChecker()
    await checker.check(b"some english text here", "a.txt", None)
    await checker.aclose()
    await checker.aclose()
    assert not checker.started


async def test_check_text_needs_no_pool():
    checker = AttachmentChecker()
    assert checker.check_text("这是截图").verdict == "refused"
    assert not checker.started


@pytest.mark.ocr
async def test_event_loop_keeps_answering_while_screenshots_are_read(checker):
    shots = [
        f.png_bytes(
            f.dialog(
                "导出失败",
                ["无法导出报告，因为与服务器的连接已断开。"],
                ["重试"],
                lang="zh",
                seed=i,
            )
        )
        for i in range(4)
    ]
    await checker.check(b"warm up", "a.txt", None)  # start the workers outside the measure
    worst = 0.0
    done = False

    async def ticker() -> None:
        nonlocal worst
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, time.perf_counter() - before - 0.01)

    ticking = asyncio.create_task(ticker())
    verdicts = await asyncio.gather(*(checker.check(s, "s.png", "image/png") for s in shots))
    done = True
    await ticking
    assert [v.language for v in verdicts] == ["zh"] * 4
    assert worst < 1.0, worst  # bench/attachments.py measures the real figure (< 50 ms)


async def test_oversized_file_is_answered_without_a_worker():
    checker = AttachmentChecker()
    verdict = await checker.check(b"a" * (policy.MAX_BYTES + 1), "big.log", "text/plain")
    assert (verdict.verdict, verdict.reason) == ("unchecked", "too_large")
    assert not checker.started


async def test_files_in_flight_survive_another_files_timeout():
    checker = AttachmentChecker(max_workers=2, timeout_s=60)
    try:
        await checker.check(b"warm up the pool", "a.txt", None)
        slow = checker.check(b"the export failed again " * 20000, "big.txt", None)
        task = asyncio.create_task(slow)
        await asyncio.sleep(0)
        checker.recycle()  # what another file's timeout does
        verdict = await task
        assert verdict.verdict == "accepted"
        assert checker.recycles == 1 and checker.started  # retried on a new pool
    finally:
        await checker.aclose()
