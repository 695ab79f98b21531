"""Inputs from a hostile trial run: each case once crashed, lost data or
misjudged a file."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from lambda_fix import Status, fix_text
from tests.cli_process import lambda_fix_command, run_cli

LAMBDA = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["x"]\n'
ASSET = b"\nDockerImageCode.from_image_asset('a')\n"


def test_linked_directory_argument_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "sub"
    outside.mkdir(parents=True)
    (outside / "Dockerfile").write_bytes(LAMBDA)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "linkdir").symlink_to(tmp_path / "outside")
    for argument in ("linkdir", "linkdir/sub", "linkdir/."):
        result = run_cli("--write", argument, cwd=tree)
        assert (outside / "Dockerfile").read_bytes() == LAMBDA, argument
        assert "skipped" in result.stderr, argument


@pytest.mark.parametrize(
    "args",
    [["--report", "json=Dockerfile"], ["--output", "Dockerfile"]],
    ids=["report", "output"],
)
def test_report_onto_input_rejected(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run_cli("--write", *args, "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert "is one of the files being fixed" in result.stderr
    assert (tmp_path / "Dockerfile").read_bytes() == LAMBDA


def test_two_outputs_on_stdout_rejected(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run_cli("--report", "json=-", "--report", "sarif=-", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "can't share it with other output (json, sarif, text)" in result.stderr


def test_stdin_mixed_with_paths_rejected(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run_cli("-", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert "can't be combined with other paths" in result.stderr


@pytest.mark.parametrize(
    "source",
    [
        b"\xff\xfe DockerImageCode.from_image_asset\n",
        b"# -*- coding: bogus -*-\nDockerImageCode.from_image_asset('img')\n",
        b"x = "
        + b"[" * 1000
        + b"]" * 1000
        + b"\nDockerImageCode.from_image_asset('a')\n",
        b"x = 1" + b"+1" * 10000 + b"\nDockerImageCode.from_image_asset('a')\n",
        # Over short lines, these took libcst gigabytes and then crashed it.
        b"x = (" + b"-\n" * 5000 + b"1)\nDockerImageCode.from_image_asset('a')\n",
        b"x = " + b"-\\\n" * 5000 + b"1\nDockerImageCode.from_image_asset('a')\n",
        b"x = (" + b"a if b else\n" * 3000 + b"1)\nfrom_image_asset('a')\n",
        b"x = (" + b"a *\n" * 5000 + b"a\n)\nfrom_image_asset('a')\n",
        b"from_image_asset('a')\n" + b"v = 1\n" * 50000,
    ],
    ids=[
        "bad-bytes",
        "bad-coding",
        "deep-nesting",
        "long-expression",
        "unary-chain",
        "continued-unary-chain",
        "conditional-chain",
        "product-chain",
        "too-large",
    ],
)
def test_unreadable_cdk_file_reported(tmp_path: Path, source: bytes) -> None:
    app = tmp_path / "cdk"
    (app / "img").mkdir(parents=True)
    (app / "cdk.json").write_text("{}")
    (app / "img" / "Dockerfile").write_bytes(LAMBDA)
    (app / "app.py").write_bytes(source)
    result = run_cli("--check", "cdk", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "warning: cdk/app.py:1:" in result.stderr


@pytest.mark.parametrize("output_format", ["json", "sarif", "github", "markdown"])
def test_non_utf8_file_name_in_reports(tmp_path: Path, output_format: str) -> None:
    directory = os.fsencode(tmp_path) + b"/lat\xe9"
    os.mkdir(directory)
    with open(directory + b"/Dockerfile", "wb") as stream:
        stream.write(LAMBDA)
    completed = subprocess.run(
        [*lambda_fix_command(), "--output-format", output_format, "."],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    text = completed.stdout.decode("utf-8")
    if output_format in ("json", "sarif"):
        assert json.loads(text)


def test_full_stdout_exits_2(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    with open("/dev/full", "wb") as full:
        completed = subprocess.run(
            [*lambda_fix_command(), "Dockerfile"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert completed.returncode == 2
    assert b"cannot write output: No space left on device" in completed.stderr
    assert b"Traceback" not in completed.stderr


def test_closed_stdout_exits_2(tmp_path: Path) -> None:
    """As in `lambda-fix . | head -1`, over enough files to fill the pipe."""
    for index in range(500):
        (tmp_path / f"{index:03d}.Dockerfile").write_bytes(LAMBDA)
    process = subprocess.Popen(
        [*lambda_fix_command(), "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith(b"--- a/")
    process.stdout.close()
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"Traceback" not in errors


def test_line_break_in_file_name_is_error(tmp_path: Path) -> None:
    (tmp_path / "a\nb").mkdir()
    (tmp_path / "a\nb" / "Dockerfile").write_bytes(LAMBDA)
    result = run_cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("a\\nb/Dockerfile: error: the file name contains")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "user",
    ["${UNSET:+root}", '"root"', "'root'", "+0", "-0", ":0"],
)
def test_user_forms_that_mean_root(user: str) -> None:
    data = f'FROM public.ecr.aws/lambda/python:3.12\nUSER {user}\nCMD ["x"]\n'
    result = fix_text(data.encode())
    assert result.status is Status.FIXED
    assert [finding.code for finding in result.findings] == ["LF001"]


def test_user_plus_minus_zero_is_a_name() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nUSER +-0\nCMD ["x"]\n'
    assert fix_text(data).status is Status.UNCHANGED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'FROM public.ecr.aws/lambda/python:3.12\nUSER\nCMD ["x"]\n', "USER has no"),
        (b"FROM\nCMD x\n", "FROM takes an image"),
        (
            b"FROM public.ecr.aws/lambda/python:3.12 AS a\n"
            b"FROM public.ecr.aws/lambda/python:3.12 AS a\n",
            "a second stage named 'a'",
        ),
        (
            b'FROM public.ecr.aws/lambda/python:3.12\rCOPY a /\rCMD ["x"]\r',
            "has 6 words",
        ),
    ],
    ids=["bare-user", "bare-from", "duplicate-stage", "lone-cr-endings"],
)
def test_files_buildkit_rejects_refused(data: bytes, message: str) -> None:
    result = fix_text(data)
    assert result.status is Status.REFUSED
    assert message in result.reason
    assert result.output == data


def test_long_run_line_with_chmod_finishes() -> None:
    data = (
        b"FROM public.ecr.aws/lambda/python:3.12\nRUN chmod 600 /var/task/x "
        + b"a" * 1_000_000
        + b"\n"
    )
    result = fix_text(data)
    assert result.status is Status.FIXED


@pytest.mark.parametrize(
    ("user", "message"),
    [("99999999999", "must be at most 4294967294"), ("ROOT", "root is what")],
)
def test_user_option_rejects(tmp_path: Path, user: str, message: str) -> None:
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    result = run_cli("--user", user, "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cdk/app.py", "named pipe"),
        ("template.yaml", "named pipe"),
        ("serverless.yml", "named pipe"),
        ("template.yaml", "character device"),
    ],
)
def test_infra_file_not_regular_reported(tmp_path: Path, name: str, kind: str) -> None:
    """A pipe would block the read, and /dev/zero would never end."""
    (tmp_path / "cdk").mkdir()
    (tmp_path / "cdk" / "cdk.json").write_text("{}")
    (tmp_path / "Dockerfile").write_bytes(LAMBDA)
    if kind == "named pipe":
        os.mkfifo(tmp_path / name)
    else:
        (tmp_path / name).symlink_to("/dev/zero")
    result = run_cli("--check", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"warning: {name}:1:" in result.stderr
    assert f"is a {kind}, not a regular file" in result.stderr
