"""Injected failures: 429 with retry_after, 5xx, a dropped connection, a slow answer."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from .errors import ApiError

__all__ = ["Fault", "FaultPlan"]


@dataclass
class Fault:
    """What the next matching request gets instead of its normal answer.

    ``drop`` closes the connection without an answer (aiogram raises TelegramNetworkError);
    ``raw_body`` answers with that body, e.g. the HTML page a proxy returns on 502;
    ``delay`` seconds pass before the fault (or, with ``status=200``, the normal answer).
    """

    method: str  # lower-case Bot API method name, or "*" for any method but getUpdates
    status: int = 500
    retry_after: int | None = None
    description: str | None = None
    times: int = 1
    drop: bool = False
    raw_body: str | None = None
    delay: float = 0.0

    def matches(self, method: str) -> bool:
        return self.method == method or (self.method == "*" and method != "getupdates")

    def error(self) -> ApiError:
        if self.description is not None:
            description = self.description
        elif self.status == 429:
            description = f"Too Many Requests: retry after {self.retry_after or 1}"
        else:
            try:
                description = HTTPStatus(self.status).phrase
            except ValueError:
                description = "Error"
        retry_after = self.retry_after
        if self.status == 429 and retry_after is None:
            retry_after = 1
        return ApiError(self.status, description, retry_after=retry_after)


class FaultPlan:
    """Faults queued per method, consumed in order."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self._faults.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)
