"""Staff accounts: argon2id hashes (old scrypt ones still verify), add/list/remove/passwd."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.storage import staff
from intake.storage.db import open_db

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
# "correct horse battery" as the scrypt scheme before argon2id stored it.
LEGACY_SCRYPT = (
    "scrypt$32768$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$xxaWgqTSKTdh7WrfWLps/DMbPoovZsowrLVRbAkJkjA="
)


@pytest.fixture
def db():
    return open_db(":memory:")


def test_hash_is_salted_argon2id_and_verifies_only_the_right_password():
    first = staff.hash_password("correct horse battery")
    second = staff.hash_password("correct horse battery")
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert staff.verify_password("correct horse battery", first)
    assert not staff.verify_password("correct horse batterY", first)
    assert not staff.verify_password("correct horse battery", None)
    assert not staff.verify_password("x", "not-a-hash")
    assert not staff.needs_rehash(first)


def test_an_old_scrypt_hash_still_verifies_and_asks_to_be_rehashed():
    assert staff.verify_password("correct horse battery", LEGACY_SCRYPT)
    assert not staff.verify_password("correct horse batterY", LEGACY_SCRYPT)
    assert staff.needs_rehash(LEGACY_SCRYPT)


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


def test_changing_the_password_changes_the_session_key(db):
    before = staff.add_staff_user(db, "alice", "correct horse battery")
    assert staff.change_password(db, "alice", "a brand new password")
    after = staff.get_staff_user(db, "alice")
    assert after.session_key != before.session_key
    assert staff.authenticate(db, "alice", "a brand new password") == staff.SignInResult.OK
    assert staff.authenticate(db, "alice", "correct horse battery") == staff.SignInResult.INVALID
    assert not staff.change_password(db, "nobody", "a brand new password")


def test_a_re_created_account_gets_a_new_session_key(db):
    first = staff.add_staff_user(db, "alice", "correct horse battery")
    staff.remove_staff_user(db, "alice")
    second = staff.add_staff_user(db, "alice", "correct horse battery")
    assert first.session_key != second.session_key


def test_replacing_a_hash_loses_to_a_password_change_in_between(db):
    staff.add_staff_user(db, "alice", "correct horse battery")
    old = staff.stored_hash(db, "alice")
    staff.change_password(db, "alice", "a brand new password")
    assert not staff.replace_hash(db, "alice", old, staff.hash_password("correct horse battery"))
    assert staff.authenticate(db, "alice", "a brand new password") == staff.SignInResult.OK


def test_unknown_name_is_invalid_not_an_error(db):
    assert staff.authenticate(db, "nobody", "whatever") == staff.SignInResult.INVALID
