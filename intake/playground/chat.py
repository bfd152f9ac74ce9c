"""The web chat: a page that plays a Telegram app, and the JSON/WebSocket API behind it.

Each browser tab creates its own simulated user (``POST /api/users``) and keeps the returned
key in sessionStorage. Actions go over HTTP (send or edit text, tap a button, upload files);
what the person would see change arrives over one WebSocket per tab, starting with a snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import WSCloseCode, web

from intake.emulator.models import ChatMessage
from intake.emulator.server import BotAPIEmulator
from intake.emulator.users import Document, Photo
from intake.playground.sessions import (
    MAX_UPLOAD_BYTES_PER_USER,
    ChatSession,
    ChatSessions,
    TooManyUsers,
    UnknownLanguage,
    UploadBudgetSpent,
)
from intake.playground.view import event_view, file_ids, keyboard_view, message_view

STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_BYTES = 32 * 1024 * 1024  # above Telegram's 20 MB bot limit, so that case can be tried
MAX_TEXT = 40_000  # a Telegram app splits long text into 4096-character messages
MAX_EDIT = 4096  # one message: an edit cannot be split
MAX_CAPTION = 1024  # Telegram's caption limit
ALBUM_SIZE = 10  # Telegram sends at most ten items as one album
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}

SESSIONS_KEY = web.AppKey("sessions", ChatSessions)
EMULATOR_KEY = web.AppKey("emulator", BotAPIEmulator)
STAFF_URL_KEY = web.AppKey("staff_url", str)
SOCKETS_KEY = web.AppKey("sockets", weakref.WeakSet[web.WebSocketResponse])

# The page's own policy; the staff app under its prefix sends its own.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'self'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def create_chat_app(
    emulator: BotAPIEmulator,
    sessions: ChatSessions,
    *,
    staff_url: str = "",
) -> web.Application:
    """The chat page and its API over a running emulator. ``staff_url``: link shown, if any."""
    app = web.Application(client_max_size=MAX_UPLOAD_BYTES, middlewares=[_same_site_only])
    app[EMULATOR_KEY] = emulator
    app[SESSIONS_KEY] = sessions
    app[STAFF_URL_KEY] = staff_url
    app[SOCKETS_KEY] = weakref.WeakSet()
    r = app.router
    r.add_get("/", index, name="index")
    r.add_get("/api/config", config, name="config")
    r.add_post("/api/users", create_user, name="users")
    r.add_get("/api/chats/{key}", chat_state, name="chat")
    r.add_get("/api/chats/{key}/ws", chat_socket, name="socket")
    r.add_get("/api/chats/{key}/commands", commands, name="commands")
    r.add_post("/api/chats/{key}/messages", send_message, name="messages")
    r.add_post("/api/chats/{key}/edits", edit_message, name="edits")
    r.add_post("/api/chats/{key}/taps", tap, name="taps")
    r.add_post("/api/chats/{key}/files", send_files, name="files")
    r.add_get("/api/chats/{key}/files/{file_id}", download, name="file")
    r.add_static("/static/", STATIC, name="static")
    app.on_response_prepare.append(_headers)
    app.on_shutdown.append(_close_sockets)
    return app


UPLOAD_HEADER = "X-Intake-Chat"  # the page's uploads carry it; a foreign form cannot


@web.middleware
async def _same_site_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """The chat API answers only its own page.

    A page on another site (or another port: cookies and "same site" ignore ports) can
    send a form or a ``text/plain`` fetch without asking, but not a JSON content type or a
    custom header: those need a CORS preflight, which this server never grants. So JSON
    actions must say ``application/json``, uploads must carry ``X-Intake-Chat``, and any
    Origin given (the WebSocket handshake included) must be this host.
    """
    if not request.path.startswith("/api/"):
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
        raise _error(web.HTTPForbidden, "requests from other sites are refused")
    if request.method == "POST":
        if request.match_info.route.name == "files":
            if request.headers.get(UPLOAD_HEADER) != "1":
                raise _error(web.HTTPForbidden, f"uploads need the {UPLOAD_HEADER} header")
        elif request.content_type != "application/json":
            raise _error(web.HTTPUnsupportedMediaType, "Content-Type: application/json expected")
    return await handler(request)


def _error(kind: type[web.HTTPException], message: str) -> web.HTTPException:
    return kind(text=_dumps({"error": message}), content_type="application/json")


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _session(request: web.Request) -> ChatSession:
    session = request.app[SESSIONS_KEY].get(request.match_info["key"])
    if session is None:
        # The browser kept a key from before a restart: it starts a new chat.
        raise _error(web.HTTPNotFound, "unknown chat")
    return session


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _error(web.HTTPBadRequest, "JSON body expected") from None
    if not isinstance(body, dict):
        raise _error(web.HTTPBadRequest, "JSON object expected")
    return body


# --- page ------------------------------------------------------------------------------------


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def config(request: web.Request) -> web.Response:
    return _json({"bot": _bot(request), "staff_url": request.app[STAFF_URL_KEY] or None})


def _bot(request: web.Request) -> dict[str, Any]:
    profile = request.app[EMULATOR_KEY].bot.profile
    return {"name": profile["first_name"], "username": profile["username"]}


# --- users and state -------------------------------------------------------------------------


async def create_user(request: web.Request) -> web.Response:
    body = await _body(request)
    name = body.get("first_name")
    try:
        session = request.app[SESSIONS_KEY].create(
            str(body.get("language", "en")), name if isinstance(name, str) else None
        )
    except UnknownLanguage:
        raise _error(web.HTTPBadRequest, "language must be 'en' or 'zh'") from None
    except TooManyUsers:
        raise _error(
            web.HTTPServiceUnavailable,
            "this playground has as many users as it takes; restart it for more",
        ) from None
    return _json({"key": session.key, "user": session.describe()}, status=201)


def snapshot(request: web.Request, session: ChatSession) -> dict[str, Any]:
    user = session.user
    return {
        "user": session.describe(),
        "bot": _bot(request),
        "messages": [message_view(m) for m in user.messages],
        "keyboard": keyboard_view(user.chat.reply_keyboard),
        "commands": user.commands,
    }


async def chat_state(request: web.Request) -> web.Response:
    return _json(snapshot(request, _session(request)))


async def commands(request: web.Request) -> web.Response:
    """The bot's command menu as this person's Telegram app would show it."""
    return _json({"commands": _session(request).user.commands})


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    session = _session(request)
    ws = web.WebSocketResponse(heartbeat=25)
    await ws.prepare(request)
    request.app[SOCKETS_KEY].add(ws)
    # Subscribe before the snapshot: an event in between arrives twice, never zero times;
    # the page treats "message" and "edited" as replace-or-add.
    subscription = request.app[EMULATOR_KEY].subscribe(session.user.chat_id)
    forward: asyncio.Task[None] | None = None
    try:
        await ws.send_json({"type": "snapshot", **snapshot(request, session)}, dumps=_dumps)
        forward = asyncio.create_task(_forward(subscription, ws))
        async for _ in ws:  # the page only listens; its actions go over HTTP
            pass
    finally:
        subscription.close()
        if forward is not None:
            forward.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await forward
    return ws


async def _forward(subscription: Any, ws: web.WebSocketResponse) -> None:
    async for event in subscription:
        view = event_view(event)
        if view is None:
            continue
        if ws.closed:
            return
        with contextlib.suppress(ConnectionResetError):
            await ws.send_json(view, dumps=_dumps)


async def _close_sockets(app: web.Application) -> None:
    # Named first: inside list(...), mypy would infer the key's type from list's parameter.
    sockets = app[SOCKETS_KEY]
    for ws in list(sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"playground stopping")


# --- what the person does --------------------------------------------------------------------


async def send_message(request: web.Request) -> web.Response:
    """Text as a Telegram app sends it: a leading /command is a command."""
    session = _session(request)
    text = (await _body(request)).get("text")
    if not isinstance(text, str) or not text.strip():
        raise _error(web.HTTPBadRequest, "text must be a non-empty string")
    if len(text) > MAX_TEXT:
        raise _error(web.HTTPBadRequest, f"text longer than {MAX_TEXT} characters")
    message = await session.user.send_text(text)
    return _json({"message": message_view(message)}, status=201)


async def edit_message(request: web.Request) -> web.Response:
    """Edit one of the person's own text messages, as a Telegram app lets them.

    The bot gets an ``edited_message`` (a leading /command is not run again: the bot decides);
    an edit that changes nothing sends nothing, as Telegram sends nothing then.
    """
    session = _session(request)
    body = await _body(request)
    message_id, text = body.get("message_id"), body.get("text")
    if type(message_id) is not int or not isinstance(text, str):  # JSON true is no id
        raise _error(web.HTTPBadRequest, "message_id (number) and text (string) expected")
    message = _own_text_message(session, message_id)
    if not text.strip():
        raise _error(web.HTTPBadRequest, "text must be a non-empty string")
    if len(text) > MAX_EDIT:
        raise _error(web.HTTPBadRequest, f"text longer than {MAX_EDIT} characters")
    if text != message.text:
        message = await session.user.edit_text(message, text)
    return _json({"message": message_view(message)})


def _own_text_message(session: ChatSession, message_id: int) -> ChatMessage:
    """The person's own text message: a Telegram app offers to edit nothing else."""
    message = session.user.chat.messages.get(message_id)
    if message is None or message.from_bot:
        raise _error(web.HTTPNotFound, "no such message of yours")
    if message.kind != "text":
        raise _error(web.HTTPBadRequest, "only text messages can be edited")
    return message


async def tap(request: web.Request) -> web.Response:
    """Tap an inline button that is really there (a Telegram app cannot tap anything else)."""
    session = _session(request)
    body = await _body(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        raise _error(web.HTTPBadRequest, "message_id (number) and data (string) expected")
    message = session.user.chat.messages.get(message_id)
    if message is None or message.find_button(lambda b: b.callback_data == data) is None:
        raise _error(web.HTTPNotFound, "no such button")
    result = await session.user.tap(lambda b: b.callback_data == data, message=message)
    return _json({"query_id": result.query_id}, status=201)


async def send_files(request: web.Request) -> web.Response:
    """Photos or files from a multipart form: ``file`` (repeated), ``kind``, ``caption``.

    ``kind=photo`` sends JPEG/PNG images as Telegram photos (anything else goes as a file,
    as the app does); several files go as albums of at most ten, caption on the first.
    """
    session = _session(request)
    form = await request.post()
    uploads = [f for f in form.getall("file", []) if isinstance(f, web.FileField)]
    if not uploads:
        raise _error(web.HTTPBadRequest, "no file")
    caption = form.get("caption")
    caption = caption.strip() if isinstance(caption, str) and caption.strip() else None
    if caption and len(caption) > MAX_CAPTION:
        raise _error(web.HTTPBadRequest, f"caption longer than {MAX_CAPTION} characters")
    as_photo = form.get("kind") == "photo"
    items: list[Photo | Document] = []
    datas = [upload.file.read() for upload in uploads]
    try:
        request.app[SESSIONS_KEY].spend_upload(session, sum(len(d) for d in datas))
    except UploadBudgetSpent:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_UPLOAD_BYTES_PER_USER,
            actual_size=sum(len(d) for d in datas),
            text=_dumps({"error": "this user has sent as many file bytes as it may"}),
            content_type="application/json",
        ) from None
    for upload, data in zip(uploads, datas, strict=True):
        name = Path(upload.filename or "file").name or "file"
        if as_photo and _image_type(data):
            items.append(Photo(data))
        else:
            mime = upload.content_type
            generic = mime == "application/octet-stream"
            items.append(Document(data, name, None if generic else mime))
    user = session.user
    sent: list[ChatMessage] = []
    for start in range(0, len(items), ALBUM_SIZE):
        group = items[start : start + ALBUM_SIZE]
        if start == 0 and caption:
            group[0] = _with_caption(group[0], caption)
        if len(group) == 1:
            item = group[0]
            if isinstance(item, Photo):
                sent.append(await user.send_photo(item.data, item.caption))
            else:
                sent.append(
                    await user.send_document(
                        item.data, item.file_name, item.mime_type, item.caption
                    )
                )
        else:
            sent.extend(await user.send_album(group))
    return _json({"messages": [message_view(m) for m in sent]}, status=201)


def _with_caption(item: Photo | Document, caption: str) -> Photo | Document:
    if isinstance(item, Photo):
        return Photo(item.data, caption)
    return Document(item.data, item.file_name, item.mime_type, caption)


def _image_type(data: bytes) -> str | None:
    for magic, mime in PHOTO_TYPES.items():
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


async def download(request: web.Request) -> web.Response:
    """A file of this chat (either side's), for the page to show or save.

    Only photos are shown inline, and only when the bytes really are an image; everything
    else is a download in a sandbox, so an uploaded HTML file cannot run on this origin.
    """
    session = _session(request)
    file_id = request.match_info["file_id"]
    message = next((m for m in session.user.messages if file_id in file_ids(m)), None)
    if message is None:
        raise _error(web.HTTPNotFound, "no such file in this chat")
    data = request.app[EMULATOR_KEY].file_bytes(file_id)
    headers = {"Content-Security-Policy": "sandbox; default-src 'none'"}
    image = _image_type(data) if message.kind == "photo" else None
    if image:
        return web.Response(body=data, content_type=image, headers=headers)
    ref = message.file
    name = (ref.file_name if ref and ref.file_id == file_id else None) or "file"
    headers["Content-Disposition"] = _attachment(name)
    return web.Response(body=data, content_type="application/octet-stream", headers=headers)


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    """Security headers for the chat's own responses (the staff app sets its own)."""
    staff = request.config_dict[STAFF_URL_KEY]
    if staff and request.path.startswith(staff.rstrip("/")):
        return
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
