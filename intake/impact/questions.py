"""Which level the user's answers mean, what their own words suggest, and overrides.

The dialogue asks at most three yes/no questions, most severe first; the first "yes" decides.
Before the questions, ``suggest_from_text`` may pre-select a level from the user's description,
which the user confirms or changes: never applied silently. A user may choose another level
than the suggested one, with a reason; both are kept on the ticket (``apply_override``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from intake.draft import TicketDraft
from intake.i18n import N_
from intake.impact.levels import EMERGENCY, HIGHLY_DEGRADED, LOW, MEDIUM, Level, get_level

YES = "yes"
NO = "no"
REASON_MAX = 500


@dataclass(frozen=True)
class Question:
    """A yes/no question. ``yes`` is the level a "yes" decides; ``no`` the level a "no"
    decides, or None when a "no" leads on to the next question."""

    key: str
    text: str  # N_ msgid
    yes: str
    no: str | None = None


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="unusable",
        text=N_(
            "Is Orangesky completely unusable for everyone, for example showing 502 errors "
            "to all users?"
        ),
        yes=EMERGENCY.key,
    ),
    Question(
        key="degraded",
        text=N_(
            "Are important features unavailable or extremely slow, with no workaround you "
            "can accept?"
        ),
        yes=HIGHLY_DEGRADED.key,
    ),
    Question(
        key="workaround",
        text=N_(
            "Is something stopping you from using Orangesky normally, while a workaround "
            "keeps you going for now?"
        ),
        yes=MEDIUM.key,
        no=LOW.key,
    ),
)


def question_text(key: str) -> str:
    """The question (its English text) behind an answer's key, for staff; the key if unknown."""
    return next((q.text for q in QUESTIONS if q.key == key), key)


BY_KEY: Mapping[str, Question] = {q.key: q for q in QUESTIONS}


def _answer(answers: Mapping[str, str], key: str) -> str | None:
    value = answers.get(key)
    if value is None:
        return None
    normalized = str(value).strip().lower()
    if normalized not in (YES, NO):
        raise ValueError(f"answer to {key!r} must be 'yes' or 'no', got {value!r}")
    return normalized


def _walk(answers: Mapping[str, str]) -> Question | Level:
    """The next unanswered question, or the level the answers decide."""
    for question in QUESTIONS:
        answer = _answer(answers, question.key)
        if answer is None:
            return question
        if answer == YES:
            return get_level(question.yes)
        if question.no is not None:
            return get_level(question.no)
    raise AssertionError("unreachable: the last question decides on 'no'")  # pragma: no cover


def next_question(answers: Mapping[str, str]) -> Question | None:
    """The next question to ask, or None once the answers decide a level.

    Answers are {question key: "yes" | "no"}; answers after the deciding one are ignored.
    """
    step = _walk(answers)
    return step if isinstance(step, Question) else None


def decide(answers: Mapping[str, str]) -> Level:
    """The level the answers mean. Raises ValueError while a needed answer is missing."""
    step = _walk(answers)
    if isinstance(step, Question):
        raise ValueError(f"question {step.key!r} is not answered yet")
    return step


class OverrideError(ValueError):
    """An override the dialogue should refuse; ``message`` is an N_ msgid to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Override:
    """The suggested level, the level the user chose, and why they differ (if they do)."""

    suggested: Level
    chosen: Level
    reason: str = ""
    answers: Mapping[str, str] = field(default_factory=dict)

    @property
    def overridden(self) -> bool:
        return self.suggested != self.chosen

    @classmethod
    def create(
        cls,
        suggested: str | Level,
        chosen: str | Level,
        reason: str = "",
        answers: Mapping[str, str] | None = None,
    ) -> Override:
        """Validate and build. A different level needs a reason (at most REASON_MAX chars);
        a confirmed suggestion keeps no reason."""
        suggested_level, chosen_level = get_level(suggested), get_level(chosen)
        reason = " ".join((reason or "").split())
        if suggested_level == chosen_level:
            reason = ""
        elif not reason:
            raise OverrideError(N_("Please tell us briefly why you chose a different level."))
        elif len(reason) > REASON_MAX:
            raise OverrideError(N_("Please keep the reason under 500 characters."))
        return cls(suggested_level, chosen_level, reason, dict(answers or {}))


def apply_override(draft: TicketDraft, override: Override) -> TicketDraft:
    """A copy of the draft carrying the chosen level, the suggestion, the reason and answers."""
    return dataclasses.replace(
        draft,
        impact=override.chosen.key,
        impact_suggested=override.suggested.key,
        impact_reason=override.reason,
        impact_answers={k: str(v) for k, v in override.answers.items()},
    )


# --- suggestions from the user's own words --------------------------------------------------
# Checked most severe first; the first level with a matching rule wins. English rules use word
# boundaries ("down" must not match "download"); Chinese has no spaces, so plain substrings.
# fmt: off
_RULES: tuple[tuple[Level, tuple[str, ...]], ...] = (
    (
        EMERGENCY,
        (
            r"\b50[234]\b",
            r"\bbad gateway\b",
            r"\bservice unavailable\b",
            r"\boutage\b",
            r"\bdowntime\b",
            r"\b(?:is|are|was|were|went|goes|gone|been|be|seems|looks|completely|totally|"
            r"entirely|still|all|server|site|service|instance|cluster|system|orangesky|"
            r"production|prod|everything|website)\s+down\b",
            r"\bdown\s+(?:for|since)\b",
            r"\ball (?:of )?(?:our |the |my )?users\b",
            r"\b(?:nobody|no one|no-one) can\b",
            r"\b(?:completely|totally|entirely) (?:unusable|unavailable|broken|inaccessible)\b",
            "完全无法使用", "完全不能用", "完全用不了", "宕机", "当机", "挂了", "瘫痪",
            "服务中断", "停机", "所有用户", "全部用户", "所有人都", "没有人能",
        ),
    ),
    (
        HIGHLY_DEGRADED,
        (
            r"\b(?:extremely|very|really|terribly|incredibly|super|unbearably) slow\b",
            r"\b(?:can ?not|can't|cant|unable to|could not|couldn't) (?:log ?in|sign ?in)\b",
            r"\blog ?in (?:fails|failed|failure|broken)\b",
            r"\bcrash(?:es|ed|ing)?\b",
            r"\btim(?:es|ed|ing) out\b",
            r"\btimeouts?\b",
            r"\b(?:hangs|freezes|frozen)\b",
            r"\bunusable\b",
            r"\bno (?:acceptable )?work-?arounds?\b",
            r"\bwithout (?:a |any )?work-?arounds?\b",
            "无法登录", "不能登录", "登录不了", "登不上", "崩溃", "闪退", "非常慢", "特别慢",
            "极慢", "超级慢", "太慢", "卡死", "超时", "没有变通", "没有临时解决", "无法绕过",
            "无法使用", "不能用了", "用不了", "无法访问", "打不开",
        ),
    ),
    (
        MEDIUM,
        (
            r"\bwork-?arounds?\b",
            r"\bwork around\b",
            r"\bbugs?\b",
            r"\berrors?\b",
            r"\b(?:doesn't|does not|don't|do not|isn't|is not|not) work(?:ing)?\b",
            r"\bbroken\b",
            r"\bfail(?:s|ed|ing|ure)?\b",
            r"\bslow(?:er|ly|ness)?\b",
            "变通", "临时解决", "绕过", "错误", "报错", "出错", "故障", "异常", "不正常",
            "不能正常", "无法正常", "失败", "变慢", "有点慢", "比较慢", "慢",
        ),
    ),
    (
        LOW,
        (
            r"\bquestions?\b",
            r"\bhow (?:do|can|should|to|does)\b",
            r"\bis (?:it|there) (?:possible|a way)\b",
            r"\bwhere (?:can|do|is)\b",
            r"\b(?:documentation|docs)\b",
            r"\b(?:clarification|clarify)\b",
            r"\b(?:feature request|enhancement|suggestion)\b",
            "如何", "怎么", "怎样", "请问", "咨询", "文档", "能否", "是否可以", "可不可以",
            "建议", "功能请求", "疑问",
        ),
    ),
)
# fmt: on
_COMPILED = tuple(
    (level, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
    for level, patterns in _RULES
)


def suggest_from_text(text: str | None) -> Level | None:
    """A level the user's own words suggest, for them to confirm; None when nothing matches.

    NFKC folds full-width digits and letters to ASCII first (Chinese keyboards type them),
    and typographic apostrophes become plain ones.
    """
    if not text:
        return None
    normalized = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    for level, pattern in _COMPILED:
        if pattern.search(normalized):
            return level
    return None
