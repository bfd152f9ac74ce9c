"""Live chat events for watchers (the playground's web chat, tests that follow a conversation)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import TracebackType

from .models import ChatEvent

__all__ = ["EventHub", "Subscription"]

log = logging.getLogger(__name__)

Listener = Callable[[ChatEvent], None]


class Subscription:
    """Events of one chat (or of all chats) as an async iterator; ``close()`` ends the iteration.

    Use ``async with emu.subscribe(chat_id) as events: async for event in events: ...``.
    """

    _CLOSED = object()

    def __init__(self, hub: EventHub, chat_id: int | None) -> None:
        self.chat_id = chat_id
        self._hub = hub
        self._queue: asyncio.Queue = asyncio.Queue()
        self.closed = False

    def _put(self, event: ChatEvent) -> None:
        if self.chat_id is None or event.chat_id == self.chat_id:
            self._queue.put_nowait(event)

    async def get(self, timeout: float | None = None) -> ChatEvent:  # noqa: ASYNC109
        """The next event; TimeoutError after ``timeout`` s; StopAsyncIteration once closed."""
        item = await asyncio.wait_for(self._queue.get(), timeout)
        if item is self._CLOSED:
            self._queue.put_nowait(item)  # later get() calls see the end too
            raise StopAsyncIteration
        return item

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._hub._subscriptions.discard(self)
            self._queue.put_nowait(self._CLOSED)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> ChatEvent:
        return await self.get()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class EventHub:
    """Fan-out of chat events; costs nothing while nobody listens (the benchmark case)."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._listeners: list[Listener] = []

    @property
    def active(self) -> bool:
        return bool(self._subscriptions or self._listeners)

    def subscribe(self, chat_id: int | None = None) -> Subscription:
        sub = Subscription(self, chat_id)
        self._subscriptions.add(sub)
        return sub

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` synchronously for every event; returns the remover."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def publish(self, event: ChatEvent) -> None:
        for sub in list(self._subscriptions):
            sub._put(event)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken watcher must not break the Bot API
                log.exception("chat event listener failed")

    def close(self) -> None:
        for sub in list(self._subscriptions):
            sub.close()
        self._listeners.clear()
