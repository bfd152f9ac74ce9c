"""A Bot API request as the method handlers see it: typed parameters, uploads, hooks."""

from __future__ import annotations

import builtins
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from .errors import bad_request
from .state import BotState

__all__ = ["Call", "Handler", "Params", "Upload"]


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None


class Params:
    """Request parameters from form fields (strings, JSON-encoded objects) or a JSON body."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.uploads = uploads or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    # The methods are named after the types they return, so inside the class body ``str`` and
    # ``int`` mean the methods: annotations after them name the builtins explicitly.
    @overload
    def str(self, name: builtins.str, *, required: Literal[True]) -> builtins.str: ...
    @overload
    def str(
        self, name: builtins.str, *, required: builtins.bool = False
    ) -> builtins.str | None: ...
    def str(self, name: builtins.str, *, required: builtins.bool = False) -> builtins.str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value)

    @overload
    def int(self, name: builtins.str, *, required: Literal[True]) -> builtins.int: ...
    @overload
    def int(self, name: builtins.str, *, default: builtins.int) -> builtins.int: ...
    @overload
    def int(
        self,
        name: builtins.str,
        *,
        required: builtins.bool = False,
        default: builtins.int | None = None,
    ) -> builtins.int | None: ...
    def int(
        self,
        name: builtins.str,
        *,
        required: builtins.bool = False,
        default: builtins.int | None = None,
    ) -> builtins.int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: builtins.str) -> builtins.bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: builtins.str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


@dataclass
class Call:
    """One Bot API request: which bot, its parameters, and hooks into the emulator."""

    bot: BotState
    params: Params
    on_webhook_change: Callable[[BotState], None] = field(default=lambda bot: None)


Handler = Callable[[Call], Any | Awaitable[Any]]
