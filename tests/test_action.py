"""The composite GitHub Action: its steps run as bash, as the runner runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.samples import FIXED_DOCKERFILE, LAMBDA_DOCKERFILE

CHECKOUT = Path(__file__).parent.parent
ACTION: dict[str, Any] = yaml.safe_load((CHECKOUT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}


def run_step(
    name: str, inputs: dict[str, str], cwd: Path, runner_temp: Path
) -> subprocess.CompletedProcess[str]:
    """Run one step's script with its env, filling in ${{ inputs.* }}."""
    step = STEPS[name]
    defaults = {
        key: value.get("default", "") for key, value in ACTION["inputs"].items()
    }
    values = {**defaults, **inputs}
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp)}
    for key, expression in step["env"].items():
        if expression == "${{ github.action_path }}":
            env[key] = str(CHECKOUT)
        else:
            field = expression.removeprefix("${{ inputs.").removesuffix(" }}")
            env[key] = values[field]
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def runner_temp(tmp_path: Path) -> Path:
    """A RUNNER_TEMP whose lambda-fix is the one installed for the tests."""
    script = Path(sys.executable).parent / "lambda-fix"
    if not script.exists():
        pytest.skip(f"no lambda-fix console script next to {sys.executable}")
    temp = tmp_path / "runner"
    (temp / "lambda-fix" / "bin").mkdir(parents=True)
    (temp / "lambda-fix" / "bin" / "lambda-fix").symlink_to(script)
    return temp


def test_inputs_and_modes() -> None:
    assert set(ACTION["inputs"]) == {"mode", "paths", "args", "annotations", "version"}
    assert ACTION["runs"]["using"] == "composite"


def test_check_mode_annotates_and_fails(repo: Path, runner_temp: Path) -> None:
    result = run_step("Run lambda-fix", {"mode": "check"}, repo, runner_temp)
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=api/Dockerfile,line=1,")
    assert (repo / "api" / "Dockerfile").read_text() == LAMBDA_DOCKERFILE


def test_write_mode_with_report(repo: Path, runner_temp: Path) -> None:
    inputs = {
        "mode": "write",
        "annotations": "false",
        "args": f"--report markdown={runner_temp}/pr-body.md",
    }
    result = run_step("Run lambda-fix", inputs, repo, runner_temp)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (repo / "api" / "Dockerfile").read_text() == FIXED_DOCKERFILE
    assert "| `api/Dockerfile` | fixed |" in (runner_temp / "pr-body.md").read_text()


def test_diff_mode_prints_diff(repo: Path, runner_temp: Path) -> None:
    result = run_step("Run lambda-fix", {"mode": "diff"}, repo, runner_temp)
    assert result.returncode == 1
    assert "+USER 1001:1001" in result.stdout


def test_invalid_mode_fails(repo: Path, runner_temp: Path) -> None:
    result = run_step("Run lambda-fix", {"mode": "fix"}, repo, runner_temp)
    assert result.returncode == 2
    assert "invalid mode 'fix'; use diff, check or write" in result.stdout


@pytest.mark.slow
def test_install_step_installs_checkout(tmp_path: Path) -> None:
    result = run_step("Install lambda-fix", {}, tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [str(tmp_path / "lambda-fix" / "bin" / "lambda-fix"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.startswith("lambda-fix ")
