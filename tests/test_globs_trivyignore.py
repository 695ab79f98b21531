"""Glob matching and the lookup of Trivy ignore files."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest

from lambda_fix.globs import glob_match
from lambda_fix.trivyignore import find_entry

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("pattern", "path", "anchored", "expected"),
    [
        ("Dockerfile.lambda", "api/Dockerfile.lambda", False, True),
        ("*.df", "a/b/c.df", False, True),
        ("*.df", "a/b/c.dfx", False, False),
        ("vendor", "vendor/x/Dockerfile", False, True),
        ("api/*", "api/Dockerfile", False, True),
        ("api/*", "web/api/Dockerfile", False, False),
        ("**/api/*", "web/api/Dockerfile", False, True),
        ("a?c", "abc", False, True),
        ("[ab]x", "bx", False, True),
        ("[!ab]x", "bx", False, False),
        ("docs/Dockerfile", "docs/Dockerfile", True, True),
        ("Dockerfile", "docs/Dockerfile", True, False),
        ("**/Dockerfile", "Dockerfile", True, True),
        ("**/Dockerfile", "a/b/Dockerfile", True, True),
        ("x/*", "x/a/b", True, False),
    ],
)
def test_glob_match(pattern: str, path: str, anchored: bool, expected: bool) -> None:
    assert glob_match(pattern, path, anchored) is expected


@pytest.fixture
def project(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM x\n")
    return tmp_path


def test_trivyignore_in_file_directory(project: Path) -> None:
    (project / "api" / ".trivyignore").write_text("DS002\n")
    entry = find_entry(project / "api" / "Dockerfile", TODAY)
    assert entry == f"DS002 in {project / 'api' / '.trivyignore'} (line 1)"


def test_trivyignore_expiry(project: Path) -> None:
    ignore = project / ".trivyignore"
    ignore.write_text("AVD-DS-0002 exp:2026-05-31\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""
    ignore.write_text("AVD-DS-0002 exp:2026-06-01\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) != ""
    ignore.write_text("AVD-DS-0002 exp:tomorrow\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


def test_trivyignore_other_ids_and_comments(project: Path) -> None:
    (project / ".trivyignore").write_text("# DS002\nAVD-DS-0001\nds002\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


def test_trivyignore_yaml_paths(project: Path) -> None:
    ignore = project / ".trivyignore.yaml"
    ignore.write_text(
        "misconfigurations:\n"
        "  - id: AVD-DS-0002\n    paths: ['**/web/Dockerfile']\n"
        "  - id: DS-0002\n    paths: ['api/*']\n"
    )
    assert find_entry(project / "api" / "Dockerfile", TODAY) == f"DS-0002 in {ignore}"


def test_trivyignore_yaml_invalid_is_ignored(project: Path) -> None:
    (project / ".trivyignore.yaml").write_text("misconfigurations: [\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


def test_trivyignore_outside_repository_unused(tmp_path: Path) -> None:
    (tmp_path / ".trivyignore").write_text("DS002\n")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "Dockerfile").write_text("FROM x\n")
    assert find_entry(project / "Dockerfile", TODAY) == ""
