"""The accounts seam: "is this Redmine login provably this Telegram user's?"

The dialogue asks; Redmine answers (``intake.tickets.redmine.sink.RedmineAccounts``). Without
Redmine there is nothing to link, and ``NoAccounts`` says it cannot tell. Plain Python: the
bot never imports the Redmine client for this.
"""

from __future__ import annotations

from typing import Protocol

# What a check finds about a login a customer gives.
LINKED = "linked"  # an active user whose Telegram field names this customer: file as them
UNKNOWN = "unknown"  # no active user with that login
ADMIN_LOGIN = "admin"  # an administrator: never impersonated from a chat
UNPROVEN = "unproven"  # a user, but the Telegram field does not name this customer
UNCHECKED = "unchecked"  # cannot tell now (non-admin key, Redmine unreachable)


def telegram_handles(user_id: int, username: str | None) -> frozenset[str]:
    """What a customer may write in the Redmine "Telegram" field: @username or the id."""
    handles = {str(user_id)}
    if username:
        handles.add(username.lower())
    return frozenset(handles)


class Accounts(Protocol):
    field_name: str  # the user field where the account's owner names their Telegram

    async def check(self, login: str, handles: frozenset[str]) -> str:
        """One of LINKED, UNKNOWN, ADMIN_LOGIN, UNPROVEN, UNCHECKED."""
        ...


class NoAccounts:
    """No Redmine: nothing can be linked."""

    field_name = "Telegram"

    async def check(self, login: str, handles: frozenset[str]) -> str:
        return UNCHECKED
