"""End to end: the real command line on a copy of fixtures/monorepo.

The fixture contains a CDK app in Python (a declared target, build arguments,
an unresolved directory and a bundling image), a SAM template with
CloudFormation tags, a Serverless file with a custom Dockerfile name,
nested .gitignore files, a cdk.out copy, node_modules, a custom runtime
and a web app that is not a Lambda image.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_fix.diff import unified_diff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED_DIFF = (FIXTURES / "monorepo-expected.diff").read_bytes()
EXPECTED_FILES = (FIXTURES / "monorepo-expected-files.txt").read_text()


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lambda_fix", *args],
        cwd=cwd,
        capture_output=True,
        check=False,
    )


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


@pytest.fixture(params=["plain-tree", "git-repository"])
def tree(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "monorepo"
    shutil.copytree(FIXTURES / "monorepo", root)
    if request.param == "git-repository":
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_show_files(tree: Path) -> None:
    completed = _run(tree, "--show-files", ".")
    assert completed.returncode == 0
    assert completed.stdout.decode() == EXPECTED_FILES


def test_diff_matches_expected(tree: Path) -> None:
    completed = _run(tree, ".")
    assert completed.returncode == 1
    assert completed.stdout == EXPECTED_DIFF
    stderr = completed.stderr.decode()
    assert "custom/Containerfile: warning: LF009" in stderr
    assert stderr.endswith("8 files: 4 would be fixed, 1 left unchanged, 3 skipped\n")


def test_write_changes_only_expected_files(tree: Path) -> None:
    before = _snapshot(tree)
    completed = _run(tree, "--write", ".")
    assert completed.returncode == 0, completed.stderr
    after = _snapshot(tree)

    assert after.keys() == before.keys()
    changed = [name for name in before if before[name] != after[name]]
    diff = b"".join(unified_diff(name, before[name], after[name]) for name in changed)
    assert diff == EXPECTED_DIFF

    again = _run(tree, "--check", ".")
    assert again.returncode == 0, again.stderr


def test_include_custom_runtimes(tree: Path) -> None:
    completed = _run(tree, "--check", "--include-custom-runtimes", ".")
    stderr = completed.stderr.decode()
    assert "custom/Containerfile: would fix" in stderr
    assert stderr.endswith("8 files: 5 would be fixed, 1 left unchanged, 2 skipped\n")


def test_verbose_reports_declarations(tree: Path) -> None:
    stderr = _run(tree, "--check", "--verbose", ".").stderr.decode()
    expected_lines = [
        "sam-app/template.yaml:11: sam declares a Lambda image built from "
        "sam-app/hello/Dockerfile",
        "sls/serverless.yml:8: serverless declares a Lambda image built from "
        "sls/worker/lambda.build (target final)",
        "infra/cdk/stacks/api.py:22: cdk declares a Lambda image built from "
        "services/orders/Dockerfile (target runtime)",
    ]
    for line in expected_lines:
        assert line in stderr
    assert "infra/cdk/stacks/api.py:41: image asset directory" in stderr
    assert "infra/cdk/stacks/api.py:49: DockerImage.from_build" in stderr


def test_command_line_target_wins(tree: Path) -> None:
    declared = _run(tree, "--check", "sls").stderr.decode()
    assert "lambda.build: would fix: add USER 1001:1001 above ENTRYPOINT" in declared

    chosen = _run(tree, "--check", "--target", "debug", "sls").stderr.decode()
    assert "lambda.build: would fix: add USER 1001:1001 after RUN on line 15" in chosen


def test_declarations_outside_paths_ignored(tree: Path) -> None:
    # The CDK app is not under services/orders, so nothing declares the file
    # and its python base makes it a custom runtime at most.
    stderr = _run(tree, "--check", "services/orders").stderr.decode()
    assert "services/orders/Dockerfile: warning: LF009" in stderr
    assert "would fix" not in stderr


def test_force_exclude_named_files(tree: Path) -> None:
    named = ["infra/cdk/cdk.out/asset.3f2a9c/Dockerfile", "web/Dockerfile"]
    plain = _run(tree, "--show-files", *named)
    assert plain.stdout.decode().splitlines() == sorted(named)
    forced = _run(tree, "--show-files", "--force-exclude", *named)
    assert forced.stdout.decode().splitlines() == ["web/Dockerfile"]


def test_jobs_do_not_change_output(tmp_path: Path) -> None:
    corpus = [
        b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n',
        b'FROM node:20\nCMD ["node", "server.js"]\n',
        b'FROM public.ecr.aws/lambda/nodejs:20\nUSER root\nCMD ["i.h"]\n',
        b"FROM python:3.12\nRUN pip install awslambdaric\n",
    ]
    for index in range(600):
        path = tmp_path / f"svc-{index % 7}" / f"{index:04d}.Dockerfile"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(corpus[index % len(corpus)])
    single = _run(tmp_path, "--jobs", "1", ".")
    several = _run(tmp_path, "--jobs", "2", ".")
    assert single.returncode == several.returncode == 1
    assert several.stdout == single.stdout
    assert several.stderr == single.stderr
    assert b"600 files: 300 would be fixed" in single.stderr
