"""A browser tab spoken through the playground's API: HTTP for actions, the WebSocket to see.

It keeps the chat as the page would (messages by id, edits replaced, deletions removed) from
nothing but the events, so a test that passes here proves the page gets what it needs.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from typing import Any

from aiohttp import FormData, WSMsgType
from aiohttp.test_utils import TestClient

Message = dict[str, Any]


def plain(message: Message) -> str:
    """The text a person reads in a message bubble."""
    return html.unescape(re.sub(r"<[^>]+>", "", message.get("html") or ""))


def button_texts(message: Message) -> list[str]:
    return [b["text"] for row in message["buttons"] for b in row]


class WebChat:
    def __init__(self, client: TestClient, key: str, user: dict[str, Any]) -> None:
        self.client = client
        self.key = key
        self.user = user
        self.messages: dict[int, Message] = {}
        self.events: list[dict[str, Any]] = []
        self.snapshot: dict[str, Any] | None = None
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    @classmethod
    async def open(cls, client: TestClient, language: str = "en") -> WebChat:
        response = await client.post("/api/users", json={"language": language})
        assert response.status == 201, await response.text()
        body = await response.json()
        chat = cls(client, body["key"], body["user"])
        await chat.connect()
        return chat

    def path(self, suffix: str = "") -> str:
        return f"/api/chats/{self.key}{suffix}"

    async def connect(self) -> None:
        self._ws = await self.client.ws_connect(self.path("/ws"))
        first = await self._ws.receive_json(timeout=5)
        assert first["type"] == "snapshot"
        self._apply(first)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await self._reader

    async def _read(self) -> None:
        async for frame in self._ws:
            if frame.type == WSMsgType.TEXT:
                self._apply(frame.json())

    def _apply(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        kind = event["type"]
        if kind == "snapshot":
            self.snapshot = event
            self.messages = {m["id"]: m for m in event["messages"]}
        elif kind in ("message", "edited"):
            self.messages[event["message"]["id"]] = event["message"]
        elif kind == "deleted":
            self.messages.pop(event["id"], None)
        self._changed.set()

    # --- what the person sees ------------------------------------------------------------------

    @property
    def bot_messages(self) -> list[Message]:
        return [m for _, m in sorted(self.messages.items()) if m["from_bot"]]

    async def until(self, check: Callable[[], Any], seconds: float = 10.0) -> Any:
        deadline = asyncio.get_running_loop().time() + seconds
        while not (result := check()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                last = self.bot_messages[-1:] or [None]
                raise TimeoutError(f"nothing matched; last bot message: {last[0]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass
        return result

    async def wait_for(self, text: str, seconds: float = 10.0) -> Message:
        """The newest bot message whose text contains ``text``."""

        def newest() -> Message | None:
            return next((m for m in reversed(self.bot_messages) if text in plain(m)), None)

        return await self.until(newest, seconds)

    async def wait_for_button(self, label: str, seconds: float = 10.0) -> Message:
        def newest() -> Message | None:
            return next(
                (
                    m
                    for m in reversed(self.bot_messages)
                    if any(label in t for t in button_texts(m))
                ),
                None,
            )

        return await self.until(newest, seconds)

    # --- what the person does ------------------------------------------------------------------

    async def send(self, text: str) -> Message:
        response = await self.client.post(self.path("/messages"), json={"text": text})
        assert response.status == 201, await response.text()
        return (await response.json())["message"]

    async def edit(self, message_id: int, text: str) -> Message:
        """Edit one of this person's own text messages, as the page's ✏️ does."""
        response = await self.client.post(
            self.path("/edits"), json={"message_id": message_id, "text": text}
        )
        assert response.status == 200, await response.text()
        return (await response.json())["message"]

    async def tap(self, label: str) -> str:
        """Tap the button containing ``label`` on the newest message that has one."""
        message = await self.wait_for_button(label)
        button = next(b for row in message["buttons"] for b in row if label in b["text"])
        response = await self.client.post(
            self.path("/taps"), json={"message_id": message["id"], "data": button["data"]}
        )
        assert response.status == 201, await response.text()
        return (await response.json())["query_id"]

    async def upload(
        self,
        files: list[tuple[str, bytes, str]],
        *,
        kind: str = "document",
        caption: str | None = None,
    ) -> list[Message]:
        form = FormData()
        form.add_field("kind", kind)
        if caption:
            form.add_field("caption", caption)
        for name, data, mime in files:
            form.add_field("file", data, filename=name, content_type=mime)
        response = await self.client.post(
            self.path("/files"), data=form, headers={"X-Intake-Chat": "1"}
        )
        assert response.status == 201, await response.text()
        return (await response.json())["messages"]
