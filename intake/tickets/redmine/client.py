"""An asynchronous client for the parts of Redmine's REST API the intake uses.

python-redmine is synchronous, so this is a small aiohttp client. It knows Redmine's error
shapes (see the errors module) and never lets the API key into an exception, a log line or a
repr. It counts its HTTP requests so the benchmark can report requests per ticket.
"""

from __future__ import annotations

import io
import json as jsonlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
from pydantic import SecretStr

from intake.tickets.redmine.errors import (
    RedmineAuthError,
    RedmineError,
    RedmineForbidden,
    RedmineNotFound,
    RedmineTimeout,
    RedmineTooLarge,
    RedmineUnavailable,
    RedmineUnknownUser,
    RedmineValidationError,
)

log = logging.getLogger(__name__)

SWITCH_USER = "X-Redmine-Switch-User"


class RedmineClient:
    """One aiohttp session per client; call ``close()`` (or use ``async with``)."""

    def __init__(
        self,
        base_url: str,
        api_key: SecretStr | str,
        *,
        timeout: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._own_session = session is None
        self.request_count = 0

    def __repr__(self) -> str:
        return f"RedmineClient({self.base_url!r})"

    async def __aenter__(self) -> RedmineClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._own_session:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._own_session = True
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | io.BytesIO | None = None,
        content_type: str | None = None,
        switch_user: str | None = None,
    ) -> Any:
        """Send one request; return the decoded JSON body, or None for an empty body."""
        headers = {"X-Redmine-API-Key": self._key.get_secret_value()}
        if switch_user:
            headers[SWITCH_USER] = switch_user
        if content_type:
            headers["Content-Type"] = content_type
        url = self.base_url + path
        self.request_count += 1
        try:
            async with self._http().request(
                method, url, params=params, json=json, data=data, headers=headers
            ) as response:
                body = await response.read()
                status = response.status
                ctype = response.headers.get("Content-Type", "")
                retry_after = response.headers.get("Retry-After")
        except TimeoutError:
            # A write that timed out may still be processed; a read or an upload (an unused
            # token is harmless) can simply be sent again.
            writes = method in ("POST", "PUT") and not path.startswith("/uploads")
            error = RedmineTimeout if writes else RedmineUnavailable
            raise error(
                f"{method} {path}: no answer within {self._timeout.total:.0f} s", status=None
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            # aiohttp's messages name the URL, never our headers; still, keep only the type.
            raise RedmineUnavailable(
                f"{method} {path}: {type(exc).__name__}: cannot reach Redmine", status=None
            ) from None
        if status >= 400:
            raise _error(method, path, status, body, ctype, retry_after)
        if not body.strip():
            return None
        if "json" not in ctype:
            raise RedmineError(f"{method} {path}: unexpected {ctype or 'untyped'} body", status)
        return jsonlib.loads(body)

    async def download(self, content_url: str) -> bytes:
        """An attachment's bytes (``content_url`` from an issue's attachments)."""
        if not content_url.startswith(self.base_url + "/"):
            raise ValueError("not a URL of this Redmine")  # never send the key elsewhere
        self.request_count += 1
        headers = {"X-Redmine-API-Key": self._key.get_secret_value()}
        try:
            async with self._http().get(content_url, headers=headers) as response:
                body = await response.read()
                if response.status >= 400:
                    raise _error(
                        "GET",
                        "/attachments/download",
                        response.status,
                        body,
                        response.headers.get("Content-Type", ""),
                    )
                return body
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise RedmineUnavailable(
                f"GET attachment: {type(exc).__name__}: cannot reach Redmine"
            ) from None

    # -- writes -------------------------------------------------------------------------------

    async def upload(
        self, data: bytes, filename: str | None = None, *, switch_user: str | None = None
    ) -> str:
        """Upload bytes; returns a one-use token for ``uploads`` in an issue create or update.

        The body goes as a stream: aiohttp writes raw ``bytes`` to the socket in one piece,
        which for a file of several MB holds the event loop (and it warns above 1 MiB).
        """
        params = {"filename": filename} if filename else None
        body = await self.request(
            "POST",
            "/uploads.json",
            params=params,
            data=io.BytesIO(data),
            content_type="application/octet-stream",
            switch_user=switch_user,
        )
        return str(body["upload"]["token"])

    async def create_issue(
        self, issue: Mapping[str, Any], *, switch_user: str | None = None
    ) -> dict[str, Any]:
        body = await self.request(
            "POST", "/issues.json", json={"issue": dict(issue)}, switch_user=switch_user
        )
        return body["issue"]

    async def update_issue(
        self, issue_id: int, changes: Mapping[str, Any], *, switch_user: str | None = None
    ) -> None:
        """PUT answers 204 with an empty body."""
        await self.request(
            "PUT",
            f"/issues/{int(issue_id)}.json",
            json={"issue": dict(changes)},
            switch_user=switch_user,
        )

    async def add_note(
        self,
        issue_id: int,
        notes: str,
        *,
        uploads: list[dict[str, Any]] | None = None,
        private: bool = False,
        switch_user: str | None = None,
    ) -> None:
        changes: dict[str, Any] = {"notes": notes, "private_notes": private}
        if uploads:
            changes["uploads"] = uploads
        await self.update_issue(issue_id, changes, switch_user=switch_user)

    # -- reads --------------------------------------------------------------------------------

    async def get_issue(
        self, issue_id: int, include: Iterable[str] = ("attachments", "journals")
    ) -> dict[str, Any]:
        params = {"include": ",".join(include)} if include else None
        body = await self.request("GET", f"/issues/{int(issue_id)}.json", params=params)
        return body["issue"]

    async def search_issues(
        self, params: Mapping[str, Any], *, limit: int = 25
    ) -> list[dict[str, Any]]:
        query = {"status_id": "*", "sort": "id:asc", "limit": limit, **params}
        body = await self.request("GET", "/issues.json", params=query)
        return list(body["issues"])

    async def find_issues_by_custom_field(
        self, project: str | int, field_id: int, value: str
    ) -> list[dict[str, Any]]:
        """Issues of ``project`` (any status) whose custom field equals ``value``.

        Redmine treats ``cf_N=value`` as "is value"; the caller re-checks the value anyway,
        because a field that is not a filter makes Redmine ignore the parameter.
        """
        issues = await self.search_issues({"project_id": project, f"cf_{int(field_id)}": value})
        return [
            i
            for i in issues
            if any(
                cf.get("id") == field_id and cf.get("value") == value
                for cf in i.get("custom_fields", [])
            )
        ]

    async def search(
        self,
        project: str | int,
        query: str,
        *,
        types: Iterable[str] = ("issues", "wiki_pages"),
        all_words: bool = False,
        titles_only: bool = False,
        limit: int = 25,
    ) -> list[dict[str, Any]]:
        """Redmine's search inside one project: results (``id``, ``title``, ``type``, ``url``,
        ``description``, ``datetime``), newest first.

        Redmine reads a flag as "on" when the parameter is present at all (even ``=0``), so
        a flag that is off is sent empty (``all_words=``: any word) and an object type that
        is not wanted is left out. ``open_issues`` is never sent: it would keep the open
        issues only; a closed issue's ``type`` is ``issue-closed``. Redmine takes at most
        five words of the query.
        """
        params: dict[str, Any] = {"q": query, "limit": limit, "offset": 0}
        params.update({t: 1 for t in types})
        params["all_words"] = 1 if all_words else ""
        params["titles_only"] = 1 if titles_only else ""
        path = f"/projects/{quote(str(project))}/search.json"
        body = await self.request("GET", path, params=params)
        return list(body.get("results", [])) if body else []

    async def add_relation(self, issue_id: int, to_issue_id: int, relation_type: str) -> None:
        """``issue_id`` <relation_type> ``to_issue_id``, e.g. 12 duplicates 11."""
        await self.request(
            "POST",
            f"/issues/{int(issue_id)}/relations.json",
            json={"relation": {"issue_to_id": int(to_issue_id), "relation_type": relation_type}},
        )

    async def issue_statuses(self) -> list[dict[str, Any]]:
        body = await self.request("GET", "/issue_statuses.json")
        return list(body["issue_statuses"])

    async def current_user(self) -> dict[str, Any]:
        body = await self.request("GET", "/users/current.json")
        return body["user"]

    async def find_users(self, name: str, *, status: int | None = None) -> list[dict[str, Any]]:
        """Users whose login, name or mail matches ``name`` (admin key only: else 403)."""
        params: dict[str, Any] = {"name": name}
        if status is not None:
            params["status"] = status
        body = await self.request("GET", "/users.json", params=params)
        return list(body["users"])

    async def get_user(self, user_id: int) -> dict[str, Any]:
        """One user with its custom fields (admin key)."""
        body = await self.request("GET", f"/users/{int(user_id)}.json")
        return body["user"]

    async def update_user(self, user_id: int, user: Mapping[str, Any]) -> None:
        await self.request("PUT", f"/users/{int(user_id)}.json", json={"user": dict(user)})

    async def project(
        self, identifier: str | int, include: Iterable[str] = ("trackers", "issue_custom_fields")
    ) -> dict[str, Any]:
        params = {"include": ",".join(include)} if include else None
        body = await self.request("GET", f"/projects/{quote(str(identifier))}.json", params=params)
        return body["project"]

    async def priorities(self) -> list[dict[str, Any]]:
        body = await self.request("GET", "/enumerations/issue_priorities.json")
        return list(body["issue_priorities"])

    async def trackers(self) -> list[dict[str, Any]]:
        body = await self.request("GET", "/trackers.json")
        return list(body["trackers"])

    async def custom_fields(self) -> list[dict[str, Any]]:
        """Full custom field definitions; admin only (403 otherwise)."""
        body = await self.request("GET", "/custom_fields.json")
        return list(body["custom_fields"])


def _error(
    method: str, path: str, status: int, body: bytes, ctype: str, retry_after: str | None = None
) -> RedmineError:
    where = f"{method} {path}"
    if status == 422:
        messages = _error_messages(body, ctype)
        return RedmineValidationError(messages, where=where)
    if status == 401:
        return RedmineAuthError(f"{where}: 401, the API key was refused", status)
    if status == 403:
        return RedmineForbidden(f"{where}: 403, the key may not do this", status)
    if status == 404:
        return RedmineNotFound(f"{where}: 404, not found", status)
    if status == 412:
        return RedmineUnknownUser(f"{where}: 412, the user to act as is unknown or locked", status)
    if status == 413:
        return RedmineTooLarge(f"{where}: 413, too large for Redmine", status)
    if status in (408, 429) or status >= 500:
        return RedmineUnavailable(
            f"{where}: {status} from Redmine", status=status, retry_after=_seconds(retry_after)
        )
    return RedmineError(f"{where}: {status} from Redmine", status)


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare from Redmine: treated as absent)."""
    try:
        return max(0.0, min(float(retry_after), 3600.0)) if retry_after else None
    except ValueError:
        return None


def _error_messages(body: bytes, ctype: str) -> list[str]:
    """The ``errors`` list of a 422; tolerate an empty or non-JSON body."""
    if body.strip() and "json" in ctype:
        try:
            data = jsonlib.loads(body)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("errors"), list):
            return [str(e) for e in data["errors"]]
    return ["Redmine refused the request (422) without saying why"]
