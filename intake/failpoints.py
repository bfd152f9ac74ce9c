"""Named points where the reliability tests make the process die, deterministically.

``INTAKE_FAILPOINT=after_inbox_store`` (say) makes the process SIGKILL itself the first
time it reaches that point, exactly as a power cut or ``kill -9`` would at the worst
moment. Unset (always, outside those tests) a point costs one comparison.
"""

from __future__ import annotations

import os
import signal

_ARMED = os.environ.get("INTAKE_FAILPOINT") or None


def hit(name: str) -> None:
    if _ARMED is not None and _ARMED == name:
        os.kill(os.getpid(), signal.SIGKILL)
