"""Staff pages: sign-in and out, conversations, one conversation, attachments, tickets.

Handlers parse the request, call intake.storage.review and search, and render; no SQL here.
"""

from __future__ import annotations

import asyncio
import functools
import math
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiMapping

from intake.staff import auth, present
from intake.staff.export import conversation_to_json, conversation_to_text
from intake.staff.keys import (
    AUTH_KEY,
    DB_KEY,
    PER_PAGE_KEY,
    SESSION,
    client_address,
    is_secure,
    site_host,
)
from intake.staff.thumbs import make_thumbnail
from intake.storage import attachments, review, search, ticket_queue, watch
from intake.storage import docs as docs_store
from intake.storage.tickets import receipt_number

PageHandler = Callable[[web.Request], Awaitable[dict[str, Any]]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FILTER_PARAMS = ("q", "bot", "language", "status", "impact", "from", "to", "refused")


def add_routes(app: web.Application) -> None:
    router = app.router
    sign_in_resource = router.add_resource("/sign-in", name="sign_in")
    sign_in_resource.add_route("GET", sign_in_page)
    sign_in_resource.add_route("POST", sign_in_submit)
    router.add_post("/sign-out", sign_out, name="sign_out")
    router.add_get("/", home, name="home")
    router.add_get("/conversations", conversations, name="conversations")
    router.add_get(r"/conversations/{id:[0-9]+}", conversation, name="conversation")
    router.add_get(r"/conversations/{id:[0-9]+}/export.{fmt:json|txt}", export, name="export")
    router.add_get(r"/attachments/{id:[0-9]+}/thumbnail", thumbnail, name="attachment_thumb")
    router.add_get(r"/attachments/{id:[0-9]+}/download", download, name="attachment_download")
    router.add_get("/tickets", tickets, name="tickets")
    router.add_post(r"/tickets/{id:[0-9]+}/retry", retry, name="ticket_retry")


def _url(request: web.Request, name: str, **parts: str) -> str:
    return str(request.app.router[name].url_for(**parts))


def render(
    template: str, request: web.Request, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    """Render with what every page needs (aiohttp_jinja2's context processors would store
    it under a string request key, which warns)."""
    session = request.get(SESSION)
    page = {
        "app": request.app,
        "staff": session,
        "csrf_token": session.csrf if session else "",
        "failed_count": review.count_failed_tickets(request.app[DB_KEY]) if session else 0,
        "now": request.app[AUTH_KEY].clock(),
    }
    return aiohttp_jinja2.render_template(template, request, {**page, **context}, status=status)


def page(template: str) -> Callable[[PageHandler], Handler]:
    def decorate(handler: PageHandler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            return render(template, request, await handler(request))

        return wrapper

    return decorate


# --- sign-in -------------------------------------------------------------------------------


def _refusal_text(result: auth.SignInResult) -> str:
    if result.outcome is auth.SignInOutcome.THROTTLED:
        seconds = max(1, math.ceil(result.retry_after.total_seconds()))
        if seconds < 120:
            wait = "1 second" if seconds == 1 else f"{seconds} seconds"
        else:
            wait = f"{math.ceil(seconds / 60)} minutes"
        return f"Too many failed sign-ins for this name from your address. Try again in {wait}."
    return "Wrong name or password."


def _render_sign_in(
    request: web.Request,
    *,
    error: str = "",
    name: str = "",
    next_target: str | None = None,
    status: int = 200,
) -> web.Response:
    # Double submit: the same fresh token goes in the form and in a cookie.
    token = auth.sign_in_token(request)
    response = render(
        "sign_in.html",
        request,
        {
            "error": error,
            "name": name,
            "next": auth.safe_next(next_target, ""),
            "sign_in_token": token,
        },
        status=status,
    )
    auth.set_sign_in_cookie(response, token, secure=is_secure(request))
    return response


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    state = request.app[AUTH_KEY]
    if state.sessions.get(request.cookies.get(auth.SESSION_COOKIE)):
        raise web.HTTPSeeOther(_url(request, "conversations"))
    return _render_sign_in(request, next_target=request.query.get("next"))


async def sign_in_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    token = form.get(auth.CSRF_FIELD)
    next_target = str(form.get("next", ""))
    if not auth.same_origin(request, site_host(request)) or not auth.tokens_match(
        request.cookies.get(auth.SIGN_IN_COOKIE), token if isinstance(token, str) else None
    ):
        return _render_sign_in(
            request,
            error="The sign-in form expired or came from another site. Please try again.",
            next_target=next_target,
            status=403,
        )
    name = str(form.get("name", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    state = request.app[AUTH_KEY]
    result = await auth.sign_in(
        request.app[DB_KEY], state, name, password, client_address(request)
    )
    if result.outcome is not auth.SignInOutcome.OK:
        throttled = result.outcome is auth.SignInOutcome.THROTTLED
        response = _render_sign_in(
            request,
            error=_refusal_text(result),
            name=name,
            next_target=next_target,
            status=429 if throttled else 401,
        )
        if throttled:
            response.headers["Retry-After"] = str(
                max(1, math.ceil(result.retry_after.total_seconds()))
            )
        return response
    session = state.sessions.create(name, result.account_key)  # a new token: no fixation
    target = auth.safe_next(next_target, _url(request, "conversations"))
    response = web.HTTPSeeOther(target)
    auth.set_session_cookie(response, session.token, secure=is_secure(request))
    response.del_cookie(auth.SIGN_IN_COOKIE, path="/")
    raise response


async def sign_out(request: web.Request) -> web.StreamResponse:
    request.app[AUTH_KEY].sessions.drop(request[SESSION].token)
    response = web.HTTPSeeOther(_url(request, "sign_in"))
    response.del_cookie(auth.SESSION_COOKIE, path="/")
    raise response


# --- conversations -------------------------------------------------------------------------


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(_url(request, "conversations"))


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain(text: str) -> str:
    """A search as typed, minus control characters (NUL and friends are never in a message
    worth finding, and FTS5 and SQLite text handling do not take them)."""
    return _CONTROLS.sub(" ", text).strip()


def parse_filters(query: MultiMapping[str]) -> search.ConversationFilter:
    return search.ConversationFilter(
        query=_plain(query.get("q", ""))[:200],
        language=_choice(query.get("language"), review.LANGUAGES),
        status=_choice(query.get("status"), review.STATUSES),
        impact=_choice(query.get("impact"), review.IMPACTS),
        started_from=_date(query.get("from")),
        started_to=_date(query.get("to")),
        refused_only=query.get("refused") == "1",
        include_bot=query.get("bot") == "1",
    )


def _page_number(query: MultiMapping[str]) -> int:
    try:
        return max(1, min(100_000, int(query.get("page", "1"))))
    except ValueError:
        return 1


@page("conversations.html")
async def conversations(request: web.Request) -> dict[str, Any]:
    filters = parse_filters(request.query)
    page = search.list_conversations(
        request.app[DB_KEY],
        filters,
        page=_page_number(request.query),
        per_page=request.app[PER_PAGE_KEY],
    )
    kept = {k: v for k in FILTER_PARAMS if (v := _plain(request.query.get(k, ""))[:200])}
    base = _url(request, "conversations")

    def page_url(number: int) -> str:
        return f"{base}?{urlencode({**kept, 'page': number})}"

    return {
        "filters": filters,
        "form": kept,
        "filtered": bool(kept),
        # "from" after "to" matches nothing: say that, not "try fewer words".
        "dates_reversed": bool(
            filters.started_from
            and filters.started_to
            and filters.started_from > filters.started_to
        ),
        "result": page,
        "prev_url": page_url(page.page - 1) if page.page > 1 else None,
        "next_url": page_url(page.page + 1) if page.page < page.pages else None,
        "back_query": urlencode({**kept, "page": page.page}),
        # Documentation first: intakes that ended because an offered article answered.
        "solved_by_article": docs_store.solved_count(request.app[DB_KEY]),
    }


MAX_ID = 2**63 - 1  # SQLite's INTEGER: a larger number is no row, not a server error


def _id(request: web.Request) -> int:
    """The id in the path; one SQLite could not hold (or not a number at all) is a 404."""
    text = request.match_info["id"]
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_ID:
        raise web.HTTPNotFound(text="No such item.")
    return int(text)


def _detail(request: web.Request) -> review.ConversationDetail:
    detail = review.get_conversation(request.app[DB_KEY], _id(request))
    if detail is None:
        raise web.HTTPNotFound(text="No such conversation.")
    return detail


@page("conversation.html")
async def conversation(request: web.Request) -> dict[str, Any]:
    detail = _detail(request)
    back = request.query.get("back", "")
    customer_only = request.query.get("view") == "customer"
    here = _url(request, "conversation", id=str(detail.id))
    kept = {"back": back} if back else {}
    return {
        "c": detail,
        "customer_only": customer_only,
        "shown_messages": detail.customer_messages if customer_only else detail.messages,
        "whole_url": f"{here}?{urlencode(kept)}" if kept else here,
        "customer_url": f"{here}?{urlencode({'view': 'customer', **kept})}",
        "back_url": _url(request, "conversations") + (f"?{back}" if back else ""),
        "overdue": bool(detail.ticket and detail.ticket.overdue(request.app[AUTH_KEY].clock())),
        **_after_filing(request, detail),
    }


def _after_filing(request: web.Request, detail: review.ConversationDetail) -> dict[str, Any]:
    """What reached the customer from Redmine, and the rating (the first response is on the
    ticket card)."""
    if detail.ticket is None:
        return {"deliveries": [], "rating": None}
    db = request.app[DB_KEY]
    return {
        "deliveries": watch.customer_updates(db, detail.ticket.id),
        "rating": watch.get_rating(db, detail.ticket.id),
    }


async def export(request: web.Request) -> web.StreamResponse:
    detail = _detail(request)
    fmt = request.match_info["fmt"]
    if fmt == "json":
        body, content_type = conversation_to_json(detail), "application/json"
    else:
        body, content_type = conversation_to_text(detail), "text/plain"
    name = f"conversation-{detail.id}.{fmt}"
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": present.content_disposition(name, name)},
    )


# --- attachments ---------------------------------------------------------------------------


def _attachment(request: web.Request) -> tuple[attachments.Attachment, bytes]:
    db = request.app[DB_KEY]
    attachment = attachments.get_attachment(db, _id(request))
    data = attachments.attachment_data(db, _id(request)) if attachment else None
    if attachment is None or data is None:
        raise web.HTTPNotFound(text="No such file.")
    return attachment, data


async def thumbnail(request: web.Request) -> web.StreamResponse:
    attachment, data = _attachment(request)
    if not present.is_image(attachment.mime_type, attachment.kind):
        raise web.HTTPNotFound(text="Not an image.")
    thumb = await asyncio.to_thread(make_thumbnail, data)
    if thumb is None:
        raise web.HTTPNotFound(text="Not a readable image.")
    kind = "image/png" if thumb.startswith(b"\x89PNG") else "image/jpeg"
    # Like every page, no-store: a customer's image must not outlive the session in a cache.
    return web.Response(body=thumb, content_type=kind)


async def download(request: web.Request) -> web.StreamResponse:
    attachment, data = _attachment(request)
    fallback = f"attachment-{attachment.id}"
    return web.Response(
        body=data,
        content_type="application/octet-stream",
        headers={
            "Content-Disposition": present.content_disposition(attachment.file_name, fallback),
            # Even if a browser rendered it, it would run in an empty sandbox.
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


# --- tickets -------------------------------------------------------------------------------


def parse_queue(query: MultiMapping[str]) -> ticket_queue.QueueFilter:
    return ticket_queue.QueueFilter(
        status=_choice(query.get("status"), tuple(ticket_queue.STATUS_VIEWS)) or "",
        needs_first_response=query.get("first") == "1",
        sort=_choice(query.get("sort"), ticket_queue.SORTS) or "due",
    )


@page("tickets.html")
async def tickets(request: web.Request) -> dict[str, Any]:
    queue = parse_queue(request.query)
    return {
        "queue": queue,
        "result": ticket_queue.list_queue(request.app[DB_KEY], queue),
        "filtered": queue != ticket_queue.QueueFilter(),
        "status_views": STATUS_VIEW_LABELS,
        "retried": request.query.get("retried", "")[:32],
        "not_retried": request.query.get("not_retried", "")[:32],
        "retryable": review.RETRYABLE,
    }


STATUS_VIEW_LABELS = {
    "": "Any",
    "waiting": "Waiting to be filed",
    "failed": "Failed to file",
    "filed": "Filed in Redmine",
    "stored": "Kept locally",
}


async def retry(request: web.Request) -> web.StreamResponse:
    ticket_id = _id(request)
    ok = review.retry_ticket(request.app[DB_KEY], ticket_id, now=request.app[AUTH_KEY].clock())
    receipt = receipt_number(ticket_id)
    query = {"retried" if ok else "not_retried": receipt}
    raise web.HTTPSeeOther(f"{_url(request, 'tickets')}?{urlencode(query)}")
