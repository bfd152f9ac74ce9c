"""Staff accounts: scrypt hashes, add/list/remove, and the failed sign-in lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intake.storage import staff
from intake.storage.db import open_db

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def db():
    return open_db(":memory:")


def test_hash_is_salted_scrypt_and_verifies_only_the_right_password():
    first = staff.hash_password("correct horse battery")
    second = staff.hash_password("correct horse battery")
    assert first.startswith(f"scrypt${staff.SCRYPT_N}$")
    assert first != second  # a fresh salt each time
    assert staff.verify_password("correct horse battery", first)
    assert not staff.verify_password("correct horse batterY", first)
    assert not staff.verify_password("correct horse battery", None)
    assert not staff.verify_password("x", "not-a-hash")


def test_password_is_never_stored_in_clear(db):
    staff.add_staff_user(db, "alice", "correct horse battery")
    stored = db.execute("SELECT password_hash FROM staff_users").fetchone()[0]
    assert "correct horse battery" not in stored


def test_add_list_remove(db):
    staff.add_staff_user(db, "bob", "0123456789ab", now=NOW)
    staff.add_staff_user(db, "alice", "0123456789ab", now=NOW)
    assert [u.name for u in staff.list_staff_users(db)] == ["alice", "bob"]
    with pytest.raises(staff.StaffAccountError):
        staff.add_staff_user(db, "alice", "another password")
    assert staff.remove_staff_user(db, "alice")
    assert not staff.remove_staff_user(db, "alice")
    assert [u.name for u in staff.list_staff_users(db)] == ["bob"]


@pytest.mark.parametrize("name", ["", " ", "a b", "-dash", "x" * 65, "<script>"])
def test_bad_names_are_refused(db, name):
    with pytest.raises(staff.StaffAccountError):
        staff.add_staff_user(db, name, "0123456789ab")


def test_short_password_is_refused(db):
    with pytest.raises(staff.StaffAccountError):
        staff.add_staff_user(db, "alice", "short")


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(db):
    staff.add_staff_user(db, "alice", "correct horse battery")
    results = [staff.authenticate(db, "alice", "wrong", now=NOW) for _ in range(5)]
    assert results == [staff.SignInResult.INVALID] * 4 + [staff.SignInResult.LOCKED]
    # Locked: even the right password is refused until the lock ends.
    later = NOW + timedelta(minutes=14)
    assert staff.authenticate(db, "alice", "correct horse battery", now=later) == (
        staff.SignInResult.LOCKED
    )
    after = NOW + staff.LOCK_DURATION + timedelta(seconds=1)
    assert staff.authenticate(db, "alice", "correct horse battery", now=after) == (
        staff.SignInResult.OK
    )


def test_success_clears_the_failure_count(db):
    staff.add_staff_user(db, "alice", "correct horse battery")
    for _ in range(4):
        staff.authenticate(db, "alice", "wrong", now=NOW)
    assert staff.authenticate(db, "alice", "correct horse battery", now=NOW) == (
        staff.SignInResult.OK
    )
    assert staff.get_staff_user(db, "alice").failed_logins == 0
    assert staff.authenticate(db, "alice", "wrong", now=NOW) == staff.SignInResult.INVALID


def test_unknown_name_is_invalid_not_an_error(db):
    assert staff.authenticate(db, "nobody", "whatever", now=NOW) == staff.SignInResult.INVALID
