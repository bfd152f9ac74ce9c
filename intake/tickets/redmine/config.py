"""Redmine settings: where, which key, and every name resolved at run time.

Read from the environment only as ``Settings.redmine`` (intake.config), whose variables are
``REDMINE_<FIELD>`` (e.g. ``REDMINE_CF_BROWSER``); constructed directly, the model reads nothing.

Names (project, tracker, custom fields, priorities) rather than ids, because ids differ between
Redmine installations; the filer resolves them once and the doctor checks they resolve.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from intake.impact.levels import ImpactLevel


class RedmineSettings(BaseModel):
    """Every field is set by ``REDMINE_<FIELD>`` (e.g. ``REDMINE_CF_BROWSER``) through
    ``intake.config.Settings``."""

    # Other REDMINE_* variables (a test server's, say) are not ours: ignored, not errors.
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    url: str | None = None
    api_key: SecretStr | None = None
    project: str = "support"
    tracker: str = "Support"
    # Custom field names.
    cf_browser: str = "Browser"
    cf_browser_version: str = "Browser version"
    cf_os: str = "OS"
    cf_product_version: str = "Orangesky version"
    cf_impact: str = "Impact"
    cf_language: str = "Language"
    cf_telegram_user: str = "Telegram user"
    cf_reference: str = "Intake reference"
    # The user custom field where a customer puts their Telegram username, proving that the
    # Redmine account they link is theirs.
    user_cf_telegram: str = "Telegram"
    # Impact level -> priority name.
    priority_emergency: str = "Immediate"
    priority_highly_degraded: str = "Urgent"
    priority_medium: str = "High"
    priority_low: str = "Normal"
    max_attachment_bytes: int = 5 * 1024 * 1024
    register_url: str | None = None
    # Redmine 5 defaults to Textile; no REST call reveals the setting, so it is configured.
    text_formatting: Literal["textile", "common_mark"] = "textile"
    timeout_seconds: float = 30.0
    # After a timeout the outcome of a create is unknown: look for the issue again only after
    # Redmine can no longer be processing our request (longer than its own request time).
    settle_seconds: float = Field(default=90.0, ge=0)
    # Requests to Redmine at once: a hung server then holds at most this many effects.
    parallel: int = Field(default=2, ge=1, le=16)
    # When the customer hears that filing is delayed, counted from Confirm.
    delayed_notice_seconds: float = Field(default=900.0, ge=0)
    emergency_notice_seconds: float = Field(default=120.0, ge=0)
    # How often the watcher asks Redmine what changed (REDMINE_WATCH_INTERVAL); one list
    # request per cycle, however many tickets there are. 0 turns the watcher off.
    watch_interval: float = Field(default=60.0, ge=0)

    @field_validator("url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

    @property
    def registration_url(self) -> str | None:
        """Where a customer without an account signs up (REDMINE_REGISTER_URL overrides)."""
        if self.register_url:
            return self.register_url
        return self.url + "/account/register" if self.url else None

    @property
    def configured(self) -> bool:
        """Without a URL and a key the local sink stays in use."""
        return bool(self.url and self.api_key and self.api_key.get_secret_value())

    def custom_field_names(self) -> dict[str, str]:
        """Our key -> the Redmine custom field name."""
        return {
            "browser": self.cf_browser,
            "browser_version": self.cf_browser_version,
            "os": self.cf_os,
            "product_version": self.cf_product_version,
            "impact": self.cf_impact,
            "language": self.cf_language,
            "telegram_user": self.cf_telegram_user,
            "reference": self.cf_reference,
        }

    def priority_names(self) -> dict[str, str]:
        """Impact level key -> the Redmine priority name."""
        return {
            ImpactLevel.EMERGENCY: self.priority_emergency,
            ImpactLevel.HIGHLY_DEGRADED: self.priority_highly_degraded,
            ImpactLevel.MEDIUM: self.priority_medium,
            ImpactLevel.LOW: self.priority_low,
        }
