"""The sign-in throttle: one check at a time per (name, address), exponential delay, no lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intake.storage import sign_in_throttle as throttle
from intake.storage.db import open_db

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
ATTACKER = "198.51.100.7"
OWNER = "203.0.113.20"


@pytest.fixture
def db():
    return open_db(":memory:")


def fail(db, name: str, address: str, now: datetime) -> timedelta:
    reservation = throttle.reserve(db, name, address, now)
    assert isinstance(reservation, throttle.Reservation)
    return throttle.record_failure(db, reservation, now)


def test_a_second_attempt_while_one_is_being_checked_is_refused(db):
    first = throttle.reserve(db, "alice", ATTACKER, NOW)
    second = throttle.reserve(db, "alice", ATTACKER, NOW)
    assert isinstance(first, throttle.Reservation)
    assert isinstance(second, throttle.Refusal)
    throttle.record_failure(db, first, NOW)
    assert isinstance(throttle.reserve(db, "alice", ATTACKER, NOW), throttle.Reservation)


def test_the_delay_doubles_after_the_free_failures_and_is_capped():
    delays = [throttle.delay_after(n) for n in range(1, 8)]
    assert delays[:2] == [timedelta(0)] * 2
    assert delays[2:] == [timedelta(seconds=s) for s in (1, 2, 4, 8, 16)]
    assert throttle.delay_after(10_000) == throttle.MAX_DELAY


def test_a_delayed_pair_is_refused_until_its_time_and_says_how_long(db):
    now = NOW
    for _ in range(throttle.FREE_FAILURES + 2):
        delay = fail(db, "alice", ATTACKER, now)
        now += delay
    refusal = throttle.reserve(db, "alice", ATTACKER, now - timedelta(seconds=1))
    assert isinstance(refusal, throttle.Refusal)
    assert refusal.retry_after == timedelta(seconds=1)
    assert isinstance(throttle.reserve(db, "alice", ATTACKER, now), throttle.Reservation)


def test_failures_from_one_address_never_delay_the_same_name_from_another(db):
    for _ in range(20):
        reservation = throttle.reserve(db, "alice", ATTACKER, NOW)
        if isinstance(reservation, throttle.Reservation):
            throttle.record_failure(db, reservation, NOW)
    assert isinstance(throttle.reserve(db, "alice", ATTACKER, NOW), throttle.Refusal)
    assert isinstance(throttle.reserve(db, "alice", OWNER, NOW), throttle.Reservation)


def test_success_clears_only_its_own_address(db):
    for address in (ATTACKER, OWNER):
        fail(db, "alice", address, NOW)
        fail(db, "alice", address, NOW)
    mine = throttle.reserve(db, "alice", OWNER, NOW)
    throttle.record_success(db, mine)
    rows = {r["address"]: r["failures"] for r in db["staff_sign_in_throttle"].rows}
    assert rows == {ATTACKER: 2}


def test_a_lease_left_by_a_crash_expires(db):
    throttle.reserve(db, "alice", ATTACKER, NOW)
    assert isinstance(throttle.reserve(db, "alice", ATTACKER, NOW), throttle.Refusal)
    later = NOW + throttle.LEASE + timedelta(seconds=1)
    assert isinstance(throttle.reserve(db, "alice", ATTACKER, later), throttle.Reservation)


def test_pairs_idle_for_a_day_are_forgotten(db):
    for index in range(50):
        fail(db, f"made-up-{index}", ATTACKER, NOW)
    fail(db, "alice", ATTACKER, NOW + throttle.FORGET_AFTER + timedelta(minutes=1))
    assert [r["name"] for r in db["staff_sign_in_throttle"].rows] == ["alice"]
