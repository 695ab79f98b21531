"""--output-format, --output, --report, --select/--ignore on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.samples import FIXED_DOCKERFILE, LAMBDA_DOCKERFILE, run_cli


def test_default_output_is_diff(repo: Path) -> None:
    result = run_cli(".", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.startswith(b"--- a/api/Dockerfile\n")


def test_write_with_reports(repo: Path) -> None:
    result = run_cli(
        "--write",
        ".",
        "--report",
        "markdown=pr-body.md",
        "--report",
        "json=report.json",
        cwd=repo,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert (repo / "api" / "Dockerfile").read_text() == FIXED_DOCKERFILE
    body = (repo / "pr-body.md").read_text()
    assert "| `api/Dockerfile` | fixed |" in body
    report = json.loads((repo / "report.json").read_text())
    assert report["mode"] == "write"
    assert report["summary"]["fixed"] == 1


def test_output_file_holds_format(repo: Path) -> None:
    result = run_cli(".", "--output-format", "sarif", "--output", "out.sarif", cwd=repo)
    assert result.stdout == b""
    assert json.loads((repo / "out.sarif").read_text())["version"] == "2.1.0"


def test_report_to_stdout_and_bad_spec(repo: Path) -> None:
    result = run_cli("--check", ".", "--report", "github=-", cwd=repo)
    assert result.stdout.startswith(b"::error file=api/Dockerfile,line=1,")
    result = run_cli(".", "--report", "yaml=x.yaml", cwd=repo)
    assert result.returncode == 2
    assert b"unknown format 'yaml'" in result.stderr


def test_unwritable_report_exits_2(repo: Path) -> None:
    result = run_cli(".", "--report", "json=missing/dir/r.json", cwd=repo)
    assert result.returncode == 2
    assert b"cannot write json report to missing/dir/r.json" in result.stderr


def test_ignore_and_select_codes(repo: Path) -> None:
    result = run_cli(".", "--ignore", "LF001", "--check", cwd=repo)
    assert result.returncode == 0
    result = run_cli(".", "--select", "LF005,LF006", "--check", cwd=repo)
    assert result.returncode == 0
    result = run_cli(".", "--select", "LF001", "--check", cwd=repo)
    assert result.returncode == 1
    result = run_cli(".", "--ignore", "XX1", cwd=repo)
    assert result.returncode == 2
    assert b"unknown finding code 'XX1'" in result.stderr


def test_trivyignore_in_repository_root(repo: Path) -> None:
    (repo / ".trivyignore").write_text("# accepted\nCVE-2020-1\nAVD-DS-0002\n")
    result = run_cli(".", "--check", "-v", cwd=repo)
    assert result.returncode == 0
    assert b".trivyignore (line 3)" in result.stderr
    result = run_cli(".", "--check", "--no-foreign-suppressions", cwd=repo)
    assert result.returncode == 1


def test_trivyignore_yaml_paths_and_expiry(repo: Path) -> None:
    ignore = repo / ".trivyignore.yaml"
    ignore.write_text(
        "misconfigurations:\n  - id: AVD-DS-0002\n    paths: ['other/*']\n"
    )
    assert run_cli(".", "--check", cwd=repo).returncode == 1
    ignore.write_text(
        "misconfigurations:\n  - id: DS002\n    paths: ['api/Dockerfile']\n"
    )
    assert run_cli(".", "--check", cwd=repo).returncode == 0
    ignore.write_text("misconfigurations:\n  - id: DS002\n    expired_at: 2001-01-01\n")
    assert run_cli(".", "--check", cwd=repo).returncode == 1


def test_stdin_json(tmp_path: Path) -> None:
    result = run_cli(
        "-", "--output-format", "json", cwd=tmp_path, stdin=LAMBDA_DOCKERFILE.encode()
    )
    document = json.loads(result.stdout)
    assert document["files"][0]["path"] == "-"
    # The fixed text is not printed in this format, so nothing was fixed.
    assert document["files"][0]["status"] == "would-fix"
    assert result.returncode == 1


def test_stdin_default_prints_fixed_text(tmp_path: Path) -> None:
    result = run_cli("-", cwd=tmp_path, stdin=LAMBDA_DOCKERFILE.encode())
    assert result.stdout == FIXED_DOCKERFILE.encode()
    assert result.returncode == 0
