"""Read Dockerfiles and write fixes back without ever leaving half a file.

A file is opened through a descriptor of its directory, with O_NOFOLLOW, so
the file that is read and the file that is replaced are the same directory
entry. A fix is written to a temporary file in that directory, flushed to
disk and renamed over the original, so a reader sees either the old or the
new bytes, never a mix.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

MAX_SIZE = 1024 * 1024

_TEMPORARY_SUFFIX = ".lambda-fix.tmp"
_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class FileError(Exception):
    """A file that can't be read or written; the message names the fix."""


class SkippedFile(Exception):
    """A file left alone on purpose, such as a symbolic link."""


@dataclass(frozen=True)
class FilePolicy:
    """Limits on which files lambda-fix reads and writes."""

    max_size: int = MAX_SIZE
    follow_internal_symlinks: bool = False


def tree_for_file(path: str | Path) -> Path:
    """Return the tree a file given by name belongs to.

    That is the current directory when the file lies below it, and the
    file's own directory otherwise.
    """
    cwd = Path.cwd()
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(cwd):
        return cwd
    return absolute.parent


def resolve_in_tree(path: str | Path, tree: str | Path, policy: FilePolicy) -> str:
    """Return the real path to work on, or raise SkippedFile for a link.

    A path counts as a link when any component between `tree` and the file
    is a symbolic link. Links are skipped unless the policy follows links
    whose target lies inside `tree`. A link that leads outside it is always
    skipped, so a hostile change can't aim a write at another file.
    """
    # Strings, not Path objects: this runs once per file of a monorepo.
    absolute = os.path.abspath(path)
    tree_absolute = os.path.join(os.path.abspath(tree), "")
    if not absolute.startswith(tree_absolute):
        raise SkippedFile(f"is outside {tree}, the tree being fixed")
    real_tree = _real_directory(tree_absolute.rstrip(os.sep) or os.sep)
    real = _real_path(absolute)
    if real == os.path.join(real_tree, absolute[len(tree_absolute) :]):
        return real
    if not os.path.lexists(absolute):
        return real
    if not real.startswith(os.path.join(real_tree, "")):
        raise SkippedFile(
            f"is a symbolic link to {real}, outside {real_tree}; lambda-fix "
            "never writes outside the tree it fixes"
        )
    if not os.path.exists(real):
        raise SkippedFile("is a symbolic link to a file that does not exist")
    if not policy.follow_internal_symlinks:
        raise SkippedFile(
            f"is a symbolic link to {real}; fix that file, or pass "
            "--follow-internal-symlinks to fix it through the link"
        )
    return real


def _real_path(absolute: str) -> str:
    """os.path.realpath of an absolute path, reusing resolved directories."""
    if os.path.islink(absolute):
        return os.path.realpath(absolute)
    directory, name = os.path.split(absolute)
    return os.path.join(_real_directory(directory), name)


@functools.lru_cache(maxsize=256)
def _real_directory(absolute: str) -> str:
    # One lstat per directory not seen before; a monorepo's Dockerfiles
    # share most of their parents. The write re-checks what it replaces,
    # so a directory swapped for a link after this lookup is still caught.
    parent = os.path.dirname(absolute)
    if parent == absolute:
        return absolute
    if os.path.islink(absolute):
        return os.path.realpath(absolute)
    return os.path.join(_real_directory(parent), os.path.basename(absolute))


class OpenDockerfile:
    """A Dockerfile read through its directory, ready to be replaced.

    Use it as a context manager: it holds a descriptor of the directory
    until the block ends.
    """

    def __init__(self, path: str | Path, max_size: int = MAX_SIZE) -> None:
        self.path = os.fspath(path)
        directory, self.name = os.path.split(self.path)
        self._directory = _open_directory(directory or os.curdir)
        try:
            self.data, self._info = self._read(max_size)
        except BaseException:
            os.close(self._directory)
            raise

    def __enter__(self) -> OpenDockerfile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        os.close(self._directory)

    def _read(self, max_size: int) -> tuple[bytes, os.stat_result]:
        try:
            info = os.stat(self.name, dir_fd=self._directory, follow_symlinks=False)
        except FileNotFoundError:
            raise FileError("file not found; check the path") from None
        except OSError as error:
            raise FileError(f"cannot read: {error.strerror}") from None
        _check_kind(info)
        try:
            handle = os.open(self.name, _READ_FLAGS, dir_fd=self._directory)
        except OSError as error:
            raise FileError(
                f"cannot open: {error.strerror}; check its permissions"
            ) from None
        data, info = _read_descriptor(handle, max_size, _RAISE_LIMIT)
        if b"\0" in data:
            raise FileError(
                "contains NUL bytes, so it is a binary file, not a Dockerfile; "
                "exclude it"
            )
        return data, info

    def replace(self, data: bytes) -> None:
        """Write `data` over the file in one rename, keeping mode and owner.

        Raises FileError if the file was changed or replaced since it was
        read, so someone else's edit is never overwritten.
        """
        info = self._info
        # The name is cut so that the temporary name stays within NAME_MAX.
        temporary = f".{self.name[:64]}.{secrets.token_hex(6)}{_TEMPORARY_SUFFIX}"
        handle = os.open(temporary, _CREATE_FLAGS, 0o600, dir_fd=self._directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                # TODO: copy extended attributes and ACLs too.
                os.fchmod(stream.fileno(), stat.S_IMODE(info.st_mode))
                _copy_owner(stream.fileno(), info)
                os.fsync(stream.fileno())
            self._check_unchanged()
            os.replace(
                temporary,
                self.name,
                src_dir_fd=self._directory,
                dst_dir_fd=self._directory,
            )
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=self._directory)
            raise
        # The rename is durable only once the directory itself is on disk.
        os.fsync(self._directory)

    def _check_unchanged(self) -> None:
        # NOTE: a writer that changes the file between this check and the
        # rename still loses its change. Only a lock that every writer takes
        # could close that window.
        try:
            current, info = self._read(len(self.data))
            unchanged = current == self.data and _identity(info) == _identity(
                self._info
            )
        except FileError:
            unchanged = False
        if not unchanged:
            raise FileError(
                "changed on disk after lambda-fix read it, so it was left as "
                "it is; run lambda-fix again"
            )


def read_small_file(path: str | Path, limit: int) -> bytes:
    """Read a configuration or infrastructure file of at most `limit` bytes.

    Raises FileError for anything but a regular file, such as a named pipe
    that would block the read or a link to /dev/zero that never ends.
    """
    try:
        info = os.stat(path)
        _check_kind(info)
        _check_size(info.st_size, limit, _NO_LARGER)
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileError("file not found; check the path") from None
    except OSError as error:
        raise FileError(f"cannot read: {error.strerror}") from None
    return _read_descriptor(handle, limit, _NO_LARGER)[0]


def _read_descriptor(
    handle: int, limit: int, next_step: str
) -> tuple[bytes, os.stat_result]:
    """Read an open regular file of at most `limit` bytes, and close it."""
    try:
        info = os.fstat(handle)
        _check_kind(info)
        _check_size(info.st_size, limit, next_step)
        data = _read_all(handle, limit + 1)
    except OSError as error:
        raise FileError(f"cannot read: {error.strerror}") from None
    finally:
        os.close(handle)
    # The file may have grown since fstat.
    _check_size(len(data), limit, next_step)
    return data, info


def _read_all(handle: int, limit: int) -> bytes:
    """Read up to `limit` bytes, without the cost of a file object."""
    parts = []
    while limit > 0:
        part = os.read(handle, limit)
        if not part:
            break
        parts.append(part)
        limit -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_directory(path: str) -> int:
    """Open a directory that `path` names without any symbolic link."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileError("file not found; check the path") from None
    except OSError as error:
        raise FileError(
            f"cannot open its directory: {error.strerror}; check the path"
        ) from None
    # Linux names the directory a descriptor refers to in /proc. A mismatch
    # means a directory on the path became a link after it was resolved.
    # NOTE: systems without /proc, such as macOS, skip this check.
    expected = os.path.abspath(path)
    if _has_proc() and os.readlink(f"/proc/self/fd/{handle}") != expected:
        os.close(handle)
        raise FileError(
            "a directory on its path is a symbolic link or was moved while "
            "lambda-fix ran; check the tree and run lambda-fix again"
        )
    return handle


@functools.cache
def _has_proc() -> bool:
    return os.path.isdir("/proc/self/fd")


def _identity(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _check_kind(info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise FileError("is a directory named like a Dockerfile; exclude it")
    if stat.S_ISLNK(mode):
        raise FileError("became a symbolic link while lambda-fix ran; check it")
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    raise FileError(f"is {kind}, not a regular file; exclude it")


# Next steps for a file over the size limit: a Dockerfile, whose limit the
# user sets, and a configuration or infrastructure file.
_RAISE_LIMIT = "raise --max-file-size or exclude it"
_NO_LARGER = "lambda-fix reads none larger, so shorten or exclude it"


def _check_size(size: int, max_size: int, next_step: str) -> None:
    if size > max_size:
        raise FileError(f"is over the {max_size}-byte size limit; {next_step}")


def _copy_owner(handle: int, info: os.stat_result) -> None:
    if (os.geteuid(), os.getegid()) == (info.st_uid, info.st_gid):
        return
    # Only root may give a file away. Otherwise the new file keeps the mode
    # and belongs to the user who ran lambda-fix.
    with contextlib.suppress(PermissionError):
        os.fchown(handle, info.st_uid, info.st_gid)
