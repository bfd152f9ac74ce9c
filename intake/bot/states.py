"""The intake dialogue's states, declared once. Order matters: it is the order of the steps."""

from aiogram.fsm.state import State, StatesGroup


class Intake(StatesGroup):
    welcome = State()
    summary = State()
    browser = State()
    browser_version = State()
    os = State()
    os_version = State()
    product_version = State()
    extra = State()
    impact = State()
    impact_reason = State()
    description = State()
    attachments = State()
    account = State()
    review = State()
    done = State()


def step_of(state_name: str | None) -> str | None:
    """'Intake:summary' -> 'summary'; None for no state or a state of another group."""
    if not state_name or not state_name.startswith("Intake:"):
        return None
    return state_name.split(":", 1)[1]


def state_of(step: str) -> State:
    state = getattr(Intake, step, None)
    if not isinstance(state, State):
        raise KeyError(step)
    return state
