"""Small builders the playground tests share."""

from __future__ import annotations

from intake.config import Settings
from intake.playground.server import Playground
from intake.runtime import build_services
from intake.tickets.redmine.config import RedmineSettings


def local_playground(settings: Settings) -> Playground:
    """A playground on the local ticket store whatever the environment says about Redmine."""
    services = build_services(settings, redmine_settings=RedmineSettings(url=None, api_key=None))
    return Playground(settings, services=services, polling_timeout=1)
