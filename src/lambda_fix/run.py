"""Apply the fix to files on disk: read, fix, write or diff, one outcome each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from lambda_fix.core import Result, Status, fix_text
from lambda_fix.diff import unified_diff
from lambda_fix.files import FileError, read_dockerfile, write_atomic
from lambda_fix.options import Options


class Mode(str, enum.Enum):
    DIFF = "diff"
    WRITE = "write"
    CHECK = "check"


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file; `error` is set when it couldn't be read."""

    path: str
    result: Result | None
    error: str = ""
    written: bool = False
    diff: bytes = b""


def process_file(path: Path, display: str, options: Options, mode: Mode) -> FileOutcome:
    """Fix one file and, in write mode, replace it on disk."""
    try:
        data = read_dockerfile(path)
    except FileError as error:
        return FileOutcome(display, None, error=str(error))
    result = fix_text(data, options)
    if result.status is not Status.FIXED:
        return FileOutcome(display, result)
    # Every mode keeps the diff, because reports may show it.
    diff = unified_diff(display, data, result.output)
    if mode is Mode.WRITE:
        try:
            write_atomic(path, result.output, data)
        except FileError as error:
            return FileOutcome(display, result, error=str(error))
        except OSError as error:
            message = f"cannot write: {error.strerror}; check permissions"
            return FileOutcome(display, result, error=message)
        return FileOutcome(display, result, written=True, diff=diff)
    return FileOutcome(display, result, diff=diff)
