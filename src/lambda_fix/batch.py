"""Run the per-file fix over many files, in worker processes when it pays."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from lambda_fix.files import FilePolicy
from lambda_fix.plan import Job, file_options
from lambda_fix.pool import Pool
from lambda_fix.run import FileOutcome, Mode, process_file

# Below this many files per worker, starting processes costs more than it
# saves (about 0.1 ms of work per file against tens of ms per process).
MIN_FILES_PER_WORKER = 200
CHUNK_SIZE = 256


def process_all(
    jobs: Sequence[Job],
    mode: Mode,
    pool: Pool,
    policy: FilePolicy,
    with_diff: bool = True,
) -> Iterator[FileOutcome]:
    """Fix every file and yield the outcomes in the order of `jobs`.

    Outcomes are yielded as they arrive, so memory does not grow with the
    number of files. With one worker, or few files, everything runs in
    this process.
    """
    workers = min(pool.size, max(1, len(jobs) // MIN_FILES_PER_WORKER))
    if workers <= 1:
        for job in jobs:
            yield _process(job, mode, policy, with_diff)
        return
    executor = pool.executor(workers)
    chunks = (
        jobs[start : start + CHUNK_SIZE] for start in range(0, len(jobs), CHUNK_SIZE)
    )
    repeat = (len(jobs) + CHUNK_SIZE - 1) // CHUNK_SIZE
    results = executor.map(
        _process_chunk,
        chunks,
        [mode] * repeat,
        [policy] * repeat,
        [with_diff] * repeat,
    )
    for outcomes in results:
        yield from outcomes


def _process_chunk(
    chunk: list[Job], mode: Mode, policy: FilePolicy, with_diff: bool
) -> list[FileOutcome]:
    return [_without_output(_process(job, mode, policy, with_diff)) for job in chunk]


def _process(job: Job, mode: Mode, policy: FilePolicy, with_diff: bool) -> FileOutcome:
    path, display_name, settings, images, tree = job
    options = file_options(settings, path, images)
    return process_file(path, display_name, options, mode, tree, policy, with_diff)


def _without_output(outcome: FileOutcome) -> FileOutcome:
    # The worker has already written the file or made the diff, and the
    # parent only reports, so the fixed text need not be sent back.
    if outcome.result is None or not outcome.result.output:
        return outcome
    result = dataclasses.replace(outcome.result, output=b"")
    return dataclasses.replace(outcome, result=result)
