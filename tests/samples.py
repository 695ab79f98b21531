"""Dockerfiles and a command-line runner shared by the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
