"""A local Telegram Bot API emulator the real aiogram Bot talks to over loopback.

Used by the tests (simulated people drive the real bot), the benchmarks and the playground's
web chat (live chat events). See ``server.BotAPIEmulator`` for the entry point.
"""

from .errors import ApiError
from .events import Subscription
from .faults import Fault
from .models import Button, CallbackAnswer, ChatEvent, ChatMessage, FileRef, StoredFile
from .server import DEFAULT_TOKEN, BotAPIEmulator
from .users import Document, GroupMember, Photo, SimulatedGroup, SimulatedUser, Tap

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotAPIEmulator",
    "Button",
    "CallbackAnswer",
    "ChatEvent",
    "ChatMessage",
    "Document",
    "Fault",
    "FileRef",
    "GroupMember",
    "Photo",
    "SimulatedGroup",
    "SimulatedUser",
    "StoredFile",
    "Subscription",
    "Tap",
]
