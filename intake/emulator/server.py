"""The emulator: a Bot API server on loopback plus the handles tests and the playground use.

``TelegramAPIServer.from_base(emu.base_url)`` points the real aiogram ``Bot`` here; aiogram
builds ``{base}/bot{token}/{method}`` and ``{base}/file/bot{token}/{path}``. The access log is
off, so bot tokens (which are in every URL) never reach a log.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from .errors import ApiError
from .events import EventHub, Subscription
from .faults import Fault, FaultPlan
from .methods import METHODS
from .models import ChatEvent, StoredFile
from .params import Call, Params, Upload
from .state import BotState
from .users import SimulatedGroup, SimulatedUser
from .webhook import WebhookDelivery

__all__ = ["DEFAULT_TOKEN", "BotAPIEmulator"]

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAEmulatorTokenForLocalTestsOnly000000"
_CANONICAL = {
    name.lower(): name
    for name in (
        "getMe getUpdates sendMessage sendDocument sendPhoto editMessageText editMessageCaption "
        "editMessageReplyMarkup deleteMessage deleteMessages answerCallbackQuery sendChatAction "
        "setMyCommands getMyCommands deleteMyCommands getFile setWebhook deleteWebhook "
        "getWebhookInfo getChat close logOut setMyDescription getMyDescription "
        "setMyShortDescription getMyShortDescription setMyName getMyName setChatMenuButton "
        "getChatMenuButton"
    ).split()
}
_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
_UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class BotAPIEmulator:
    """A local Telegram Bot API for one or more bot tokens, with simulated people.

    ``callback_answer_timeout``: seconds after which an unanswered callback query can no longer
    be answered (Telegram's is short; None disables it). ``deliver_webhooks``: after setWebhook,
    POST updates to the URL (otherwise only stored). ``first_update_id``: where update ids
    start, above those a persistent database has seen (the bot drops repeated ids).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        tokens: Iterable[str] = (),
        bot_username: str = "orangesky_intake_bot",
        bot_name: str = "Orangesky Intake",
        callback_answer_timeout: float | None = 15.0,
        deliver_webhooks: bool = True,
        request_log_size: int = 500,
        first_update_id: int = 1,
    ) -> None:
        self.hub = EventHub()
        self.bots: dict[str, BotState] = {}
        for i, t in enumerate([token, *[t for t in tokens if t != token]]):
            self.bots[t] = BotState(
                t,
                first_name=bot_name,
                username=bot_username if i == 0 else f"{bot_username}_{i}",
                publish=self.hub.publish,
                watched=lambda: self.hub.active,
                callback_answer_timeout=callback_answer_timeout,
                first_update_id=first_update_id,
            )
        self.token = token
        self.bot = self.bots[token]
        self.calls: Counter[str] = Counter()
        self.request_log: deque[tuple[str, dict[str, Any]]] = deque(maxlen=request_log_size)
        # (method, body content type) -> requests: how clients encode what they send
        self.body_types: Counter[tuple[str, str]] = Counter()
        self.faults = FaultPlan()
        self.internal_errors: list[Exception] = []  # emulator bugs; running_emulator raises
        self.deliver_webhooks = deliver_webhooks
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._webhooks: dict[str, WebhookDelivery] = {}
        self._users: dict[tuple[str, int], SimulatedUser] = {}
        self._groups: dict[tuple[str, int], SimulatedGroup] = {}
        self._user_ids = itertools.count(100_001)
        self._group_ids = itertools.count(1)
        self._inflight = 0
        self._bot_connected = asyncio.Event()
        self._background: set[asyncio.Task] = set()
        self._last_activity = time.monotonic()

    # --- lifecycle ---------------------------------------------------------------------------

    def create_app(self) -> web.Application:
        """The aiohttp application (to mount elsewhere); ``start()`` serves it on its own."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port); returns and sets ``base_url``."""
        self._runner = web.AppRunner(
            self.create_app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.base_url = f"http://{host}:{bound[1]}"
        return self.base_url

    async def stop(self) -> None:
        for bot in self.bots.values():
            bot.closed = True
            bot.updates_changed.notify()  # long polls return at once
        for delivery in self._webhooks.values():
            await delivery.stop()
        self._webhooks.clear()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        self.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _bot(self, token: str | None) -> BotState:
        return self.bots[token or self.token]

    # --- people ------------------------------------------------------------------------------

    def user(
        self,
        id: int | None = None,
        first_name: str = "Alex",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        token: str | None = None,
    ) -> SimulatedUser:
        """A person with a private chat with the bot; the same ``id`` gives the same person."""
        bot = self._bot(token)
        uid = next(self._user_ids) if id is None else id
        key = (bot.token, uid)
        if key in self._users:
            return self._users[key]
        person: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": uid, "type": "private", "first_name": first_name}
        for field, value in (("last_name", last_name), ("username", username)):
            if value:
                person[field] = chat[field] = value
        if language_code:
            person["language_code"] = language_code
        bot.people[uid] = person
        user = SimulatedUser(self, bot, bot.open_chat(chat), person)
        self._users[key] = user
        return user

    def group(
        self,
        title: str = "Test group",
        *,
        id: int | None = None,
        supergroup: bool = False,
        token: str | None = None,
    ) -> SimulatedGroup:
        """A group with the bot in it; ``group.member(user)`` sends as that person."""
        bot = self._bot(token)
        gid = id if id is not None else -(1_000_000 + next(self._group_ids))
        key = (bot.token, gid)
        if key not in self._groups:
            chat = {"id": gid, "type": "supergroup" if supergroup else "group", "title": title}
            self._groups[key] = SimulatedGroup(self, bot, bot.open_chat(chat))
        return self._groups[key]

    @property
    def users(self) -> list[SimulatedUser]:
        return list(self._users.values())

    def forget(self, user: SimulatedUser) -> None:
        """Drop a person's chat, messages and files (long benchmarks keep memory flat).

        Updates already queued for the bot stay queued.
        """
        bot = user.bot
        self._users.pop((bot.token, user.id), None)
        bot.forget_chat(user.chat_id)
        bot.people.pop(user.id, None)

    # --- control -----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        drop: bool = False,
        raw_body: str | None = None,
        delay: float = 0.0,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` ("*" = any but getUpdates) fail.

        429 gets ``parameters.retry_after`` (default 1); ``drop=True`` closes the connection;
        ``raw_body`` sends that body instead of the JSON envelope (a proxy's HTML 502 page).
        """
        return self.faults.add(
            Fault(
                method.lower() if method != "*" else "*",
                status,
                retry_after,
                description,
                times,
                drop,
                raw_body,
                delay,
            )
        )

    def redeliver(self, update_id: int, token: str | None = None) -> None:
        """Send an already delivered update again, same update_id (a repeated delivery)."""
        self._bot(token).redeliver(update_id)

    @property
    def updates_delivered(self) -> int:
        """Updates handed to bots (getUpdates results and webhook posts), repeats included."""
        return sum(bot.updates_delivered for bot in self.bots.values())

    def subscribe(self, chat_id: int | None = None) -> Subscription:
        """Live :class:`ChatEvent` s of one chat (a user's id is their chat id), or of all."""
        return self.hub.subscribe(chat_id)

    def add_listener(self, listener: Callable[[ChatEvent], None]) -> Callable[[], None]:
        """Call ``listener(event)`` for every chat event; returns a function that removes it."""
        return self.hub.add_listener(listener)

    def file(self, file_id: str, token: str | None = None) -> StoredFile:
        """Any file in the emulator (sent by a person or by the bot): bytes, name, MIME type."""
        return self._bot(token).files[file_id]

    def file_bytes(self, file_id: str, token: str | None = None) -> bytes:
        return self.file(file_id, token).data

    async def wait_for_bot(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until a bot polls (its first getUpdates) or sets a webhook."""
        await asyncio.wait_for(self._bot_connected.wait(), timeout)

    async def settle(self, quiet: float = 0.15, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and the bot made no call for ``quiet`` seconds.

        For asserting that something did *not* happen (no reply to a repeated update).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = time.monotonic()
            unconfirmed = sum(bot.unconfirmed for bot in self.bots.values())
            last = max([self._last_activity, *(b.last_change for b in self.bots.values())])
            if not unconfirmed and not self._inflight and now - last >= quiet:
                return
            if loop.time() > deadline:
                raise TimeoutError(
                    f"emulator not settled after {timeout}s: {unconfirmed} unconfirmed updates, "
                    f"{self._inflight} calls in flight"
                )
            await asyncio.sleep(0.01)

    # --- HTTP --------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON object expected")
                values.update(body)
            else:
                for name, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        uploads[name] = Upload(
                            value.filename, value.file.read(), value.content_type
                        )
                    else:
                        values[name] = value
        return Params(values, uploads)

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        bot = self.bots.get(request.match_info["token"])
        if bot is None:
            return web.json_response(_UNAUTHORIZED, status=401, dumps=_dumps)
        raw_name = request.match_info["method"]
        name = raw_name.lower()
        self.calls[_CANONICAL.get(name, raw_name)] += 1
        if request.can_read_body:
            self.body_types[(_CANONICAL.get(name, raw_name), request.content_type)] += 1
        polling = name == "getupdates"
        if polling:
            self._bot_connected.set()
        if not polling:
            self._inflight += 1
        try:
            fault = self.faults.take(name)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.drop:
                    if request.transport is not None:
                        request.transport.close()
                    return web.Response(status=500)
                if fault.raw_body is not None:
                    return web.Response(
                        status=fault.status, text=fault.raw_body, content_type="text/html"
                    )
                if fault.status != 200:
                    error = fault.error()
                    return web.json_response(error.envelope(), status=error.status, dumps=_dumps)
            if name not in METHODS:
                log.warning("the emulator does not implement Bot API method %s", raw_name)
                return web.json_response(_NOT_FOUND, status=404, dumps=_dumps)
            try:
                params = await self._params(request)
                result = await self._execute(bot, name, params)
            except ApiError as exc:
                return web.json_response(exc.envelope(), status=exc.status, dumps=_dumps)
            except Exception as exc:  # an emulator bug: answer 500, log without the URL
                log.exception("emulated %s failed", _CANONICAL.get(name, raw_name))
                self.internal_errors.append(exc)
                error = ApiError(500, "Internal Server Error")
                return web.json_response(error.envelope(), status=500, dumps=_dumps)
            return web.json_response({"ok": True, "result": result}, dumps=_dumps)
        finally:
            if not polling:
                self._inflight -= 1
                self._last_activity = time.monotonic()

    async def _execute(self, bot: BotState, name: str, params: Params) -> Any:
        name = name.lower()
        handler = METHODS.get(name)
        if handler is None:
            raise ApiError(404, "Not Found")
        if name != "getupdates":
            self.request_log.append((_CANONICAL.get(name, name), params.values))
        result = handler(Call(bot, params, self._webhook_changed))
        if inspect.isawaitable(result):
            result = await result
        return result

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        bot = self.bots.get(request.match_info["token"])
        if bot is None:
            return web.json_response(_UNAUTHORIZED, status=401, dumps=_dumps)
        stored = bot.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(_NOT_FOUND, status=404, dumps=_dumps)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    def _webhook_changed(self, bot: BotState) -> None:
        delivery = self._webhooks.pop(bot.token, None)
        if delivery is not None:
            task = asyncio.get_running_loop().create_task(delivery.stop())
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        if bot.webhook is not None:
            self._bot_connected.set()
        if bot.webhook is not None and self.deliver_webhooks:
            self._webhooks[bot.token] = delivery = WebhookDelivery(bot, self._execute)
            delivery.start()
