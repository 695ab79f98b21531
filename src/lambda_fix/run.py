"""Apply the fix to files on disk: read, fix, write or diff, one outcome each."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path

from lambda_fix.core import Result, Status, fix_text
from lambda_fix.diff import unified_diff
from lambda_fix.files import (
    FileError,
    FilePolicy,
    OpenDockerfile,
    SkippedFile,
    resolve_in_tree,
    tree_for_file,
)
from lambda_fix.options import Options


class Mode(str, enum.Enum):
    DIFF = "diff"
    WRITE = "write"
    CHECK = "check"


@dataclass(frozen=True)
class FileOutcome:
    """The outcome for one file.

    `error` is set when it couldn't be read or written, and `skipped` when
    it was left alone before the fix ran, such as a symbolic link.
    """

    path: str
    result: Result | None
    error: str = ""
    written: bool = False
    diff: bytes = b""
    skipped: str = ""


def process_file(
    path: str | Path,
    display: str,
    options: Options,
    mode: Mode,
    tree: str | Path | None = None,
    policy: FilePolicy | None = None,
    with_diff: bool = True,
) -> FileOutcome:
    """Fix one file and, in write mode, replace it on disk.

    `tree` is the directory the file was found in; lambda-fix never writes
    outside it through a symbolic link. `with_diff` keeps the diff of a fix
    in the outcome, in any mode, for the output formats that show it.
    """
    policy = policy or FilePolicy()
    if "\n" in display or "\r" in display:
        shown = display.replace("\n", "\\n").replace("\r", "\\r")
        message = (
            "the file name contains a line break, which would break the diff "
            "and the one-line report; rename the file"
        )
        return FileOutcome(shown, None, error=message)
    try:
        real = resolve_in_tree(path, tree or tree_for_file(path), policy)
        opened = OpenDockerfile(real, policy.max_size)
    except SkippedFile as skip:
        return FileOutcome(display, None, skipped=str(skip))
    except FileError as error:
        return FileOutcome(display, None, error=str(error))
    with opened:
        data = opened.data
        result = fix_text(data, options)
        if result.status is not Status.FIXED:
            return FileOutcome(display, result)
        # A followed link's diff names the target, so `git apply` patches
        # the file and not the link.
        diff = b""
        if with_diff:
            same = real == os.path.abspath(path)
            name = display if same else _relative(real)
            diff = unified_diff(name, data, result.output)
        if mode is Mode.WRITE:
            return _write(opened, display, result, diff)
    return FileOutcome(display, result, diff=diff)


def _relative(path: str) -> str:
    cwd = Path.cwd()
    real = Path(path)
    return real.relative_to(cwd).as_posix() if real.is_relative_to(cwd) else path


def _write(
    opened: OpenDockerfile, display: str, result: Result, diff: bytes
) -> FileOutcome:
    try:
        opened.replace(result.output)
    except FileError as error:
        return FileOutcome(display, result, error=str(error))
    except OSError as error:
        message = (
            f"cannot write: {error.strerror}; the file was left as it was, so "
            "check the disk and the directory's permissions and run again"
        )
        return FileOutcome(display, result, error=message)
    return FileOutcome(display, result, written=True, diff=diff)
