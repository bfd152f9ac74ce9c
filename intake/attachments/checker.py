"""Running the attachment policy off the event loop: a process pool with limits.

OCR and PDF parsing take from a tenth of a second to several seconds of CPU, which must never
stall the bot's other conversations. ``AttachmentChecker`` runs ``policy.check`` in worker
processes (forkserver, or spawn where there is none; never fork, which would copy the bot's
event loop and sockets), with

- a bounded queue: at most ``max_queue`` files admitted at once, the rest wait their turn;
- a per-file time limit that starts when a worker takes the file, not while it queues;
- recovery: a file that runs over its limit, or a worker that dies, gives an 'unchecked'
  verdict, and the pool is killed and started again.

Tesseract runs inside each worker (tesserocr) with its models loaded once per worker: a
recycle costs a model load (about a second), not each image.

It starts nothing until the first file, and ``check`` never raises (except cancellation).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from intake.attachments import policy
from intake.attachments.policy import Verdict

WORKER_NICENESS = 10


def _worker_init() -> None:
    """Each worker: one thread for Tesseract, a lower priority, its own process group, and
    Tesseract's models loaded once, before the first screenshot waits for them.

    With two workers busy on two cores the bot's own process must still be scheduled at
    once: the niceness keeps the event loop answering.
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads libtesseract
    _die_with_parent()
    if hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICENESS)
        except OSError:
            pass
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # so a recycle can kill the worker and anything it started
    from intake.attachments import ocr
    from intake.language import english_words

    english_words()
    ocr.warm()


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that forked it dies.

    Workers are forked by the forkserver, which itself exits when the bot does; without
    this a ``kill -9`` of the bot left a set of idle workers (about 93 MB) per crash.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(0)
    except (OSError, AttributeError):
        pass


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["intake.attachments.policy"])
        return context
    return multiprocessing.get_context("spawn")


class AttachmentChecker:
    def __init__(self, max_workers: int = 2, max_queue: int = 16, timeout_s: float = 30.0) -> None:
        self.max_workers = max_workers
        self.max_queue = max(max_queue, max_workers)
        self.timeout_s = timeout_s
        self._pool: ProcessPoolExecutor | None = None
        self._admitted: asyncio.Semaphore | None = None
        self._running: asyncio.Semaphore | None = None
        self.recycles = 0

    @property
    def started(self) -> bool:
        """Whether worker processes are up: none until the first file, none after a recycle."""
        return self._pool is not None

    def worker_pids(self) -> list[int]:
        """The pool's worker processes, for operators and tests that need to see or kill one."""
        processes = (getattr(self._pool, "_processes", None) or {}).values()
        return [process.pid for process in processes if process.pid is not None]

    def recycle(self) -> None:
        """Kill the current pool, as a file over its time limit does; the next file starts anew."""
        if self._pool is not None:
            self._recycle(self._pool)

    def _semaphores(self) -> tuple[asyncio.Semaphore, asyncio.Semaphore]:
        if self._admitted is None or self._running is None:
            self._admitted = asyncio.Semaphore(self.max_queue)
            self._running = asyncio.Semaphore(self.max_workers)
        return self._admitted, self._running

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.max_workers, mp_context=_context(), initializer=_worker_init
            )
        return self._pool

    async def check(self, data: bytes, file_name: str | None, mime_type: str | None) -> Verdict:
        """The policy's verdict on one file, computed in a worker process."""
        if len(data) > policy.MAX_BYTES:  # not worth copying into a worker
            return policy.check(data, file_name, mime_type)
        admitted, running = self._semaphores()
        async with admitted, running:
            for attempt in range(2):
                pool = self._ensure_pool()
                loop = asyncio.get_running_loop()
                try:
                    future = loop.run_in_executor(pool, policy.check, data, file_name, mime_type)
                    return await asyncio.wait_for(future, self.timeout_s)
                except TimeoutError:
                    self._recycle(pool)
                    return policy.unchecked(
                        policy.Reason.TIMEOUT,
                        f"Checking the file took longer than {self.timeout_s:g} s.",
                        int(self.timeout_s * 1000),
                    )
                except BrokenProcessPool:
                    # A worker died (killed, out of memory) or another file's timeout
                    # recycled the pool under us: try once more on a fresh pool.
                    self._recycle(pool)
                    if attempt:
                        return policy.unchecked(
                            policy.Reason.TIMEOUT, "The checking process stopped unexpectedly."
                        )
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is None or task.cancelling() or attempt:
                        raise  # our caller was cancelled: let it go
                    # Only the pool's future was cancelled (a recycle): try a fresh pool.
                    self._recycle(pool)
                except Exception as exc:
                    return policy.unchecked(
                        policy.Reason.CORRUPT,
                        f"The file could not be checked ({type(exc).__name__}).",
                    )
        raise AssertionError("unreachable")  # pragma: no cover

    def check_text(self, text: str) -> Verdict:
        """Typed text is cheap: checked right here, no pool needed."""
        return policy.check_text(text)

    def _recycle(self, pool: ProcessPoolExecutor) -> None:
        """Kill a pool that holds a stuck or dead worker; the next check starts a new one."""
        if self._pool is not pool:
            return  # already replaced by another file's recycle
        self._pool = None
        self.recycles += 1
        _kill(pool)

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            _kill(pool)
            await asyncio.to_thread(pool.shutdown, wait=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False)  # queued files fail with BrokenProcessPool and retry
    for process in processes:
        pid = process.pid
        if pid is None:
            continue
        try:
            os.killpg(pid, signal.SIGKILL)  # the worker's whole process group
        except (ProcessLookupError, PermissionError, AttributeError, OSError):
            try:
                process.kill()
            except (ProcessLookupError, OSError):
                pass
