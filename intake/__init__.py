"""Orangesky Intake: a guided Telegram support intake that files Redmine tickets."""

__version__ = "0.1.0"
