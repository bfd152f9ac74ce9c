"""Filters as small async classes.

aiogram runs a synchronous filter, and a bare magic ``F`` filter is one, in a worker
thread (``asyncio.to_thread``) on every update; measured with bench/dialogue.py that was
about a dozen thread hand-offs per update. These do the same checks on the event loop,
and states are given as ``StateFilter(Intake.x)`` (async) rather than bare ``Intake.x``
(a synchronous callable) for the same reason.
"""

from __future__ import annotations

from aiogram.filters import BaseFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message

from intake.dialogue import says_no_answer
from intake.environment import looks_like_user_agent


class PrivateChat(BaseFilter):
    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        chat = getattr(message, "chat", None)
        return chat is not None and chat.type == "private"


class GroupChat(BaseFilter):
    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        chat = getattr(message, "chat", None)
        return chat is not None and chat.type != "private"


class TextAnswer(BaseFilter):
    """Text that is not a command."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and not message.text.startswith("/")


class CommandText(BaseFilter):
    async def __call__(self, message: Message) -> bool:
        return message.text is not None and message.text.startswith("/")


class MaybeCommand(BaseFilter):
    """Text or a caption that starts with "/", as aiogram's ``Command`` reads both: a router
    of commands only checks its handlers for what may be one."""

    async def __call__(self, message: Message) -> bool:
        text = message.text or message.caption
        return text is not None and text.startswith("/")


class FileMessage(BaseFilter):
    """A photo or a document."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.photo) or message.document is not None


class NoAnswer(BaseFilter):
    """A typed "I don't know" or "nothing": the question's own button answers it."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and says_no_answer(message.text)


class UserAgentText(BaseFilter):
    async def __call__(self, message: Message) -> bool:
        return message.text is not None and looks_like_user_agent(message.text)


class ButtonsOf(BaseFilter):
    """Taps on buttons packed by these ``CallbackData`` factories; ``step`` narrows them to
    one step's (a factory whose first field is ``step``, as ``Nav`` and ``Pick``).

    A router's first check: one string comparison. Each handler's own ``Factory.filter()``
    unpacks the data into a model before it can say no, and an update passes a dozen
    routers (bench/dialogue.py measured about 200 us of routing per update).
    """

    def __init__(self, *factories: type[CallbackData], step: str | None = None) -> None:
        prefixes = []
        for factory in factories:
            prefix = factory.__prefix__ + factory.__separator__
            if step is not None:
                if next(iter(factory.model_fields)) != "step":
                    raise TypeError(f"{factory.__name__} has no leading step field")
                prefix += step + factory.__separator__
            prefixes.append(prefix)
        self.prefixes = tuple(prefixes)

    async def __call__(self, callback: CallbackQuery) -> bool:
        return callback.data is not None and callback.data.startswith(self.prefixes)
