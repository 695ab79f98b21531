"""Run the per-file fix over many files, in worker processes when it pays."""

from __future__ import annotations

import collections
import dataclasses
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future

from lambda_fix.files import FilePolicy
from lambda_fix.plan import Job, file_options
from lambda_fix.pool import Pool
from lambda_fix.run import FileOutcome, Mode, process_file

# Below this many files per worker, starting processes costs more than it
# saves (about 0.1 ms of work per file against tens of ms per process), so
# runs of fewer than twice as many files stay in this process.
MIN_FILES_PER_WORKER = 200
CHUNK_SIZE = 256


def process_all(
    jobs: Iterable[Job],
    mode: Mode,
    pool: Pool,
    policy: FilePolicy,
    with_diff: bool = True,
) -> Iterator[FileOutcome]:
    """Fix every file and yield the outcomes in the order of `jobs`.

    `jobs` may be an iterator that walks the tree as it goes: it is read
    only a few chunks ahead of the outcomes yielded, so memory does not
    grow with the number of files. With one worker, or few files,
    everything runs in this process.
    """
    jobs = iter(jobs)
    first = list(itertools.islice(jobs, 2 * MIN_FILES_PER_WORKER))
    cwd = os.getcwd()
    if pool.size <= 1 or len(first) < 2 * MIN_FILES_PER_WORKER:
        for job in itertools.chain(first, jobs):
            yield _process(job, cwd, mode, policy, with_diff)
        return
    executor = pool.executor()
    chunks = _chunks(itertools.chain(first, jobs))
    pending: collections.deque[Future[list[FileOutcome]]] = collections.deque()

    def submit_next() -> None:
        chunk = next(chunks, None)
        if chunk is not None:
            future = executor.submit(_process_chunk, chunk, mode, policy, with_diff)
            pending.append(future)

    # Enough chunks in flight to keep every worker busy while the parent
    # prints, and no more, so that the walk stays just ahead of the fixes.
    for _ in range(2 * pool.size + 2):
        submit_next()
    # Outcomes of the chunk being yielded, kept here and not in a loop
    # variable, so that an interrupt finds the ones not yet yielded.
    current: collections.deque[FileOutcome] = collections.deque()
    try:
        while pending or current:
            if current:
                yield current.popleft()
                continue
            # The future leaves the queue only once done, so that an
            # interrupt while waiting for it still finds it below.
            current.extend(pending[0].result())
            pending.popleft()
            submit_next()
    except KeyboardInterrupt:
        # Files of chunks already with a worker may be written, so their
        # outcomes are still yielded before the interrupt goes on. The
        # consumer throws the interrupt in here if it got it first.
        yield from current
        for future in pending:
            if not future.cancel():
                yield from future.result()
        raise


def _chunks(jobs: Iterator[Job]) -> Iterator[list[Job]]:
    while chunk := list(itertools.islice(jobs, CHUNK_SIZE)):
        yield chunk


def _process_chunk(
    chunk: Sequence[Job], mode: Mode, policy: FilePolicy, with_diff: bool
) -> list[FileOutcome]:
    cwd = os.getcwd()
    return [
        _without_output(_process(job, cwd, mode, policy, with_diff)) for job in chunk
    ]


def _process(
    job: Job, cwd: str, mode: Mode, policy: FilePolicy, with_diff: bool
) -> FileOutcome:
    name, display_name, settings, images, tree = job
    # Absolute once here, so that later steps don't ask for the current
    # directory again and again.
    path = os.path.normpath(os.path.join(cwd, name))
    try:
        options = file_options(settings, path, images)
        return process_file(path, display_name, options, mode, tree, policy, with_diff)
    except Exception as error:
        # A bug met on one file fails that file, and the run goes on, so
        # that the files fixed in other workers are still reported.
        message = (
            f"internal error ({type(error).__name__}: {error}); the file was "
            "left as it was, please report this with the file"
        )
        return FileOutcome(display_name, None, error=message)


def _without_output(outcome: FileOutcome) -> FileOutcome:
    # The worker has already written the file or made the diff, and the
    # parent only reports, so the fixed text need not be sent back.
    if outcome.result is None or not outcome.result.output:
        return outcome
    result = dataclasses.replace(outcome.result, output=b"")
    return dataclasses.replace(outcome, result=result)
