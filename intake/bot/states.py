"""The intake dialogue's states, derived from ``intake.dialogue.STEPS`` (one State per step,
in the dialogue's order), so a step cannot exist in one place and not the other."""

from aiogram.fsm.state import State, StatesGroup

from intake.dialogue import STEPS

# ``class Intake(StatesGroup): summary = State() ...`` written from the table: StatesGroup's
# metaclass names each State "Intake:<step>" exactly as for a class statement.
Intake: type[StatesGroup] = type(StatesGroup)(
    "Intake",
    (StatesGroup,),
    {"__module__": __name__, **{step.name: State() for step in STEPS}},
)


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
