"""What can go wrong talking to Redmine, sorted by what the caller should do about it.

``retryable`` tells the outbox whether to try again later (network, 5xx, timeouts) or to stop.
Messages carry the method, path and status only: never the API key.
"""

from __future__ import annotations


class RedmineError(Exception):
    retryable = False

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RedmineUnavailable(RedmineError):
    """Network error, timeout, 408/429 or 5xx: Redmine may answer later."""

    retryable = True

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after  # seconds, from a 429's or 503's Retry-After


class RedmineTimeout(RedmineUnavailable):
    """No answer in time: the request may still be processed, so its outcome is unknown."""


class RedmineTooLarge(RedmineError):
    """413: the body (an upload) is larger than Redmine or its proxy accepts."""


class RedmineValidationError(RedmineError):
    """422 with Redmine's ``errors`` list, e.g. ["Subject cannot be blank"]."""

    def __init__(self, errors: list[str], *, where: str = "") -> None:
        self.errors = list(errors)
        prefix = f"{where}: " if where else ""
        super().__init__(prefix + "422 " + "; ".join(self.errors), 422)


class RedmineAuthError(RedmineError):
    """401: the key is wrong, revoked, or the REST API is off."""


class RedmineForbidden(RedmineError):
    """403: the key's user may not do this (e.g. listing users without admin rights)."""


class RedmineNotFound(RedmineError):
    """404 (empty body)."""


class RedmineUnknownUser(RedmineError):
    """412 on X-Redmine-Switch-User: the login is unknown or locked."""
