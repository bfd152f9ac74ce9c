"""End-to-end: the real aiogram Bot and Dispatcher poll the Bot API emulator over loopback.

``intake`` is the running product (BotRunner, as ``main.py run`` starts it); ``restart()``
stops it and starts a fresh dispatcher on the same SQLite file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from intake.config import Settings
from intake.emulator.server import BotAPIEmulator
from intake.emulator.testing import running_emulator
from intake.emulator.users import SimulatedUser
from intake.runtime import BotRunner, Services, build_services
from intake.storage.db import open_db
from intake.tickets.redmine.config import RedmineSettings


@dataclass
class Running:
    emulator: BotAPIEmulator
    services: Services
    runner: BotRunner

    async def restart(self) -> None:
        await self.runner.stop()
        self.runner = BotRunner(self.services, self.emulator.token, self.emulator.base_url)
        await self.runner.start(polling_timeout=1)

    def user(self, **kwargs) -> SimulatedUser:
        return self.emulator.user(**kwargs)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    """Fails the test if the emulator itself broke (the bot would only have seen a 500)."""
    async with running_emulator() as emu:
        yield emu


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(INTAKE_DATABASE=tmp_path / "intake.sqlite3", STAFF_CHAT_ID=-100500)


@pytest.fixture
async def intake(emulator, settings) -> AsyncIterator[Running]:
    services = build_services(settings, db=open_db(settings.database))
    runner = BotRunner(services, emulator.token, emulator.base_url)
    await runner.start(polling_timeout=1)
    running = Running(emulator, services, runner)
    yield running
    await running.runner.stop()
    await services.aclose()


@pytest.fixture
def redmine_settings(redmine_env) -> RedmineSettings:
    """The real Redmine of tests/redmine_server.py (a module may override this fixture)."""
    return RedmineSettings(
        url=redmine_env["REDMINE_URL"],
        api_key=SecretStr(redmine_env["REDMINE_API_KEY"]),
        project=redmine_env.get("REDMINE_PROJECT_IDENTIFIER", "support"),
        timeout_seconds=10,
    )


@pytest.fixture
async def intake_redmine(emulator, settings, redmine_settings) -> AsyncIterator[Running]:
    """The running product filing into the real Redmine."""
    services = build_services(
        settings, db=open_db(settings.database), redmine_settings=redmine_settings
    )
    runner = BotRunner(services, emulator.token, emulator.base_url)
    await runner.start(polling_timeout=1)
    running = Running(emulator, services, runner)
    yield running
    await running.runner.stop()
    await services.aclose()
