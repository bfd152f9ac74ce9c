# ruff: noqa: RUF001  (Chinese captions are the point here)
"""Issue 14: a caption never decides a file's verdict; the file is judged by what it holds.

A caption is the customer's description, in their language: a Chinese caption on an
English screenshot or log is fine, and an English caption does not make a Chinese file English.
"""

from __future__ import annotations

import inspect

import pytest

from intake.attachments import policy
from intake.attachments.checker import AttachmentChecker
from intake.bot.attachment_work import AttachmentWork
from intake.storage import attachments
from tests import factories as db_factories


def test_the_policy_and_the_pool_take_no_caption():
    assert "caption" not in inspect.signature(policy.check).parameters
    assert "caption" not in inspect.signature(AttachmentChecker.check).parameters


class PolicyInProcess:
    """The checker's interface, running the policy here (the pool is tested elsewhere)."""

    async def check(self, data: bytes, file_name: str | None, mime_type: str | None):
        return policy.check(data, file_name, mime_type)


@pytest.mark.parametrize(
    ("data", "caption", "verdict"),
    [
        (b"ERROR upload aborted: connection reset by peer", "这是今天早上的日志", "accepted"),
        ("上传超时，请稍后再试。".encode(), "here is the log", "refused"),
    ],
)
async def test_a_files_verdict_ignores_its_caption(fresh_db, data, caption, verdict):
    conversation_id = db_factories.make_conversation(fresh_db)
    attachment_id = db_factories.add_attachment(
        fresh_db, conversation_id, data, caption=caption, verdict="pending"
    )
    work = AttachmentWork(fresh_db, PolicyInProcess())  # type: ignore[arg-type]
    await work.settle(None, 1, [attachment_id])  # type: ignore[arg-type]
    assert attachments.attachment_verdicts(fresh_db, [attachment_id]) == {attachment_id: verdict}
