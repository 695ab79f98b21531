"""Helpers shared by the command-line tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LAMBDA_DOCKERFILE = (
    "FROM public.ecr.aws/lambda/python:3.12\n"
    "COPY app.py ${LAMBDA_TASK_ROOT}\n"
    'CMD ["app.handler"]\n'
)
FIXED_DOCKERFILE = (
    "FROM public.ecr.aws/lambda/python:3.12\n"
    "COPY app.py ${LAMBDA_TASK_ROOT}\n"
    "USER 1001:1001\n"
    'CMD ["app.handler"]\n'
)


def run_cli(
    *args: str | Path, cwd: Path, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m lambda_fix` as a user would, capturing both streams."""
    return subprocess.run(
        [sys.executable, "-m", "lambda_fix", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one Lambda Dockerfile to fix and one to skip."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text(LAMBDA_DOCKERFILE)
    (tmp_path / "web.dockerfile").write_text('FROM python:3.12\nCMD ["x"]\n')
    return tmp_path
