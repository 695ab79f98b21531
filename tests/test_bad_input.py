"""Bad input through the real command line: one line each, exit 2, no harm.

Each case puts one bad file next to a good one and runs `lambda-fix --write`
on both. The bad file must get exactly one stderr line that names it, stay
byte for byte as it was, and make the exit status 2, while the good file is
still fixed. Some inputs look bad but are fine (Latin-1 bytes, a CMD that
is not valid JSON, huge lines): those must be fixed without an error.
"""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli_process import lambda_fix_command, run_cli

LAMBDA_FROM = b"FROM public.ecr.aws/lambda/python:3.12\n"
GOOD = LAMBDA_FROM + b'CMD ["app.handler"]\n'
GOOD_FIXED = LAMBDA_FROM + b'USER 1001:1001\nCMD ["app.handler"]\n'


def make_file(data: bytes) -> Callable[[Path], None]:
    def create(path: Path) -> None:
        path.write_bytes(data)

    return create


def make_directory(path: Path) -> None:
    path.mkdir()
    (path / "Dockerfile").write_bytes(b"# a directory named Dockerfile\n")


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


@dataclass(frozen=True)
class Case:
    id: str
    create: Callable[[Path], None]
    # Expected words in the error line, or None when the file gets fixed.
    error: str | None
    # The fixed bytes when error is None.
    fixed: bytes = b""
    args: tuple[str, ...] = ()


LATIN1 = LAMBDA_FROM + b'LABEL maintainer="Ren\xe9 M\xfcller"\nCMD ["app.handler"]\n'
LATIN1_FIXED = (
    LAMBDA_FROM
    + b'LABEL maintainer="Ren\xe9 M\xfcller"\nUSER 1001:1001\nCMD ["app.handler"]\n'
)
BAD_JSON = LAMBDA_FROM + b'CMD ["app.handler"\n'
BAD_JSON_FIXED = LAMBDA_FROM + b'USER 1001:1001\nCMD ["app.handler"\n'
LONG_RUN = LAMBDA_FROM + b"RUN echo " + b"x" * 700_000 + b"\n"
CONTINUED = (
    LAMBDA_FROM + b"RUN true \\\n" + b"    && true \\\n" * 50_000 + b"    && true\n"
)
BIG = LAMBDA_FROM + b"# padding\n" * (1024 * 1024 // 10)

CASES = [
    Case("latin-1-bytes", make_file(LATIN1), None, LATIN1_FIXED),
    Case("cmd-not-json", make_file(BAD_JSON), None, BAD_JSON_FIXED),
    Case("very-long-line", make_file(LONG_RUN), None, LONG_RUN + b"USER 1001:1001\n"),
    Case(
        "long-continuation",
        make_file(CONTINUED),
        None,
        CONTINUED + b"USER 1001:1001\n",
    ),
    Case("nul-bytes", make_file(LAMBDA_FROM + b"\0\x01\x02"), "NUL bytes"),
    Case("empty-file", make_file(b""), "the file is empty"),
    Case("comments-only", make_file(b"# just a comment\n\n"), "only comments"),
    Case("directory", make_directory, "is a directory"),
    Case("named-pipe", make_fifo, "is a named pipe"),
    Case("socket", make_socket, "is a socket"),
    Case("over-size-limit", make_file(BIG), "size limit; raise --max-file-size"),
    Case(
        "over-given-limit",
        make_file(GOOD + b"# padding\n" * 10),
        "over the 100-byte size limit",
        args=("--max-file-size", "100"),
    ),
    Case(
        "unknown-keyword",
        make_file(LAMBDA_FROM + b"RUNN pip install x\n"),
        "line 2: unknown instruction 'RUNN'",
    ),
    Case(
        "unterminated-heredoc",
        make_file(LAMBDA_FROM + b"RUN <<EOF\necho hi\n"),
        "line 2: heredoc <<EOF is never terminated",
    ),
    Case("missing-from", make_file(b"ARG X=1\nRUN true\n"), "FROM"),
    Case(
        "bad-escape-directive",
        make_file(b"# escape=x\n" + LAMBDA_FROM),
        "invalid escape character",
    ),
]


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "Dockerfile").write_bytes(GOOD)
    yield tmp_path


def snapshot(path: Path) -> bytes | str:
    """The bytes of a file, or a description of what is not a file."""
    if path.is_file() and not path.is_symlink():
        return path.read_bytes()
    return f"{path.stat().st_mode:o}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_case(tree: Path, case: Case) -> None:
    bad = tree / "bad" / "Dockerfile"
    bad.parent.mkdir()
    case.create(bad)
    before = snapshot(bad)

    run = run_cli("--write", *case.args, "bad/Dockerfile", "good", cwd=tree)

    lines = [line for line in run.stderr.splitlines() if line.startswith("bad/")]
    if case.error is None:
        assert run.returncode == 0, run.stderr
        assert lines == [f"bad/Dockerfile: fixed: {lines[0].split(': ', 2)[2]}"]
        assert bad.read_bytes() == case.fixed
    else:
        assert run.returncode == 2, run.stderr
        assert len(lines) == 1, run.stderr
        assert lines[0].startswith("bad/Dockerfile: error: ")
        assert case.error in lines[0]
        assert snapshot(bad) == before
    assert (tree / "good" / "Dockerfile").read_bytes() == GOOD_FIXED
    assert "good/Dockerfile: fixed:" in run.stderr


def test_all_bad_inputs_in_one_run(tree: Path) -> None:
    """Every bad file gets its line and the run still fixes the good file."""
    # A directory named Dockerfile inside a tree is searched like any other
    # directory, so only the run on the path itself reports it.
    errors = [
        case
        for case in CASES
        if case.error is not None
        and not case.args
        and case.create is not make_directory
    ]
    for case in errors:
        (tree / case.id).mkdir()
        case.create(tree / case.id / "Dockerfile")
    before = {case.id: snapshot(tree / case.id / "Dockerfile") for case in errors}

    run = run_cli("--write", ".", "no-such-dir/Dockerfile", cwd=tree)

    assert run.returncode == 2
    for case in errors:
        lines = [
            line
            for line in run.stderr.splitlines()
            if line.startswith(f"{case.id}/Dockerfile: ")
        ]
        assert len(lines) == 1, (case.id, run.stderr)
        assert case.error is not None
        assert case.error in lines[0]
        assert snapshot(tree / case.id / "Dockerfile") == before[case.id]
    missing = [line for line in run.stderr.splitlines() if "no-such-dir" in line]
    assert missing == [
        "no-such-dir/Dockerfile: error: no such file or directory; check the path"
    ]
    assert (tree / "good" / "Dockerfile").read_bytes() == GOOD_FIXED


def test_latin1_fixed_byte_exactly(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are kept as they are, never re-encoded."""
    path = tmp_path / "Dockerfile"
    path.write_bytes(LATIN1)
    run = run_cli("--write", "Dockerfile", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert path.read_bytes() == LATIN1_FIXED


def test_latin1_diff_applies(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(LATIN1)
    run = subprocess.run(
        [*lambda_fix_command(), "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 1
    assert b"+USER 1001:1001\n" in run.stdout
    assert b"Ren\xe9 M\xfcller" in run.stdout


# Linux prctl() option and capability numbers, from <linux/prctl.h> and
# <linux/capability.h>.
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


def drop_file_capabilities() -> None:
    """Drop root's power to read any file, for the program exec'd next.

    A root process keeps after exec only the capabilities left in its
    bounding set, so without these two, chmod 000 blocks root as well.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _run_without_root(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run lambda-fix so that file permissions apply to it, even as root."""
    restrict = drop_file_capabilities if os.geteuid() == 0 else None
    try:
        return subprocess.run(
            [*lambda_fix_command(), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=restrict,
            timeout=120,
            check=False,
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's file capabilities here: {error}")


def test_unreadable_file(tmp_path: Path) -> None:
    """chmod 000 blocks reading; run as root, lambda-fix drops its override."""
    bad = tmp_path / "bad" / "Dockerfile"
    good = tmp_path / "good" / "Dockerfile"
    for path in (bad, good):
        path.parent.mkdir()
        path.write_bytes(GOOD)
    bad.chmod(0)
    run = _run_without_root("--write", ".", cwd=tmp_path)

    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("bad/")]
    assert lines == [
        "bad/Dockerfile: error: cannot open: Permission denied; check its permissions"
    ]
    bad.chmod(0o644)
    assert bad.read_bytes() == GOOD
    assert good.read_bytes() == GOOD_FIXED


@pytest.mark.parametrize("listed", [False, True])
def test_unreadable_directory(tmp_path: Path, listed: bool) -> None:
    """A directory that can't be listed fails the run; the rest is fixed."""
    hidden = tmp_path / "a" / "hidden"
    good = tmp_path / "good" / "Dockerfile"
    for path in (hidden / "Dockerfile", good):
        path.parent.mkdir(parents=True)
        path.write_bytes(GOOD)
    hidden.chmod(0)
    # Two paths list the files first; one directory is walked twice.
    paths = ["a", "good"] if listed else ["."]
    try:
        run = _run_without_root("--write", *paths, cwd=tmp_path)
    finally:
        hidden.chmod(0o755)

    assert run.returncode == 2, run.stderr
    assert (
        "a/hidden: error: cannot list directory: Permission denied; its files "
        "were not checked, so fix its permissions or exclude it"
    ) in run.stderr.splitlines()
    assert good.read_bytes() == GOOD_FIXED
