"""THE dialogue: one declaration per step, and everything else derived from it.

Plain Python (no aiogram). The states, the progress counter, the review card and its edit
buttons, /back, /status, which steps may be skipped and which take buttons only, and what an
edit implies (a new browser needs its version) all read this table, so they cannot drift
apart. ``intake.bot.prompts`` says how each step asks; ``check`` says how its answer is
validated and normalised.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intake import environment
from intake.draft import FIELD_MAX, SUMMARY_MAX, TicketDraft
from intake.i18n import N_

NAME_MAX = 40


@dataclass(frozen=True)
class Answer:
    """A checked answer: the value to store, or why it was refused (``problem``)."""

    value: str = ""
    # "" | "empty" | "too_long" | "not_version" | "names_system" | "not_name" | "no_words"
    problem: str = ""
    limit: int = 0
    implied: str = ""  # the answer to the step this one implies, typed with it ("Chrome 126")

    @property
    def ok(self) -> bool:
        return not self.problem


Checker = Callable[[str, int], Answer]


def one_line(raw: str, limit: int) -> Answer:
    """Free text on one line: invisible characters dropped, at most ``limit`` characters."""
    value = environment.visible_text(raw)
    if not value:
        return Answer(problem="empty")
    if limit and len(value) > limit:
        return Answer(value, "too_long", limit)
    return Answer(value)


# What people type instead of tapping a question's "I don't know" or "Skip".
_NO_ANSWERS = frozenset(
    {
        "i don't know",
        "i dont know",
        "don't know",
        "dont know",
        "dunno",
        "idk",
        "no idea",
        "not sure",
        "i'm not sure",
        "im not sure",
        "unknown",
        "n/a",
        "no",
        "none",
        "nothing",
        "nope",
        "skip",
        "i still don't know",
        "i still dont know",
        "still don't know",
        "still dont know",
        "不知道",
        "我不知道",
        "不清楚",
        "我不清楚",
        "不确定",
        "我不确定",
        "还是不知道",
        "我还是不知道",
        "还是不清楚",
        "我还是不清楚",
        "不晓得",
        "不记得",
        "忘了",
        "未知",
        "没有",
        "没有了",
        "无",
        "不用",
        "跳过",
    }
)


def says_no_answer(text: str) -> bool:
    """A typed "I don't know" or "nothing", in English or Chinese, punctuation aside: what
    the question's own button says."""
    said = environment.visible_text(unicodedata.normalize("NFKC", text)).lower()
    return said.replace("\u2019", "'").strip(" .!?~\u3002\u2026") in _NO_ANSWERS


def a_summary(raw: str, limit: int) -> Answer:
    """The ticket's title: one line with at least a word or a number in it ("🙂🙂" is not)."""
    answer = one_line(raw, limit)
    if answer.ok and not any(unicodedata.category(ch)[0] in "LN" for ch in answer.value):
        return Answer(answer.value, "no_words")
    return answer


def a_name(raw: str, limit: int) -> Answer:
    """A browser or system name: "121.0" typed here is a version, not a name."""
    answer = one_line(raw, limit)
    if answer.ok and not environment.is_browser_name(answer.value):
        return Answer(answer.value, "not_name")
    return answer


def a_browser(raw: str, limit: int) -> Answer:
    """A browser's name; one of the buttons' as the button says it ("谷歌浏览器" is Chrome),
    with a version typed after it taken too, so that it is not asked again."""
    return _a_choice(raw, limit, environment.KNOWN_BROWSERS, "browser_version")


def a_system(raw: str, limit: int) -> Answer:
    """A system's name, read as the browser's is ("win11" is Windows 11)."""
    return _a_choice(raw, limit, environment.KNOWN_SYSTEMS, "os_version")


def _a_choice(raw: str, limit: int, known: environment.KnownNames, implied: str) -> Answer:
    """A known name, and what follows it when that is a version ``implied`` accepts; any
    other text is a name as typed (a custom browser or system)."""
    read = known.read(environment.visible_text(raw))
    if read is not None:
        name, rest = read
        if not rest:
            return Answer(name)
        version = check(implied, rest)
        if version.ok and environment.is_version(rest):
            return Answer(name, implied=version.value)
    return a_name(raw, limit)


def a_version(raw: str, limit: int) -> Answer:
    """A version as people paste it from an About page, normalised to the number."""
    answer = one_line(raw, 0)  # the limit applies to the number, not to what came with it
    if not answer.ok:
        return answer
    version = environment.parse_version(answer.value)
    if not version:
        return Answer(answer.value, "not_version")
    if environment.names_system(answer.value):
        return Answer(answer.value, "names_system")
    return Answer(version, "too_long", limit) if len(version) > limit else Answer(version)


@dataclass(frozen=True)
class Step:
    """One step of the dialogue, declared once."""

    name: str
    section: str  # what the progress counter and /status group it under
    field: str = ""  # the TicketDraft attribute it fills ("" for none)
    label: str = ""  # its line on the review card and its ✏️ button (N_, translated later)
    limit: int = 0  # longest accepted answer, in characters
    required: bool = False  # Confirm asks for it when empty
    skippable: bool = False  # has a Skip / I don't know button
    buttons_only: bool = False  # typed text is not an answer here
    counted: bool = True  # a question of its own in "Step n of N"
    check: Checker | None = None  # validator and normaliser of a typed answer
    quick: tuple[str, ...] = ()  # buttons for common answers; free text still accepted
    shown_with: str = ""  # on the review card, part of that step's line (browser version)
    implies: str = ""  # a changed answer empties and asks this step too
    only_with_account: bool = False  # asked only when tickets go to Redmine
    editable: bool = True  # has a ✏️ button on the review card
    suggests_docs: bool = False  # its answer is searched in the documentation first


STEPS: tuple[Step, ...] = (
    Step("welcome", "welcome", counted=False, buttons_only=False, editable=False),
    Step(
        "summary",
        "summary",
        "summary",
        N_("Summary"),
        limit=SUMMARY_MAX,
        required=True,
        check=a_summary,
        suggests_docs=True,
    ),
    Step(
        "browser",
        "environment",
        "browser",
        N_("Browser"),
        limit=NAME_MAX,
        required=True,
        check=a_browser,
        quick=environment.BROWSERS,
        implies="browser_version",
    ),
    Step(
        "browser_version",
        "environment",
        "browser_version",
        N_("Browser version"),
        limit=NAME_MAX,
        required=True,
        check=a_version,
        shown_with="browser",
    ),
    Step(
        "os",
        "environment",
        "os",
        N_("System"),
        limit=NAME_MAX,
        check=a_system,
        quick=environment.SYSTEMS,
        implies="os_version",
    ),
    Step(
        "os_version",
        "environment",
        "os_version",
        N_("System version"),
        limit=NAME_MAX,
        skippable=True,
        check=one_line,
        shown_with="os",
    ),  # its quick answers depend on the system: environment.SYSTEM_VERSIONS
    Step(
        "product_version",
        "environment",
        "product_version",
        N_("Orangesky version"),
        limit=NAME_MAX * 2,
        skippable=True,
        check=one_line,
        quick=("cloud",),
    ),
    Step(
        "extra",
        "environment",
        "extra",
        N_("Other details"),
        limit=FIELD_MAX * 2,
        skippable=True,
        check=one_line,
    ),
    Step("impact", "impact", "impact", N_("Impact"), required=True, buttons_only=True),
    Step(
        "impact_reason",
        "impact",
        "impact_reason",
        limit=FIELD_MAX * 2,
        counted=False,
        editable=False,
    ),
    Step("description", "description", "description", N_("Description"), required=True),
    Step("attachments", "attachments", "attachments", N_("Attachments")),
    Step(
        "account",
        "account",
        "redmine_login",
        N_("Redmine login"),
        skippable=True,
        only_with_account=True,
    ),
    Step("review", "review", buttons_only=True, counted=False, editable=False),
    Step("done", "done", counted=False, editable=False),
)
BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}
# Steps that are part of the dialogue's order (sub-steps and the ends are not).
_MAIN = tuple(s.name for s in STEPS if s.name not in ("welcome", "impact_reason", "done"))
# Steps where no draft is being filled: /start needs no confirmation, /back has nowhere to go.
QUIET = (None, "welcome", "done")
# Sub-steps answer for their parent step (Back from the reason goes to the impact card).
PARENT = {"impact_reason": "impact"}


def get(name: str) -> Step:
    return BY_NAME[name]


def order(*, with_account: bool) -> tuple[str, ...]:
    """The main steps in the order they are asked."""
    return tuple(n for n in _MAIN if with_account or not BY_NAME[n].only_with_account)


def next_step(step: str, *, with_account: bool) -> str:
    if step == "welcome":
        return order(with_account=with_account)[0]
    steps = order(with_account=with_account)
    index = steps.index(PARENT.get(step, step))
    return steps[min(index + 1, len(steps) - 1)]


def previous_step(step: str, *, with_account: bool) -> str | None:
    """None when there is nothing before (the first question, or outside the dialogue)."""
    if step in PARENT:
        return PARENT[step]
    steps = order(with_account=with_account)
    if step not in steps:
        return None
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


def passed(step: str | None, target: str, *, with_account: bool) -> bool:
    """Whether a dialogue now at ``step`` has already asked ``target`` (its answer stands)."""
    steps = order(with_account=with_account)
    name = PARENT.get(step or "", step or "")
    if name not in steps or target not in steps:
        return False
    return steps.index(name) > steps.index(target)


def progress(step: str, *, with_account: bool) -> tuple[int, int] | None:
    """(n, total) for "Step n of N": each question counts; None where no counter is shown."""
    counted = [n for n in order(with_account=with_account) if BY_NAME[n].counted]
    name = PARENT.get(step, step)
    if name not in counted:
        return None
    return counted.index(name) + 1, len(counted)


def editable(*, with_account: bool) -> tuple[Step, ...]:
    """The review card's ✏️ buttons, in the dialogue's order."""
    return tuple(BY_NAME[n] for n in order(with_account=with_account) if BY_NAME[n].editable)


def review_lines(*, with_account: bool) -> tuple[Step, ...]:
    """The review card's and /status's lines: each editable step not shown on another's."""
    return tuple(s for s in editable(with_account=with_account) if not s.shown_with)


def quick_answers(step: str, draft: TicketDraft) -> tuple[str, ...]:
    """Buttons for the common answers to ``step`` (free text is still accepted)."""
    if step == "os_version":
        return environment.SYSTEM_VERSIONS.get(draft.os, ())
    return BY_NAME[step].quick


def is_empty(draft: TicketDraft, step: str) -> bool:
    name = BY_NAME[step].field
    return not name or not getattr(draft, name)


def missing(draft: TicketDraft, *, with_account: bool) -> str | None:
    """The first required step still empty (Confirm asks it), or None."""
    for name in order(with_account=with_account):
        if BY_NAME[name].required and is_empty(draft, name):
            return name
    return None


def after_edit(step: str, draft: TicketDraft) -> str:
    """Where an edit from the review card goes once ``step`` is answered.

    Back to the review, unless the answer implies another step that is now empty (a new
    browser has no version yet): then that step first, and the review after it.
    """
    implied = BY_NAME[PARENT.get(step, step)].implies
    if implied and is_empty(draft, implied):
        return implied
    return "review"


def check(step: str, raw: str) -> Answer:
    """Validate and normalise a typed answer to ``step``."""
    declared = BY_NAME[step]
    if declared.check is None:
        return one_line(raw, declared.limit)
    return declared.check(raw, declared.limit)


@dataclass
class Session:
    """The draft plus the dialogue's own flags: loaded once per update, saved once.

    Replaces the loose FSM keys; every flag is declared here with its type and default, and
    unknown keys from older stored sessions are ignored.
    """

    conversation_id: int | None = None
    draft: TicketDraft = field(default_factory=TicketDraft)
    editing: bool = False  # came from the review card: go back there after the answer
    browser_other: bool = False  # "Other…" tapped: the browser name is typed
    os_other: bool = False
    show_version_help: bool = False
    impact_stage: str = ""  # suggest | question | result | choose
    impact_chosen: str = ""  # a level chosen over the suggestion, waiting for its reason
    ua: dict[str, str] | None = None  # a parsed User-Agent waiting for "Yes, correct"
    language_offered: bool = False
    answered_album: str = ""  # media_group_id already explained (one note per album)
    prompt_id: int | None = None  # the message holding the current step's buttons
    last_tap: str = ""  # "<message id>:<data>" of the last tap: the same tap again is no news
    # Offers beside the prompt (articles, the language switch): their buttons stay while the
    # step asked after them is current, and come off when the dialogue moves past it.
    offers: list[int] = field(default_factory=list)
    offers_step: str | None = None  # that step
    answers: dict[str, str] = field(default_factory=dict)  # message id -> field it answered
    long_part: str = ""  # "<step>:<date>" of a refused over-long part of a split paste
    receipt: str = ""
    ticket_id: int | None = None
    # Keys other routers keep in the same FSM data (after the receipt: follow-ups, the
    # chosen ticket): carried through unchanged, so saving the session never drops them.
    others: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, *, others: bool = True) -> dict[str, Any]:
        data = {**self.others} if others else {}
        data.update((k, v) for k, v in self.__dict__.items() if k not in ("draft", "others"))
        data["draft"] = self.draft.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Session:
        data = dict(data or {})
        known = set(cls.__dataclass_fields__)
        # A None where a flag has a value default is an older session's "unset" ("impact_chosen").
        kwargs = {
            k: v
            for k, v in data.items()
            if k in known and k not in ("draft", "others") and (v is not None or _nullable(k))
        }
        if data.get("return_to_review"):  # the flag's name before the session existed
            kwargs.setdefault("editing", True)
        others = {k: v for k, v in data.items() if k not in known and k != "return_to_review"}
        return cls(draft=TicketDraft.from_dict(data.get("draft")), others=others, **kwargs)


def _nullable(name: str) -> bool:
    """Flags whose default is None keep a stored None; the others fall back to the default."""
    return Session.__dataclass_fields__[name].default is None
