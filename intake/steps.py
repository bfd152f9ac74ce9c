"""The order of the intake steps and where Back and Next lead. Plain Python.

Sub-steps (impact_reason) and the optional account step live here too, so the aiogram
handlers never hard-code the order.
"""

from __future__ import annotations

ORDER = (
    "summary",
    "browser",
    "browser_version",
    "os",
    "os_version",
    "product_version",
    "extra",
    "impact",
    "description",
    "attachments",
    "account",
    "review",
)

# Fields of the review card and the step that edits each.
EDITABLE = {
    "summary": "summary",
    "browser": "browser",
    "browser_version": "browser_version",
    "os": "os",
    "os_version": "os_version",
    "product_version": "product_version",
    "extra": "extra",
    "impact": "impact",
    "description": "description",
    "attachments": "attachments",
    "account": "account",
}


def _order(with_account: bool) -> tuple[str, ...]:
    return ORDER if with_account else tuple(s for s in ORDER if s != "account")


def next_step(step: str, *, with_account: bool) -> str:
    if step == "welcome":
        return "summary"
    if step == "impact_reason":
        step = "impact"
    order = _order(with_account)
    index = order.index(step)
    return order[min(index + 1, len(order) - 1)]


def previous_step(step: str, *, with_account: bool) -> str | None:
    """None when there is nothing before (the first question)."""
    if step == "impact_reason":
        return "impact"
    if step in ("welcome", "done"):
        return None
    order = _order(with_account)
    index = order.index(step)
    return order[index - 1] if index > 0 else None
