"""Where the watcher's cursor goes after a cycle (no network)."""

from __future__ import annotations

from datetime import timedelta

from intake.tickets.redmine.config import RedmineSettings
from intake.tickets.watcher import Watcher


def _watcher() -> Watcher:
    return Watcher(None, None, RedmineSettings(), overlap=timedelta(seconds=60))  # type: ignore[arg-type]


def _issue(n: int, stamp: str) -> dict:
    return {"id": n, "updated_on": stamp}


def test_cursor_stays_an_overlap_behind_the_newest_change():
    page = [_issue(1, "2026-12-02T10:00:00Z"), _issue(2, "2026-12-02T10:05:30Z")]
    assert _watcher()._next_cursor([page]) == "2026-12-02T10:04:30Z"
    assert _watcher()._next_cursor([]) is None


def test_with_several_pages_the_cursor_stays_at_the_first_page_boundary():
    first = [_issue(n, "2026-12-02T10:00:00Z") for n in range(99)]
    first.append(_issue(99, "2026-12-02T10:01:00Z"))
    second = [_issue(100, "2026-12-02T10:09:00Z")]
    # An issue saved while paging shifts the list: the one after the boundary may be unseen.
    assert _watcher()._next_cursor([first, second]) == "2026-12-02T10:01:00Z"
