"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.samples import LAMBDA_DOCKERFILE


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one Lambda Dockerfile to fix and one to skip."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text(LAMBDA_DOCKERFILE)
    (tmp_path / "web.dockerfile").write_text('FROM python:3.12\nCMD ["x"]\n')
    return tmp_path
