"""Read Dockerfiles and write fixes back without ever leaving half a file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

MAX_SIZE = 1024 * 1024


class FileError(Exception):
    """A file that can't be read or written; the message names the fix."""


def read_dockerfile(path: Path, max_size: int = MAX_SIZE) -> bytes:
    """Read a file's bytes, rejecting what can't be a Dockerfile."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileError("file not found; check the path") from None
    except OSError as error:
        raise FileError(f"cannot read: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileError("is a directory named like a Dockerfile; exclude it")
    if info.st_size > max_size:
        raise FileError(
            f"file is {info.st_size} bytes, over the {max_size}-byte limit; "
            "raise --max-file-size or exclude it"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileError(f"cannot read: {error.strerror}; check permissions") from None
    if b"\0" in data:
        raise FileError("contains NUL bytes, so it is not a text Dockerfile")
    return data


def write_atomic(path: Path, data: bytes, original: bytes) -> None:
    """Replace a file's content in one rename, keeping its mode.

    Raises FileError if the file no longer holds `original`, so a change
    made by someone else since it was read is never overwritten.
    """
    info = path.stat()
    directory = path.parent
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".lambda-fix", dir=directory
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        # Only root may give a file away; the mode is kept either way.
        with contextlib.suppress(OSError):
            os.chown(temporary, info.st_uid, info.st_gid)
        if path.read_bytes() != original:
            raise FileError("changed on disk while lambda-fix ran; run it again")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
