"""The pre-commit hooks: the files pattern, and real runs of pre-commit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from lambda_fix.discover import is_dockerfile_name
from tests.samples import FIXED_DOCKERFILE, LAMBDA_DOCKERFILE

CHECKOUT = Path(__file__).parent.parent
HOOKS: list[dict[str, Any]] = yaml.safe_load(
    (CHECKOUT / ".pre-commit-hooks.yaml").read_text()
)

NAMES = [
    ("Dockerfile", True),
    ("api/Dockerfile", True),
    ("api/Dockerfile.lambda", True),
    ("x.dockerfile", True),
    ("deploy/app.Dockerfile", True),
    ("Containerfile", True),
    ("build/Containerfile.prod", True),
    ("dockerfile", True),
    (".dockerignore", False),
    ("Dockerfile.dockerignore", False),
    ("api/.dockerignore", False),
    ("Dockerfiles/readme.md", False),
    ("mydockerfile", False),
    ("docs/dockerfile.md.txt/notes", False),
    ("README.md", False),
]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook["id"])
@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_files_pattern(hook: dict[str, Any], name: str, expected: bool) -> None:
    # pre-commit applies `files` and `exclude` with re.search to the path.
    chosen = bool(re.search(hook["files"], name)) and not re.search(
        hook["exclude"], name
    )
    assert chosen == expected


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_files_pattern_matches_discovery(name: str, expected: bool) -> None:
    assert is_dockerfile_name(name.rsplit("/", 1)[-1]) == expected


def test_hook_entries() -> None:
    entries = {hook["id"]: hook["entry"] for hook in HOOKS}
    assert entries == {
        "lambda-fix": "lambda-fix --write",
        "lambda-fix-check": "lambda-fix --check",
    }


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def try_repo(hook: str, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    head = git("rev-parse", "HEAD", cwd=CHECKOUT)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(CHECKOUT),
            hook,
            "--ref",
            head,
            "--all-files",
        ],
        cwd=project,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_try_repo_fixes_then_passes(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extras")
    if subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=CHECKOUT, capture_output=True, check=False
    ).returncode:
        pytest.skip("the checkout is not a git repository with a commit")
    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", cwd=project)
    (project / "api").mkdir()
    (project / "api" / "Dockerfile").write_text(LAMBDA_DOCKERFILE)
    (project / "web.dockerfile").write_text('FROM python:3.12\nCMD ["x"]\n')
    git("add", ".", cwd=project)
    git("commit", "-qm", "initial", cwd=project)
    home = tmp_path / "cache"

    check = try_repo("lambda-fix-check", project, home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert (project / "api" / "Dockerfile").read_text() == LAMBDA_DOCKERFILE

    first = try_repo("lambda-fix", project, home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (project / "api" / "Dockerfile").read_text() == FIXED_DOCKERFILE

    git("add", ".", cwd=project)
    second = try_repo("lambda-fix", project, home)
    assert second.returncode == 0, second.stdout + second.stderr
    check = try_repo("lambda-fix-check", project, home)
    assert check.returncode == 0, check.stdout + check.stderr
