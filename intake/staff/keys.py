"""Typed keys for what the staff app keeps on the application and on each request."""

from __future__ import annotations

from aiohttp import web
from sqlite_utils import Database

from intake.staff.auth import AuthState, Session

DB_KEY = web.AppKey("intake_staff_db", Database)
AUTH_KEY = web.AppKey("intake_staff_auth", AuthState)
SECURE_KEY = web.AppKey("intake_staff_secure_cookies", bool)
PER_PAGE_KEY = web.AppKey("intake_staff_per_page", int)
SESSION = web.RequestKey("intake_staff_session", Session)


def is_secure(request: web.Request) -> bool:
    """Cookies are Secure when the app was told so (behind an HTTPS proxy) or over HTTPS."""
    return request.app[SECURE_KEY] or request.secure
