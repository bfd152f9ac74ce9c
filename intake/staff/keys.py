"""Typed keys for what the staff app keeps on the application and on each request, and
what a request says about its client once trusted proxies are taken into account."""

from __future__ import annotations

from aiohttp import web
from sqlite_utils import Database

from intake.staff import addresses
from intake.staff.auth import AuthState, Session

DB_KEY = web.AppKey("intake_staff_db", Database)
AUTH_KEY = web.AppKey("intake_staff_auth", AuthState)
SECURE_KEY = web.AppKey("intake_staff_secure_cookies", bool)
PER_PAGE_KEY = web.AppKey("intake_staff_per_page", int)
TRUSTED_KEY = web.AppKey("intake_staff_trusted_proxies", tuple)
SESSION = web.RequestKey("intake_staff_session", Session)


def _trusted(request: web.Request) -> tuple[addresses.Network, ...]:
    return request.app[TRUSTED_KEY]


def is_secure(request: web.Request) -> bool:
    """Cookies are Secure when the app was told so, over HTTPS, or when a trusted proxy
    says the browser used HTTPS."""
    proto = addresses.forwarded_value(
        request.remote, request.headers, _trusted(request), "X-Forwarded-Proto"
    )
    return request.app[SECURE_KEY] or request.secure or proto == "https"


def client_address(request: web.Request) -> str:
    return addresses.client_address(request.remote, request.headers, _trusted(request))


def site_host(request: web.Request) -> str:
    """The host and port the browser addressed (a trusted proxy's X-Forwarded-Host)."""
    forwarded = addresses.forwarded_value(
        request.remote, request.headers, _trusted(request), "X-Forwarded-Host"
    )
    return forwarded or request.host
