"""The bot token and the Redmine key never reach a log line or a settings error."""

import logging

import pytest

from intake.config import ConfigError, load_settings
from intake.logging_setup import RedactSecrets

TOKEN = "123456:AAE-very-secret-token-value"


def make_record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("aiogram", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_token_in_a_log_message_is_redacted():
    record = make_record("Can not write request body for http://x/bot%s/getUpdates", TOKEN)
    RedactSecrets([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage()
    assert "***" in record.getMessage()


def test_a_traceback_that_contains_the_token_is_hidden():
    try:
        raise RuntimeError(f"http://x/bot{TOKEN}/getMe")
    except RuntimeError as exc:
        record = make_record("failed", exc_info=(type(exc), exc, exc.__traceback__))
    RedactSecrets([TOKEN]).filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted


def test_a_malformed_token_is_named_but_not_echoed(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", "not-a-token-but-secret")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith("BOT_TOKEN:")
    assert "not-a-token-but-secret" not in str(error.value)


def test_the_token_does_not_show_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert TOKEN not in repr(settings)
    assert settings.bot_token.get_secret_value() == TOKEN


def test_every_secret_is_handed_to_the_log_filter(monkeypatch):
    from intake.config import secrets_of

    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_SECRET", "webhook-secret-value")
    monkeypatch.setenv("REDMINE_API_KEY", "0123456789abcdef0123456789abcdef01234567")
    assert set(secrets_of(load_settings())) == {
        TOKEN,
        "webhook-secret-value",
        "0123456789abcdef0123456789abcdef01234567",
    }
