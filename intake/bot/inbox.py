"""The update side of the inbox: how an update is stored, and the check that a replayed one
is not applied twice.

``payload_of`` is the one serialisation used for storing and for telling a redelivery from
a different update. A replayed update (stored by a run that died before finishing it) whose
effect already reached the dialogue's state is not applied again: the user is shown where
the dialogue now stands instead (``already_applied``).
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import Update

from intake.storage.fsm import SQLiteStorage


def payload_of(update: Update) -> str:
    return update.model_dump_json(exclude_none=True)


async def already_applied(state: FSMContext | None, update_id: int) -> bool:
    """True when the dialogue's state was last written by this update or a later one."""
    if state is None or not isinstance(state.storage, SQLiteStorage):
        return False
    applied = await state.storage.applied_update(state.key)
    return applied is not None and applied >= update_id
