"""Run the installed lambda-fix console script in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def lambda_fix_command() -> list[str]:
    """The installed console script, or the module when it is not on disk."""
    script = Path(sys.executable).with_name("lambda-fix")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "lambda_fix"]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run lambda-fix with colour off and return its exit status and output."""
    return subprocess.run(
        [*lambda_fix_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
