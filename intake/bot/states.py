"""The intake dialogue's states, derived from ``intake.dialogue.STEPS`` (one State per step,
in the dialogue's order), so a step cannot exist in one place and not the other."""

from typing import TYPE_CHECKING, cast

from aiogram.fsm.state import State, StatesGroup, StatesGroupMeta

from intake.dialogue import STEPS

if TYPE_CHECKING:
    # What a type checker may know of the generated class: a StatesGroup whose other class
    # attributes are the steps' States. It cannot list them (they come from the table at
    # run time); a misspelt ``Intake.x`` still fails (AttributeError) when the routers are built.
    class _StepsMeta(StatesGroupMeta):
        def __getattr__(cls, step: str) -> State: ...

    class _Intake(StatesGroup, metaclass=_StepsMeta): ...


# ``class Intake(StatesGroup): summary = State() ...`` written from the table: StatesGroup's
# metaclass names each State "Intake:<step>" exactly as for a class statement.
Intake = cast(
    "type[_Intake]",
    StatesGroupMeta(
        "Intake",
        (StatesGroup,),
        {"__module__": __name__, **{step.name: State() for step in STEPS}},
    ),
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
