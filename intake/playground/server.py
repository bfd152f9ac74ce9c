"""The playground: the real bot polling a local Bot API, a web chat over it, the staff page.

One process, one SQLite file, nothing from Telegram: the emulator listens on a free loopback
port (the bot talks HTTP to it exactly as to Telegram), and one web server carries the chat
at ``/`` and the staff review app at ``/staff/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import signal
from dataclasses import dataclass, field

from aiohttp import web

from intake.config import Settings
from intake.emulator.server import BotAPIEmulator
from intake.playground.chat import create_chat_app
from intake.playground.sessions import ChatSessions
from intake.playground.staff_account import (
    StaffAccountNote,
    ensure_staff_account,
    sign_in_lines,
)
from intake.runtime import BotRunner, Services, build_services
from intake.storage.updates import last_update_id
from intake.tickets.local import LocalSink

log = logging.getLogger(__name__)

STAFF_PREFIX = "/staff/"


class PlaygroundError(Exception):
    """One line for the console (a port already in use)."""


def _staff_app(services: Services, settings: Settings) -> web.Application | None:
    """The staff review app over the same database, or None while it is not installed."""
    try:
        from intake.staff.app import create_staff_app
    except ModuleNotFoundError as exc:  # pragma: no cover - only while intake.staff is missing
        if exc.name and exc.name.startswith("intake.staff"):
            log.warning("staff app not available: %s", exc)
            return None
        raise
    from intake.staff.addresses import parse_networks

    return create_staff_app(services.db, trusted_proxies=parse_networks(settings.trusted_proxies))


def is_loopback(host: str) -> bool:
    """Only this machine can reach ``host`` (``0.0.0.0``, ``::`` and names are not)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> list[str]:
    """What to tell the person who made the playground reachable from the network."""
    if is_loopback(host):
        return []
    return [
        f"WARNING: listening on {host}, not only on this machine: anyone who can reach it on",
        "  the network can use the chat and try the staff sign-in, over plain HTTP (names,",
        "  passwords and conversations travel unencrypted). Use it on a network you trust,",
        "  and stop it when you are done.",
    ]


@dataclass
class Playground:
    """Everything running; ``start()`` brings it up, ``stop()`` takes it down in order."""

    settings: Settings
    services: Services | None = None
    emulator: BotAPIEmulator | None = None
    runner: BotRunner | None = None
    sessions: ChatSessions | None = None
    app: web.Application | None = None
    staff: StaffAccountNote | None = None
    url: str = ""
    host: str = "127.0.0.1"
    polling_timeout: int = 10
    _web: web.AppRunner | None = field(default=None, repr=False)

    @property
    def staff_url(self) -> str | None:
        return self.url.rstrip("/") + STAFF_PREFIX if self.staff is not None else None

    def build(self) -> web.Application:
        """Open the database and wire the web app (nothing listens yet)."""
        services = self.services = self.services or build_services(self.settings)
        # Update ids must continue above what this database saw in earlier runs: the bot
        # ignores a repeated update_id, as it must with Telegram.
        self.emulator = BotAPIEmulator(first_update_id=last_update_id(services.db) + 1)
        self.runner = BotRunner(services, self.emulator.token, None)
        self.sessions = ChatSessions(self.emulator, services.db)
        staff_app = _staff_app(services, self.settings)
        self.app = create_chat_app(
            self.emulator, self.sessions, staff_url=STAFF_PREFIX if staff_app else ""
        )
        if staff_app is not None:
            self.staff = ensure_staff_account(services.db)
            # "/staff" itself would reach the staff app with an empty path: send it to "/staff/".
            self.app.router.add_get(STAFF_PREFIX.rstrip("/"), _to_staff)
            self.app.add_subapp(STAFF_PREFIX.rstrip("/"), staff_app)
        self.app.on_startup.append(self._start_bot)
        self.app.on_cleanup.append(self._stop_bot)
        return self.app

    async def _start_bot(self, app: web.Application) -> None:
        assert self.emulator is not None and self.runner is not None
        base_url = await self.emulator.start("127.0.0.1", 0)
        self.runner.api_url = base_url
        await self.runner.start(polling_timeout=self.polling_timeout)

    async def _stop_bot(self, app: web.Application) -> None:
        if self.runner is not None:
            await self.runner.stop()
        if self.emulator is not None:
            await self.emulator.stop()

    async def start(self, host: str = "127.0.0.1", port: int = 8080) -> str:
        """Serve on ``host:port`` (0 picks a free port); returns the chat's URL."""
        app = self.app or self.build()
        self.host = host
        self._web = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._web.setup()
        await web.TCPSite(self._web, host, port).start()
        bound_port = self._web.addresses[0][1]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{bound_port}/"
        return self.url

    async def stop(self) -> None:
        if self._web is not None:
            await self._web.cleanup()  # runs _stop_bot
            self._web = None
        if self.services is not None:
            await self.services.aclose()
            self.services = None


async def _to_staff(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently(STAFF_PREFIX)


async def serve(settings: Settings, *, host: str, port: int) -> None:
    """``python main.py`` without a token: run until interrupted, telling where to look."""
    playground = Playground(settings)
    try:
        try:
            await playground.start(host, port)
        except OSError as exc:
            problem = "is in use" if exc.errno == errno.EADDRINUSE else f"failed ({exc})"
            raise PlaygroundError(
                f"error: listening on {host}:{port} {problem}; choose another port with --port"
            ) from None
        for line in banner(playground):
            print(line, flush=True)
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
    finally:
        await playground.stop()


def banner(playground: Playground) -> list[str]:
    services = playground.services
    assert services is not None
    if services.ticketing.client is not None:
        sink = f"Redmine at {services.ticketing.client.base_url} (REDMINE_URL)"
    elif isinstance(services.sink, LocalSink):
        sink = f"the local ticket store in {playground.settings.database}"
    else:
        sink = type(services.sink).__name__
    lines = [
        "",
        "Orangesky Intake playground (no Telegram needed)",
        f"  Chat:   {playground.url}   (each browser tab is its own Telegram user)",
    ]
    if playground.staff_url and playground.staff is not None:
        lines.append(f"  Staff:  {playground.staff_url}")
        lines.extend(sign_in_lines(playground.staff))
    else:
        lines.append("  Staff:  not available in this installation")
    lines.append(f"  Tickets go to {sink}.")
    lines += exposure_warning(playground.host)
    lines += ["Press Ctrl-C to stop.", ""]
    return lines
