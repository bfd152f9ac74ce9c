"""The support page's four impact levels and what each one promises.

One frozen ``Level`` per level, in one place, so the dialogue, the deadline arithmetic, the
staff page and the Redmine priority all read the same definitions. Texts are English msgids
marked with ``N_``; translate them at display time with ``intake.i18n.gettext(locale, ...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from intake.i18n import N_


class ImpactLevel(StrEnum):
    """The keys tickets, drafts, callbacks and the command line store, most severe first."""

    EMERGENCY = "emergency"
    HIGHLY_DEGRADED = "highly-degraded"
    MEDIUM = "medium"
    LOW = "low"


HOURS_24X7 = "24x7"
HOURS_24X5 = "24x5"


@dataclass(frozen=True)
class Level:
    """One impact level. ``key`` is what tickets, drafts and the command line store."""

    key: ImpactLevel
    # N_ msgid, the support page's name ("Medium Impact"): what customers read (translated),
    # staff read and Redmine's Impact field holds (English). The one wording of a level.
    name: str
    summary: str  # N_ msgid: the one-line definition
    definition: str  # N_ msgid: the support page's full definition
    example: str  # N_ msgid
    response: timedelta  # first-response time, counted inside support hours
    hours: str  # HOURS_24X7 or HOURS_24X5
    severity: int  # 3 = most severe; sorts levels without string comparisons

    @property
    def always_staffed(self) -> bool:
        return self.hours == HOURS_24X7

    @property
    def response_minutes(self) -> int:
        return int(self.response.total_seconds() // 60)

    @property
    def hours_text(self) -> str:
        """N_ msgid saying when the clock runs for this level."""
        return HOURS_TEXT[self.hours]

    def __str__(self) -> str:
        return self.key


HOURS_TEXT = {
    HOURS_24X7: N_("24 hours a day, 7 days a week (an engineer is on call)"),
    HOURS_24X5: N_("Sunday 3 pm to Friday 5 pm Pacific Time"),
}

EMERGENCY = Level(
    key=ImpactLevel.EMERGENCY,
    name=N_("Emergency"),
    summary=N_("Orangesky is completely unusable."),
    definition=N_(
        "Your instance of Orangesky is unavailable or completely unusable: an Orangesky server "
        "or cluster in production is not available, or is otherwise unusable. Our on-call "
        "support engineer responds to an Emergency ticket within 30 minutes, at any hour."
    ),
    example=N_("Orangesky shows 502 errors to all users."),
    response=timedelta(minutes=30),
    hours=HOURS_24X7,
    severity=3,
)

HIGHLY_DEGRADED = Level(
    key=ImpactLevel.HIGHLY_DEGRADED,
    name=N_("Highly Degraded"),
    summary=N_(
        "Important features are unavailable or extremely slow, with no acceptable workaround."
    ),
    definition=N_(
        "Significant business impact. Important Orangesky features are unavailable or extremely "
        "slow, with no acceptable workaround. Orangesky is still in use, in implementation or "
        "production, but productivity is seriously affected."
    ),
    example=N_("Sending orders fails with errors and the orders never complete."),
    response=timedelta(hours=4),
    hours=HOURS_24X5,
    severity=2,
)

MEDIUM = Level(
    key=ImpactLevel.MEDIUM,
    name=N_("Medium Impact"),
    summary=N_("Something is preventing normal use of Orangesky, but a workaround is available."),
    definition=N_(
        "Some business impact. Important Orangesky features are unavailable or somewhat slow, "
        "but a workaround is available. Orangesky has lost a little of its functionality, "
        "whatever the environment or usage."
    ),
    example=N_(
        "A known bug affects the use of Orangesky, but a workaround is working well as a "
        "temporary solution."
    ),
    response=timedelta(hours=8),
    hours=HOURS_24X5,
    severity=1,
)

LOW = Level(
    key=ImpactLevel.LOW,
    name=N_("Low Impact"),
    summary=N_("A question or clarification about features, documentation or deployments."),
    definition=N_(
        "Minimal or no business impact. You are asking for information, an enhancement or a "
        "clarification of the documentation; the operation of Orangesky is not affected and "
        "your work is not held up."
    ),
    example=N_("A question about how to enable something."),
    response=timedelta(hours=24),
    hours=HOURS_24X5,
    severity=0,
)

# Most severe first: the order the dialogue offers them in.
LEVELS: tuple[Level, ...] = (EMERGENCY, HIGHLY_DEGRADED, MEDIUM, LOW)
BY_KEY: Mapping[str, Level] = {level.key: level for level in LEVELS}
LEVEL_KEYS: tuple[ImpactLevel, ...] = tuple(level.key for level in LEVELS)
# Key -> the level's English name, for staff pages, exports and Redmine's Impact field.
LEVEL_NAMES: Mapping[str, str] = {level.key: level.name for level in LEVELS}


def level_name(key: str | None, missing: str = "") -> str:
    """A stored key as the level's English name; an unknown key as it is."""
    if not key:
        return missing
    return LEVEL_NAMES.get(key, key)


def _normalize_key(value: str) -> str:
    key = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    return key.removesuffix("-impact")


def get_level(value: str | Level) -> Level:
    """A ``Level`` from itself or its key; tolerant of case, '_' or spaces, and an 'impact' suffix.

    Raises ValueError naming the valid keys, so a command line or a config error reads well.
    """
    if isinstance(value, Level):
        return value
    level = BY_KEY.get(_normalize_key(str(value)))
    if level is None:
        raise ValueError(f"unknown impact level {value!r}; choose one of: {', '.join(LEVEL_KEYS)}")
    return level


# Level -> Redmine priority name is a Redmine setting: REDMINE_PRIORITY_<LEVEL>
# (intake/tickets/redmine/config.py), resolved to ids by the filer.
