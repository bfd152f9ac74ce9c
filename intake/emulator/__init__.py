"""A local Telegram Bot API emulator the real aiogram Bot talks to over loopback.

Used by the tests (simulated people drive the real bot), the benchmarks and the playground's
web chat (live chat events)::

    from intake.emulator.testing import create_bot, polling, running_emulator

    async with running_emulator() as emu, create_bot(emu) as bot:
        async with polling(create_dispatcher(...), bot):
            user = emu.user(id=1001, first_name="Mei", language_code="zh-hans")
            await user.send_command("/start")
            welcome = await user.next_message()          # ChatMessage: text, html, buttons
            await (await user.tap("English")).answer()   # the bot must answer the callback
            step = await user.wait_for("summary", new=True)
            emu.fail_next("sendMessage", 429, retry_after=1)

Run it on its own with ``python -m intake.emulator --port 8081``.
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
