"""Worker processes, shared by reading CDK code and fixing files.

The processes start on first use. Reading CDK code can start them while
the parent still walks the tree, so the slow libcst import and parse run
beside the walk, and the fix reuses them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType


def default_jobs() -> int:
    """Return the number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call.
        return os.cpu_count() or 1


class Pool:
    """Up to `size` worker processes, started on first use.

    Use it as a context manager, so that the workers stop when the run
    ends.
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._executor: ProcessPoolExecutor | None = None

    def executor(self, workers: int | None = None) -> ProcessPoolExecutor:
        """Return the running executor, or start one with `workers` processes."""
        if self._executor is None:
            count = min(self.size, workers or self.size)
            # Output still buffered here would be written again by each
            # worker when it exits.
            sys.stdout.flush()
            sys.stderr.flush()
            # Objects that exist now are never collected in the workers, so
            # their garbage collector does not copy the parent's memory
            # page by page.
            gc.freeze()
            self._executor = ProcessPoolExecutor(
                max(1, count), mp_context=_context(), initializer=_ignore_interrupts
            )
        return self._executor

    def reset(self) -> None:
        """Drop an executor whose worker died; the next call starts afresh."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        self.reset()
        gc.unfreeze()

    def __enter__(self) -> Pool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _ignore_interrupts() -> None:
    # Ctrl-C and SIGTERM reach the whole process group. The parent stops
    # the run, and each worker finishes the chunk it is on, so that no file
    # is left half written and no temporary file is left behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    # On Linux, fork starts workers without importing lambda_fix again.
    # Elsewhere the platform default is kept (spawn on macOS and Windows).
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
