"""A loopback HTTP proxy in front of the real Redmine that misbehaves on cue.

    async with RedmineProxy(redmine_url) as proxy:
        proxy.hold_request("POST", "/issues.json", seconds=2.5)  # forward it late, once
        proxy.refuse("POST", "/uploads.json", status=413)        # answer without forwarding
        settings.url = proxy.url

What reaches Redmine is the real request: a held create really creates an issue, later.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web


@dataclass
class _Rule:
    method: str
    path: str
    hold: float = 0.0
    status: int | None = None
    times: int = 1


@dataclass
class RedmineProxy:
    upstream: str
    rules: list[_Rule] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)

    def hold_request(self, method: str, path: str, *, seconds: float, times: int = 1) -> None:
        self.rules.append(_Rule(method, path, hold=seconds, times=times))

    def refuse(self, method: str, path: str, *, status: int, times: int = 1_000) -> None:
        self.rules.append(_Rule(method, path, status=status, times=times))

    async def __aenter__(self) -> RedmineProxy:
        self._session = aiohttp.ClientSession()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._runner.cleanup()
        await self._session.close()

    def _rule(self, request: web.Request) -> _Rule | None:
        for rule in self.rules:
            if rule.times > 0 and rule.method == request.method and rule.path == request.path:
                rule.times -= 1
                return rule
        return None

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.method, request.path))
        body = await request.read()
        rule = self._rule(request)
        if rule is not None and rule.status is not None:
            return web.Response(status=rule.status, text="refused by the test proxy")
        if rule is not None and rule.hold:
            # Forwarded late, whatever the client does meanwhile (it may have given up).
            return await asyncio.shield(self._late(request, body, rule.hold))
        return await self._send(request, body)

    async def _late(self, request: web.Request, body: bytes, hold: float) -> web.Response:
        await asyncio.sleep(hold)
        return await self._send(request, body)

    async def _send(self, request: web.Request, body: bytes) -> web.Response:
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "transfer-encoding")
        }
        async with self._session.request(
            request.method, self.upstream + request.path_qs, data=body, headers=headers
        ) as upstream:
            payload = await upstream.read()
            return web.Response(
                status=upstream.status,
                body=payload,
                headers={
                    k: v
                    for k, v in upstream.headers.items()
                    if k.lower() in ("content-type", "location", "retry-after")
                },
            )
