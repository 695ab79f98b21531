"""Reading and atomic writing of Dockerfiles (lambda_fix.files)."""

from __future__ import annotations

import io
import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from lambda_fix import files, run
from lambda_fix.core import Result, fix_text
from lambda_fix.files import (
    FileError,
    FilePolicy,
    OpenDockerfile,
    SkippedFile,
    resolve_in_tree,
)
from lambda_fix.options import Options
from lambda_fix.report import Report
from lambda_fix.run import Mode

ORIGINAL = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n'
FIXED = b'FROM public.ecr.aws/lambda/python:3.12\nUSER 1001:1001\nCMD ["app.handler"]\n'


@pytest.fixture
def tmp_path(tmp_path: Path) -> Path:
    """The temporary directory without links, as resolve_in_tree returns paths."""
    return tmp_path.resolve()


def make(tmp_path: Path, data: bytes = ORIGINAL, name: str = "Dockerfile") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_replace_writes_new_bytes(tmp_path: Path) -> None:
    path = make(tmp_path)
    with OpenDockerfile(path) as opened:
        assert opened.data == ORIGINAL
        opened.replace(FIXED)
    assert path.read_bytes() == FIXED
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o444, 0o2755])
def test_replace_keeps_mode(tmp_path: Path, mode: int) -> None:
    path = make(tmp_path)
    path.chmod(mode)
    with OpenDockerfile(path) as opened:
        opened.replace(FIXED)
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_replace_keeps_owner(tmp_path: Path) -> None:
    path = make(tmp_path)
    os.chown(path, 4321, 8765)
    with OpenDockerfile(path) as opened:
        opened.replace(FIXED)
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (4321, 8765)


def test_replace_creates_new_inode(tmp_path: Path) -> None:
    """A reader holding the old file keeps seeing the old bytes."""
    path = make(tmp_path)
    with path.open("rb") as reader, OpenDockerfile(path) as opened:
        opened.replace(FIXED)
        assert reader.read() == ORIGINAL
    assert path.read_bytes() == FIXED


def test_replace_syncs_file_and_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def recording_fsync(handle: int) -> None:
        synced.append(stat.S_IFMT(os.fstat(handle).st_mode))
        real_fsync(handle)

    monkeypatch.setattr(files.os, "fsync", recording_fsync)
    path = make(tmp_path)
    with OpenDockerfile(path) as opened:
        opened.replace(FIXED)
    assert synced == [stat.S_IFREG, stat.S_IFDIR]


def test_replace_rejects_changed_file(tmp_path: Path) -> None:
    path = make(tmp_path)
    with OpenDockerfile(path) as opened:
        path.write_bytes(ORIGINAL + b"# edited meanwhile\n")
        with pytest.raises(FileError, match="changed on disk"):
            opened.replace(FIXED)
    assert path.read_bytes() == ORIGINAL + b"# edited meanwhile\n"
    assert leftovers(tmp_path) == []


def test_replace_rejects_swapped_file(tmp_path: Path) -> None:
    """Same bytes in a new inode still count as a change."""
    path = make(tmp_path)
    with OpenDockerfile(path) as opened:
        other = make(tmp_path, ORIGINAL, "other")
        other.replace(path)
        with pytest.raises(FileError, match="changed on disk"):
            opened.replace(FIXED)
    assert path.read_bytes() == ORIGINAL


def test_replace_rejects_file_swapped_for_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = make(outside, b"secret\n", "victim")
    tree = tmp_path / "tree"
    tree.mkdir()
    path = make(tree)
    with OpenDockerfile(path) as opened:
        path.unlink()
        path.symlink_to(victim)
        with pytest.raises(FileError, match="changed on disk"):
            opened.replace(FIXED)
    assert victim.read_bytes() == b"secret\n"
    assert path.is_symlink()


def test_replace_rejects_deleted_file(tmp_path: Path) -> None:
    path = make(tmp_path)
    with OpenDockerfile(path) as opened:
        path.unlink()
        with pytest.raises(FileError, match="changed on disk"):
            opened.replace(FIXED)
    assert not path.exists()
    assert leftovers(tmp_path) == []


def test_interrupted_replace_keeps_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted_replace(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    path = make(tmp_path)
    monkeypatch.setattr(files.os, "replace", interrupted_replace)
    with OpenDockerfile(path) as opened, pytest.raises(KeyboardInterrupt):
        opened.replace(FIXED)
    assert path.read_bytes() == ORIGINAL
    assert leftovers(tmp_path) == []


def test_full_disk_keeps_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(handle: int) -> None:
        raise OSError(28, "No space left on device")

    path = make(tmp_path)
    monkeypatch.setattr(files.os, "fsync", failing_fsync)
    with OpenDockerfile(path) as opened, pytest.raises(OSError, match="space"):
        opened.replace(FIXED)
    assert path.read_bytes() == ORIGINAL
    assert leftovers(tmp_path) == []


def test_readers_never_see_partial_file(tmp_path: Path) -> None:
    """Replace a large file many times while another thread reads it."""
    first = b"FROM a\n" + b"# first\n" * 40_000
    second = b"FROM b\n" + b"# second\n" * 30_000
    path = make(tmp_path, first)
    seen: set[bytes] = set()
    stop = threading.Event()

    def read_until_stopped() -> None:
        while not stop.is_set():
            seen.add(path.read_bytes())

    reader = threading.Thread(target=read_until_stopped)
    reader.start()
    try:
        current = first
        for _ in range(60):
            following = second if current == first else first
            with OpenDockerfile(path, max_size=len(first) + len(second)) as opened:
                opened.replace(following)
            current = following
    finally:
        stop.set()
        reader.join()
    assert seen <= {first, second}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"FROM a\n\0\0\0", "NUL bytes"),
        (b"x" * 101, "over the 100-byte size limit"),
    ],
    ids=["nul-bytes", "too-large"],
)
def test_read_rejects_content(tmp_path: Path, data: bytes, message: str) -> None:
    path = make(tmp_path, data)
    with pytest.raises(FileError, match=message):
        OpenDockerfile(path, max_size=100)


def test_read_accepts_size_limit_exactly(tmp_path: Path) -> None:
    path = make(tmp_path, b"x" * 100)
    with OpenDockerfile(path, max_size=100) as opened:
        assert len(opened.data) == 100


def test_read_rejects_directory(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()
    with pytest.raises(FileError, match="is a directory"):
        OpenDockerfile(tmp_path / "Dockerfile")


def test_read_rejects_named_pipe(tmp_path: Path) -> None:
    """A FIFO would block a plain open() forever."""
    os.mkfifo(tmp_path / "Dockerfile")
    with pytest.raises(FileError, match="named pipe"):
        OpenDockerfile(tmp_path / "Dockerfile")


def test_read_rejects_socket(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "Dockerfile"))
        with pytest.raises(FileError, match="socket"):
            OpenDockerfile(tmp_path / "Dockerfile")
    finally:
        server.close()


def test_read_does_not_follow_link(tmp_path: Path) -> None:
    target = make(tmp_path, ORIGINAL, "target")
    (tmp_path / "Dockerfile").symlink_to(target)
    with pytest.raises(FileError, match="symbolic link"):
        OpenDockerfile(tmp_path / "Dockerfile")


def test_read_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="not found"):
        OpenDockerfile(tmp_path / "Dockerfile")


def test_resolve_plain_file(tmp_path: Path) -> None:
    path = make(tmp_path)
    assert resolve_in_tree(path, tmp_path, FilePolicy()) == str(path)


def test_resolve_skips_link_by_default(tmp_path: Path) -> None:
    target = make(tmp_path, ORIGINAL, "real.Dockerfile")
    (tmp_path / "Dockerfile").symlink_to(target.name)
    with pytest.raises(SkippedFile, match="--follow-internal-symlinks"):
        resolve_in_tree(tmp_path / "Dockerfile", tmp_path, FilePolicy())


def test_resolve_follows_link_inside(tmp_path: Path) -> None:
    target = make(tmp_path, ORIGINAL, "real.Dockerfile")
    (tmp_path / "Dockerfile").symlink_to(target.name)
    policy = FilePolicy(follow_internal_symlinks=True)
    resolved = resolve_in_tree(tmp_path / "Dockerfile", tmp_path, policy)
    assert resolved == str(target)


def test_resolve_skips_link_outside(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    outside = make(tmp_path, ORIGINAL, "outside")
    (tree / "Dockerfile").symlink_to(outside)
    policy = FilePolicy(follow_internal_symlinks=True)
    with pytest.raises(SkippedFile, match="outside"):
        resolve_in_tree(tree / "Dockerfile", tree, policy)


def test_resolve_skips_linked_directory(tmp_path: Path) -> None:
    """A link in a parent directory counts as much as one on the file."""
    tree = tmp_path / "tree"
    tree.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    make(outside)
    (tree / "app").symlink_to(outside)
    policy = FilePolicy(follow_internal_symlinks=True)
    with pytest.raises(SkippedFile, match="outside"):
        resolve_in_tree(tree / "app" / "Dockerfile", tree, policy)


def test_resolve_skips_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").symlink_to("missing")
    policy = FilePolicy(follow_internal_symlinks=True)
    with pytest.raises(SkippedFile, match="does not exist"):
        resolve_in_tree(tmp_path / "Dockerfile", tmp_path, policy)


def test_changed_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edit lands while the fix is computed; the run reports it."""
    path = make(tmp_path)
    edited = ORIGINAL + b"# edited meanwhile\n"

    def fix_while_editing(data: bytes, options: Options | None = None) -> Result:
        path.write_bytes(edited)
        return fix_text(data, options)

    monkeypatch.setattr(run, "fix_text", fix_while_editing)
    outcome = run.process_file(path, "Dockerfile", Options(), Mode.WRITE, tmp_path)
    report = Report(Mode.WRITE, stream=io.StringIO())
    report.add(outcome)

    assert outcome.error.startswith("changed on disk")
    assert report.exit_code == 2
    assert path.read_bytes() == edited


def test_replace_long_file_name(tmp_path: Path) -> None:
    """The temporary name stays within the 255-byte limit of file names."""
    path = make(tmp_path, ORIGINAL, "x" * 240 + ".dockerfile")
    with OpenDockerfile(path) as opened:
        opened.replace(FIXED)
    assert path.read_bytes() == FIXED


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_open_rejects_linked_directory(tmp_path: Path) -> None:
    """A directory swapped for a link after resolve_in_tree is caught."""
    real = tmp_path / "real"
    real.mkdir()
    make(real)
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(FileError, match="symbolic link or was moved"):
        OpenDockerfile(tmp_path / "link" / "Dockerfile")
