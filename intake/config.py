"""Settings from the environment (and an optional ``.env`` file): the one reader of both.

The Redmine settings are the nested ``Settings.redmine`` (``REDMINE_<FIELD>`` variables).
A missing or invalid setting becomes one ``ConfigError`` line that names the variable;
secrets are ``SecretStr`` so they never show in a repr, a log or an error.
"""

from __future__ import annotations

import ipaddress
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from intake.impact.sla import parse_holidays
from intake.tickets.redmine.config import RedmineSettings

DEFAULT_DATABASE = "./data/intake.sqlite3"
TELEGRAM_API_URL = "https://api.telegram.org"


class ConfigError(Exception):
    """One line for the user: what is wrong and which variable to fix."""


class Settings(BaseSettings):
    # REDMINE_CF_BROWSER -> redmine.cf_browser: split once, at the first underscore.
    model_config = SettingsConfigDict(
        env_file=".env",
        extra="ignore",
        case_sensitive=False,
        env_nested_delimiter="_",
        env_nested_max_split=1,
    )

    bot_token: SecretStr | None = Field(default=None, alias="BOT_TOKEN")
    telegram_api_url: str = Field(default=TELEGRAM_API_URL, alias="TELEGRAM_API_URL")
    database: Path = Field(default=Path(DEFAULT_DATABASE), alias="INTAKE_DATABASE")
    staff_chat_id: int | None = Field(default=None, alias="STAFF_CHAT_ID")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    download_limit_mb: int = Field(default=20, alias="TELEGRAM_DOWNLOAD_LIMIT_MB", ge=1)
    support_holidays: Annotated[frozenset[date], NoDecode] = Field(
        default=frozenset(), alias="SUPPORT_HOLIDAYS"
    )
    # Reverse proxies in front of the staff page whose X-Forwarded-For is believed.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), alias="TRUSTED_PROXIES"
    )
    redmine: RedmineSettings = Field(default_factory=RedmineSettings)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        for item in value if isinstance(value, list | tuple) else ():
            try:
                ipaddress.ip_network(str(item), strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    # Who is paged for an Emergency, in order: Telegram user ids (their private chats with
    # the bot) or chat ids (a group, negative). Empty: only the staff chat is paged.
    oncall: Annotated[tuple[int, ...], NoDecode] = Field(default=(), alias="ONCALL")
    page_ack_minutes: int = Field(default=10, alias="PAGE_ACK_MINUTES", ge=1, le=1440)

    @field_validator("oncall", mode="before")
    @classmethod
    def _oncall(cls, value: object) -> object:
        return parse_oncall(value) if isinstance(value, str) else value

    @field_validator("support_holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> object:
        return parse_holidays(value) if isinstance(value, str) else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        left, _, right = token.partition(":")
        if not left.isdigit() or not right:
            # Never echo the value: it may be a real token pasted with a typo.
            raise ValueError("expected the form 123456:ABC... given by @BotFather")
        return SecretStr(token)

    @field_validator("telegram_api_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def download_limit_bytes(self) -> int:
        return self.download_limit_mb * 1024 * 1024


def parse_oncall(value: str) -> tuple[int, ...]:
    """Comma-separated Telegram ids, in paging order; raises ValueError naming a bad item."""
    contacts: list[int] = []
    for part in value.split(","):
        item = part.strip()
        if not item:
            continue
        try:
            contact = int(item)
        except ValueError:
            raise ValueError(
                f"{item!r} is not a Telegram user or chat id (expected numbers, "
                "comma-separated, e.g. 123456789,-1001234567890)"
            ) from None
        if contact not in contacts:
            contacts.append(contact)
    return tuple(contacts)


def load_settings(**overrides: Any) -> Settings:
    """Read every setting; raise ConfigError naming the first bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(part) for part in error.get("loc", ())]
        variable = _variable_of(loc)
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        message = message.removeprefix(f"{variable}: ")
        raise ConfigError(f"{variable}: {message}") from None


def _variable_of(loc: list[str]) -> str:
    """The environment variable behind a validation error's location."""
    if not loc:
        return "?"
    if loc[0] == "redmine" and len(loc) > 1:
        return f"REDMINE_{loc[1].upper()}"
    for field_name, info in Settings.model_fields.items():
        if loc[0] in (field_name, info.alias):
            return info.alias or field_name.upper()
    return loc[0].upper()


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold, for the log filter to redact."""
    values = [settings.bot_token, settings.webhook_secret, settings.redmine.api_key]
    return [v.get_secret_value() for v in values if v is not None]
