"""Checks a Redmine set-up the way the filer will use it, and says what is wrong in plain words.

Redmine silently drops the value of a custom field that is not enabled for the issue's project
and tracker, so a field that "exists" is not enough: each must be usable where we file. Run at
start-up and by ``python main.py doctor``. Messages are for operators, in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.config import RedmineSettings
from intake.tickets.redmine.errors import (
    RedmineAuthError,
    RedmineError,
    RedmineForbidden,
    RedmineNotFound,
    RedmineUnavailable,
)

PROBLEM = "problem"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    level: str  # PROBLEM (filing will not work as configured) | WARNING (works, with a cost)
    text: str

    def __str__(self) -> str:
        return f"{self.level.upper()}: {self.text}"


async def diagnose(
    settings: RedmineSettings, client: RedmineClient | None = None
) -> list[Finding]:
    """Every finding, most fundamental first; an empty list means ready to file."""
    if not settings.configured:
        return [
            Finding(PROBLEM, "Redmine is not configured: set REDMINE_URL and REDMINE_API_KEY.")
        ]
    assert settings.url and settings.api_key
    if client is None:
        async with RedmineClient(
            settings.url, settings.api_key, timeout=settings.timeout_seconds
        ) as own:
            return await _diagnose(settings, own)
    return await _diagnose(settings, client)


async def _diagnose(s: RedmineSettings, client: RedmineClient) -> list[Finding]:
    out: list[Finding] = []
    problem = lambda text: out.append(Finding(PROBLEM, text))  # noqa: E731
    warning = lambda text: out.append(Finding(WARNING, text))  # noqa: E731

    # 1. Reachable, and the key works.
    try:
        me = await client.current_user()
    except RedmineUnavailable as exc:
        problem(
            f"Cannot reach Redmine at {s.url} ({exc}). Check REDMINE_URL and that the "
            "server is running."
        )
        return out
    except RedmineAuthError:
        problem(
            "Redmine refused the API key (401). Check REDMINE_API_KEY, and that the REST "
            "API is enabled in Administration > Settings > API."
        )
        return out
    except RedmineError as exc:
        problem(f"Redmine answered the key check with an error: {exc}.")
        return out
    admin = bool(me.get("admin"))
    if not admin:
        warning(
            f"The API key belongs to {me.get('login')!r}, who is not an administrator: "
            "tickets cannot be filed as the customer's own Redmine account and linked "
            "logins cannot be checked; tickets are filed by this account and name the "
            "customer instead."
        )

    # 2. The project, its trackers and its custom fields.
    try:
        project = await client.project(s.project)
    except (RedmineNotFound, RedmineForbidden):
        problem(
            f"Project {s.project!r} does not exist, or the key's user cannot see it "
            "(REDMINE_PROJECT)."
        )
        project = None
    if project is not None:
        trackers = {t["name"]: t["id"] for t in project.get("trackers", [])}
        if s.tracker not in trackers:
            try:
                known = {t["name"] for t in await client.trackers()}
            except RedmineError:
                known = set()
            if s.tracker in known:
                problem(
                    f"Tracker {s.tracker!r} exists but is not enabled in project "
                    f"{s.project!r} (project settings > Issue tracking)."
                )
            else:
                problem(
                    f"Tracker {s.tracker!r} does not exist (REDMINE_TRACKER). Known "
                    f"trackers: {', '.join(sorted(known)) or 'none visible'}."
                )
        await _check_fields(s, client, project, admin, problem, warning)

    # 3. Priorities.
    try:
        priorities = {p["name"]: p for p in await client.priorities()}
    except RedmineError as exc:
        problem(f"Cannot read the issue priorities: {exc}.")
    else:
        for level, name in s.priority_names().items():
            env = "REDMINE_PRIORITY_" + level.upper().replace("-", "_")
            if name not in priorities:
                problem(
                    f"Priority {name!r} (for impact '{level}', {env}) does not exist. "
                    f"Known priorities: {', '.join(priorities)}."
                )
            elif priorities[name].get("active") is False:
                problem(f"Priority {name!r} (for impact '{level}') is inactive.")

    # 4. The user field customers prove their account with (see sink.check_login).
    if admin:
        try:
            user_fields = {
                f["name"]
                for f in await client.custom_fields()
                if f.get("customized_type") == "user"
            }
        except RedmineError:
            user_fields = None
        if user_fields is not None and s.user_cf_telegram not in user_fields:
            warning(
                f"User custom field {s.user_cf_telegram!r} does not exist "
                "(REDMINE_USER_CF_TELEGRAM): customers cannot prove a Redmine account is "
                "theirs, so every ticket is filed by the service account. Create it as an "
                "editable user custom field."
            )
    return out


async def _check_fields(
    s: RedmineSettings,
    client: RedmineClient,
    project: dict[str, Any],
    admin: bool,
    problem: Any,
    warning: Any,
) -> None:
    linked = {f["name"] for f in project.get("issue_custom_fields", [])}
    definitions: dict[str, dict[str, Any]] = {}
    if admin:
        try:
            definitions = {
                f["name"]: f
                for f in await client.custom_fields()
                if f.get("customized_type") == "issue"
            }
        except RedmineError as exc:
            warning(f"Cannot read the custom field definitions: {exc}.")
    for key, name in s.custom_field_names().items():
        env = "REDMINE_CF_" + key.upper()
        cf = definitions.get(name)
        if admin and definitions and cf is None:
            problem(
                f"Custom field {name!r} does not exist ({env}). Create it as an issue "
                f"custom field of format text, for project {s.project!r}."
            )
            continue
        for_all = bool(cf and cf.get("is_for_all"))
        if name not in linked and not for_all:
            hint = (
                ""
                if admin
                else (
                    " (A field 'For all projects' is invisible to this "
                    "non-administrator key: link it to the project.)"
                )
            )
            problem(
                f"Custom field {name!r} is not enabled for project {s.project!r}: "
                "Redmine would silently drop its value. Tick it in the project's "
                "settings > Issue tracking." + hint
            )
            continue
        if cf is None:
            continue  # non-admin key: what the project lists is all we can see
        tracker_names = {t["name"] for t in cf.get("trackers", [])}
        if s.tracker not in tracker_names:
            problem(
                f"Custom field {name!r} is not enabled for tracker {s.tracker!r}: "
                "Redmine would silently drop its value. Tick the tracker in the "
                "field's settings."
            )
        if key == "reference" and not cf.get("is_filter"):
            problem(
                f"Custom field {name!r} is not 'Used as a filter': the bot cannot look up "
                "an already filed ticket, so a retry could file it twice."
            )
        if cf.get("field_format") not in ("string", "text", "list"):
            warning(
                f"Custom field {name!r} has format {cf.get('field_format')!r}; the bot "
                "sends free text, so use format Text."
            )
        if cf.get("field_format") == "list" and key == "impact":
            values = {v.get("value") for v in cf.get("possible_values", [])}
            from intake.impact.levels import LEVEL_NAMES

            missing = [n for n in LEVEL_NAMES.values() if n not in values]
            if missing:
                problem(
                    f"Custom field {name!r} is a list without the values "
                    f"{', '.join(missing)}: Redmine would refuse those tickets."
                )
        if cf.get("visible") is False and not cf.get("roles"):
            warning(f"Custom field {name!r} is visible to no role.")
