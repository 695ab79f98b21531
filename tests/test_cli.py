"""The command line, run as a real process on real files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LAMBDA = b'FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py .\nCMD ["app.handler"]\n'
FIXED = (
    b"FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py .\n"
    b'USER 1001:1001\nCMD ["app.handler"]\n'
)
OTHER = b'FROM python:3.12\nCMD ["python"]\n'
BROKEN = b"FROM public.ecr.aws/lambda/python:3.12\nRUN <<EOF\necho\n"


def run(
    *args: str, cwd: Path, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lambda_fix", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "", **(env or {})},
        check=False,
    )


def test_diff_is_default_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run("Dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    assert b"--- a/Dockerfile\n+++ b/Dockerfile\n" in result.stdout
    assert b"+USER 1001:1001\n" in result.stdout
    assert (tmp_path / "Dockerfile").read_bytes() == LAMBDA
    assert b"Dockerfile: would fix: add USER 1001:1001 above CMD on line 3" in (
        result.stderr
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(
    "data",
    [LAMBDA, LAMBDA.replace(b"\n", b"\r\n"), LAMBDA.rstrip(b"\n"), LAMBDA[:-21]],
    ids=["lf", "crlf", "no-final-newline", "append-at-end"],
)
def test_diff_applies_with_git(tmp_path: Path, data: bytes) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    target = tmp_path / "svc" / "Dockerfile"
    target.parent.mkdir()
    target.write_bytes(data)
    diff = run("svc", cwd=tmp_path).stdout
    expected = run("-", cwd=tmp_path, stdin=data).stdout
    assert expected != data
    (tmp_path / "fix.patch").write_bytes(diff)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert target.read_bytes() == expected


def test_write_fixes_in_place_then_nothing_left(tmp_path: Path) -> None:
    target = tmp_path / "Dockerfile"
    target.write_bytes(LAMBDA)
    target.chmod(0o640)
    first = run("--write", "Dockerfile", cwd=tmp_path)
    assert first.returncode == 0
    assert first.stdout == b""
    assert target.read_bytes() == FIXED
    assert target.stat().st_mode & 0o777 == 0o640
    second = run("--write", "Dockerfile", cwd=tmp_path)
    assert second.returncode == 0
    assert target.read_bytes() == FIXED


def test_check_lists_files_without_diff(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run("--check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"Dockerfile: would fix" in result.stderr
    assert (tmp_path / "Dockerfile").read_bytes() == LAMBDA


def test_check_passes_on_clean_tree(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(FIXED)
    (tmp_path / "web.Dockerfile").write_bytes(OTHER)
    result = run("--check", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert b"2 files: 1 left unchanged, 1 skipped" in result.stderr


def test_stdin_writes_fixed_text(tmp_path: Path) -> None:
    result = run("-", cwd=tmp_path, stdin=LAMBDA)
    assert result.returncode == 0
    assert result.stdout == FIXED


def test_stdin_check_writes_nothing(tmp_path: Path) -> None:
    result = run("--check", "-", cwd=tmp_path, stdin=LAMBDA)
    assert result.returncode == 1
    assert result.stdout == b""


def test_directory_finds_dockerfile_names(tmp_path: Path) -> None:
    names = [
        "Dockerfile",
        "a/Containerfile",
        "b/Dockerfile.lambda",
        "c/api.Dockerfile",
        "d/api.dockerfile",
        "e/dockerfile",
    ]
    for name in names:
        path = tmp_path / "repo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(LAMBDA)
    (tmp_path / "repo" / "Dockerfile.dockerignore").write_bytes(LAMBDA)
    (tmp_path / "repo" / "node_modules").mkdir()
    (tmp_path / "repo" / "node_modules" / "Dockerfile").write_bytes(LAMBDA)
    result = run("--check", "repo", cwd=tmp_path)
    found = sorted(
        line.split(b":")[0].decode() for line in result.stderr.splitlines()[:-1]
    )
    assert found == sorted(f"repo/{name}" for name in names)


def test_error_in_one_file_does_not_stop_others(tmp_path: Path) -> None:
    (tmp_path / "a.Dockerfile").write_bytes(BROKEN)
    (tmp_path / "b.Dockerfile").write_bytes(LAMBDA)
    result = run("--write", "a.Dockerfile", "b.Dockerfile", "missing", cwd=tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "a.Dockerfile").read_bytes() == BROKEN
    assert (tmp_path / "b.Dockerfile").read_bytes() == FIXED
    lines = result.stderr.decode().splitlines()
    assert lines[0] == "missing: error: no such file or directory; check the path"
    assert lines[1].startswith("a.Dockerfile: error: line 2: heredoc <<EOF")
    assert lines[2].startswith("b.Dockerfile: fixed: add USER 1001:1001")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "0:0"], b"uid 0 is root"),
        (["--user", "root"], b"root is what lambda-fix replaces"),
        (["--user", "1001 # x"], b"invalid user '1001 # x'"),
        (["--build-arg", "NOVALUE"], b"'NOVALUE' is not NAME=VALUE"),
        (["--write", "--check"], b"--write and --check exclude each other"),
    ],
    ids=["uid-zero", "root-name", "comment", "build-arg", "write-and-check"],
)
def test_bad_usage_exits_2(tmp_path: Path, args: list[str], message: bytes) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run(*args, "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert (tmp_path / "Dockerfile").read_bytes() == LAMBDA


def test_named_user_warns(tmp_path: Path) -> None:
    result = run("--user", "app", "-", cwd=tmp_path, stdin=LAMBDA)
    assert result.returncode == 0
    assert b"USER app\n" in result.stdout
    assert b"must exist in every image" in result.stderr


def test_target_and_build_arg_options(tmp_path: Path) -> None:
    data = (
        b'ARG BASE=python:3.12\nFROM $BASE AS fn\nCMD ["a.h"]\n'
        b"FROM python:3.12 AS local\n"
    )
    result = run(
        "--target",
        "fn",
        "--build-arg",
        "BASE=public.ecr.aws/lambda/python:3.12",
        "-",
        cwd=tmp_path,
        stdin=data,
    )
    assert result.stdout == data.replace(b"CMD", b"USER 1001:1001\nCMD")


def test_version_and_help(tmp_path: Path) -> None:
    version = run("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith(b"lambda-fix ")
    bare = run(cwd=tmp_path)
    assert b"Usage: lambda-fix" in bare.stdout + bare.stderr


def test_verbose_and_quiet(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(OTHER)
    verbose = run("-v", "Dockerfile", cwd=tmp_path)
    assert b"Dockerfile: skipped: base image 'python:3.12'" in verbose.stderr
    quiet = run("-q", "Dockerfile", cwd=tmp_path)
    assert quiet.stderr == b""


def test_color_always_and_no_color(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    colored = run("--color", "always", "--check", "Dockerfile", cwd=tmp_path)
    assert b"\033[" in colored.stderr
    plain = run("--check", "Dockerfile", cwd=tmp_path, env={"NO_COLOR": "1"})
    assert b"\033[" not in plain.stderr
