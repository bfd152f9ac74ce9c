"""The staff review web app: ``create_staff_app(db)`` builds it; nothing runs at import.

Every page but sign-in needs a session (see auth.py); every response carries security
headers; customer text is autoescaped by Jinja2 and scripts come only from /static/.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from sqlite_utils import Database

from intake.attachments.reasons import sent_with_ticket
from intake.staff import auth, present, views
from intake.staff.addresses import Network
from intake.staff.keys import (
    AUTH_KEY,
    DB_KEY,
    PER_PAGE_KEY,
    SECURE_KEY,
    SESSION,
    TRUSTED_KEY,
    is_secure,
    site_host,
)
from intake.storage import review
from intake.storage.staff import get_staff_user

HERE = Path(__file__).resolve().parent
PUBLIC_RESOURCES = frozenset({"sign_in", "static"})

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def create_staff_app(
    db: Database,
    *,
    secure_cookies: bool = False,
    clock: Callable[[], datetime] | None = None,
    per_page: int = 25,
    trusted_proxies: tuple[Network, ...] = (),
) -> web.Application:
    """Build the app over an open database.

    ``secure_cookies`` marks cookies Secure (set it behind an HTTPS proxy; requests that
    arrive over HTTPS get Secure cookies anyway). ``clock`` returns an aware UTC instant
    (tests move time to check throttling and deadlines). ``trusted_proxies``: reverse
    proxies whose X-Forwarded-For/-Proto/-Host are believed (``TRUSTED_PROXIES``).
    """
    clock = clock or (lambda: datetime.now(UTC))
    app = web.Application(middlewares=[_session_middleware])
    app[DB_KEY] = db
    app[AUTH_KEY] = auth.AuthState(clock=clock, sessions=auth.SessionStore(clock))
    app[SECURE_KEY] = secure_cookies
    app[PER_PAGE_KEY] = per_page
    app[TRUSTED_KEY] = tuple(trusted_proxies)
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        utc=present.utc_text,
        iso=present.utc_iso,
        step=present.step_label,
        size=present.human_size,
        status=lambda v: present.label(present.STATUS_LABELS, v),
        impact=lambda v: present.label(present.IMPACT_LABELS, v),
        language=lambda v: present.label(present.LANGUAGE_LABELS, v),
        verdict=lambda v: present.label(present.VERDICT_LABELS, v),
        kind=lambda v: present.label(present.KIND_LABELS, v),
        html_lang=lambda v: present.HTML_LANG.get(v or "", ""),
        safe_link=present.safe_link,
        reason=present.reason_text,
        language_name=present.language_name,
        sink=lambda v: present.label(present.SINK_LABELS, v),
    )
    env.globals.update(
        STATUSES=review.STATUSES,
        IMPACTS=review.IMPACTS,
        LANGUAGES=review.LANGUAGES,
        is_image=present.is_image,
        sent_with_ticket=sent_with_ticket,
        collected_items=present.collected_items,
        due_state=present.due_state,
    )
    app.on_response_prepare.append(_security_headers)
    views.add_routes(app)
    app.router.add_static("/static/", HERE / "static", name="static")
    return app


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if is_secure(request):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    resource = request.match_info.route.resource
    if resource is None or resource.name != "static":
        # Pages show customer data: keep them out of shared and back-button caches.
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def _session_middleware(request: web.Request, handler: auth.Handler) -> web.StreamResponse:
    resource = request.match_info.route.resource
    if resource is not None and resource.name in PUBLIC_RESOURCES:
        return await handler(request)
    state = request.app[AUTH_KEY]
    session = state.sessions.get(request.cookies.get(auth.SESSION_COOKIE))
    if session is not None and not _account_current(request, session):
        state.sessions.drop(session.token)
        session = None
    if session is None:
        if request.method in ("GET", "HEAD"):
            target = request.app.router["sign_in"].url_for().with_query(next=request.path_qs)
            raise web.HTTPSeeOther(target)
        raise web.HTTPForbidden(text="Sign in first.")
    if request.method not in ("GET", "HEAD"):
        form = await request.post()
        token = form.get(auth.CSRF_FIELD)
        if not auth.same_origin(request, site_host(request)) or not auth.tokens_match(
            session.csrf, token if isinstance(token, str) else None
        ):
            raise web.HTTPForbidden(text="The form expired or came from another site.")
    request[SESSION] = session
    return await handler(request)


def _account_current(request: web.Request, session: auth.Session) -> bool:
    """A removed account, or one whose password changed (a new session key), loses its open
    sessions on the next request."""
    user = get_staff_user(request.app[DB_KEY], session.name)
    return user is not None and hmac.compare_digest(user.session_key, session.account_key)
