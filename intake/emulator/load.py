"""Load through the emulator: N simulated people each taking M steps, timed per step.

Reusable by benchmarks: the default step sends a text and waits for the bot's next message;
pass your own ``step`` to drive a whole dialogue (one step = one input and its answer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .server import BotAPIEmulator
from .users import SimulatedUser

__all__ = ["LoadReport", "echo_step", "percentile", "run_load"]

Step = Callable[[SimulatedUser, int], Awaitable[object]]


async def echo_step(user: SimulatedUser, index: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Send one text, wait for the bot's next message."""
    await user.send_text(f"message {index} from {user.id}")
    await user.next_message(timeout=timeout)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class LoadReport:
    users: int
    per_user: int
    updates: int  # updates delivered to the bot during the run (repeats included)
    elapsed: float
    latencies: list[float] = field(repr=False)  # seconds per completed step
    failures: list[str] = field(default_factory=list)

    @property
    def updates_per_second(self) -> float:
        return self.updates / self.elapsed if self.elapsed else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)

    def summary(self, label: str = "load") -> str:
        return (
            f"{label}: {self.users} users x {self.per_user} steps, {self.updates} updates in "
            f"{self.elapsed:.2f}s = {self.updates_per_second:.0f} updates/s; latency p50 "
            f"{self.p50 * 1000:.1f} ms, p99 {self.p99 * 1000:.1f} ms; "
            f"{len(self.failures)} failed steps"
        )


async def run_load(
    emu: BotAPIEmulator,
    *,
    users: int = 50,
    per_user: int = 20,
    step: Step = echo_step,
    make_user: Callable[[BotAPIEmulator, int], SimulatedUser] | None = None,
    first_user_id: int = 5_000_000,
    forget: bool = False,
) -> LoadReport:
    """Run every person's steps concurrently (each person waits for each answer, as people do).

    A step that raises counts as a failure (its message is kept) and ends that person's run.
    ``forget=True`` drops each person's chat from the emulator once their run ends, so the
    emulator's memory stays flat when measuring the bot's.
    """
    people = [
        make_user(emu, i) if make_user else emu.user(id=first_user_id + i, first_name=f"Load{i}")
        for i in range(users)
    ]
    latencies: list[float] = []
    failures: list[str] = []

    async def drive(user: SimulatedUser) -> None:
        for index in range(per_user):
            started = time.perf_counter()
            try:
                await step(user, index)
            except Exception as exc:
                failures.append(f"user {user.id} step {index}: {type(exc).__name__}: {exc}")
                break
            latencies.append(time.perf_counter() - started)
        if forget:
            emu.forget(user)

    before = emu.updates_delivered
    started = time.perf_counter()
    await asyncio.gather(*(drive(u) for u in people))
    elapsed = time.perf_counter() - started
    return LoadReport(
        users, per_user, emu.updates_delivered - before, elapsed, latencies, failures
    )
