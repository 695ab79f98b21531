"""Run the per-file fix over many files, in worker processes when it pays."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lambda_fix.files import FilePolicy
from lambda_fix.options import Options
from lambda_fix.run import FileOutcome, Mode, process_file

# Below this many files per worker, starting processes costs more than it
# saves (about 0.1 ms of work per file against tens of ms per process).
MIN_FILES_PER_WORKER = 200
CHUNK_SIZE = 256

# (path of the file, path as shown to the user, options for that file, the
# tree that a symbolic link must not lead out of)
Job = tuple[str, str, Options, Path]


def default_jobs() -> int:
    """Return the number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call.
        return os.cpu_count() or 1


def process_all(
    jobs: Sequence[Job],
    mode: Mode,
    workers: int,
    policy: FilePolicy,
    with_diff: bool = True,
) -> Iterator[FileOutcome]:
    """Fix every file and yield the outcomes in the order of `jobs`.

    Outcomes are yielded as they arrive, so memory does not grow with the
    number of files. With workers == 1, or few files, everything runs in
    this process.
    """
    workers = min(workers, max(1, len(jobs) // MIN_FILES_PER_WORKER))
    if workers <= 1:
        for path, display_name, options, tree in jobs:
            yield process_file(
                Path(path), display_name, options, mode, tree, policy, with_diff
            )
        return
    context = _context()
    starts = range(0, len(jobs), CHUNK_SIZE)
    chunks = [list(jobs[start : start + CHUNK_SIZE]) for start in starts]
    # Objects that exist now are never collected in the workers, so their
    # garbage collector does not copy the parent's memory page by page.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as executor:
            repeat = len(chunks)
            results = executor.map(
                _process_chunk,
                chunks,
                [mode] * repeat,
                [policy] * repeat,
                [with_diff] * repeat,
            )
            for outcomes in results:
                yield from outcomes
    finally:
        gc.unfreeze()


def _process_chunk(
    chunk: list[Job], mode: Mode, policy: FilePolicy, with_diff: bool
) -> list[FileOutcome]:
    return [
        _without_output(
            process_file(
                Path(path), display_name, options, mode, tree, policy, with_diff
            )
        )
        for path, display_name, options, tree in chunk
    ]


def _without_output(outcome: FileOutcome) -> FileOutcome:
    # The worker has already written the file or made the diff, and the
    # parent only reports, so the fixed text need not be sent back.
    if outcome.result is None or not outcome.result.output:
        return outcome
    result = dataclasses.replace(outcome.result, output=b"")
    return dataclasses.replace(outcome, result=result)


def _context() -> multiprocessing.context.BaseContext:
    # On Linux, fork starts workers without importing lambda_fix again.
    # Elsewhere the platform default is kept (spawn on macOS and Windows).
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
