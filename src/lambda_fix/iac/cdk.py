"""Lambda images declared in AWS CDK apps written in Python.

`DockerImageCode.from_image_asset(directory, file=..., target=...,
build_args={...})` (and `Code.from_asset_image`) build a function image
from a Dockerfile. The code is parsed with libcst and never run, so only
values that are visible in the source are resolved: string literals,
`os.path.join`/`os.path.dirname` on literals and `__file__`, pathlib
joins on `Path(__file__).parent`, and names assigned exactly once from
such expressions. A relative directory is taken relative to the CDK app
directory (the nearest parent with cdk.json), where `cdk synth` runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from lambda_fix.files import FileError, read_small_file
from lambda_fix.iac import Declarations, SourceNote
from lambda_fix.pool import Pool

# Only files containing one of these are parsed: importing libcst alone
# takes about 150 ms, and a monorepo contains many unrelated Python files.
_MARKERS = (b"from_image_asset", b"from_asset_image")
# Python files larger than this are not read: libcst takes seconds and
# hundreds of megabytes on them, and CDK modules are far smaller.
MAX_PYTHON_SIZE = 256 * 1024


def read_python_files(paths: Iterable[Path]) -> Declarations:
    """Read the Python files that mention an image asset, in this process."""
    return PythonReader(None).read(paths)


class PythonReader:
    """Parse Python files of CDK apps, in worker processes if given a pool.

    With a pool, `start` hands a file to a worker as soon as the walk finds
    it, so the libcst import and parse run beside the walk. A worker that
    crashes, as libcst can on pathological code, costs only that file.
    """

    def __init__(self, pool: Pool | None) -> None:
        self._pool = pool
        # Each file started: a worker's future, or a note on why it was not
        # read, or None when it mentions no image asset.
        self._started: dict[
            Path, tuple[bytes, Future[Declarations]] | SourceNote | None
        ] = {}

    def start(self, path: Path) -> None:
        """Start parsing a Python file in a worker, if it mentions an asset."""
        if self._pool is None or path in self._started or path.suffix != ".py":
            return
        data = _candidate(path)
        if not isinstance(data, bytes):
            self._started[path] = data
            return
        future = self._pool.executor().submit(parse, path, data)
        self._started[path] = (data, future)

    def read(self, paths: Iterable[Path]) -> Declarations:
        """Return what the files declare, in the order given."""
        found = Declarations()
        for path in paths:
            self.start(path)
            started = _candidate(path) if self._pool is None else self._started[path]
            if isinstance(started, bytes):
                found.extend(parse(path, started))
            elif isinstance(started, SourceNote):
                found.unresolved.append(started)
            elif started is not None:
                found.extend(self._result(path, *started))
        return found

    def _result(
        self, path: Path, data: bytes, future: Future[Declarations]
    ) -> Declarations:
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        # A worker died, and every file it had queued failed with it. Each
        # gets a process of its own, so that only the one that crashes the
        # parser is reported.
        assert self._pool is not None
        self._pool.reset()
        with Pool(1) as alone:
            try:
                return alone.executor().submit(parse, path, data).result()
            except BrokenProcessPool:
                message = "not read: the Python parser (libcst) crashed on it"
                return Declarations(unresolved=[SourceNote(path, 1, message)])


def parse(path: Path, data: bytes) -> Declarations:
    """Parse one module; imports libcst."""
    from lambda_fix.iac.cdk_parse import read_python_source

    return read_python_source(path, data)


def _candidate(path: Path) -> bytes | SourceNote | None:
    """Return a file's bytes if it mentions an image asset, or a note if unreadable."""
    try:
        data = read_small_file(path, MAX_PYTHON_SIZE)
    except FileError as error:
        return SourceNote(path, 1, f"not read: {error}")
    return data if any(marker in data for marker in _MARKERS) else None
