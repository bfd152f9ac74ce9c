import pytest

from intake.emulator.testing import create_bot, running_emulator


@pytest.fixture
async def emu():
    """A running emulator on a free loopback port."""
    async with running_emulator(callback_answer_timeout=5.0) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu):
    """The real aiogram Bot with its real AiohttpSession, pointed at the emulator."""
    async with create_bot(emu) as client:
        yield client
