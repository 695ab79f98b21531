"""Run the per-file fix over many files, in worker processes when it pays."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lambda_fix.options import Options
from lambda_fix.run import FileOutcome, Mode, process_file

# Below this many files, starting worker processes costs more than it saves.
MIN_FILES_PER_WORKER = 200
CHUNK_SIZE = 256

Job = tuple[Path, str, Options]


def default_jobs() -> int:
    """Return the number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call.
        return os.cpu_count() or 1


def process_all(jobs: Sequence[Job], mode: Mode, workers: int) -> list[FileOutcome]:
    """Fix every file; return the outcomes sorted by displayed path.

    With workers == 1 (or few files) everything runs in this process.
    """
    workers = min(workers, max(1, len(jobs) // MIN_FILES_PER_WORKER))
    if workers <= 1:
        outcomes = [
            process_file(path, shown, options, mode) for path, shown, options in jobs
        ]
    else:
        chunks = [
            list(jobs[i : i + CHUNK_SIZE]) for i in range(0, len(jobs), CHUNK_SIZE)
        ]
        with ProcessPoolExecutor(workers, mp_context=_context()) as executor:
            outcomes = [
                outcome
                for chunk in executor.map(_process_chunk, chunks, [mode] * len(chunks))
                for outcome in chunk
            ]
    return sorted(outcomes, key=lambda outcome: outcome.path.split("/"))


def _process_chunk(chunk: list[Job], mode: Mode) -> list[FileOutcome]:
    return [
        _without_output(process_file(path, shown, options, mode))
        for path, shown, options in chunk
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
