"""Run Checkov and hadolint once over a directory of Dockerfiles.

Both tools take seconds to start, so the tests write every Dockerfile into
one directory, as `<case>/Dockerfile` (Checkov scans only files named like
Dockerfiles: `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, but not
`Containerfile`), and run each tool once per directory.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.integration.paths import REPOSITORY

CHECKOV = REPOSITORY / ".venv-checkov" / "bin" / "checkov"
HADOLINT = REPOSITORY / ".venv" / "bin" / "hadolint"


def checkov_missing_reason() -> str:
    if not CHECKOV.exists():
        return f"checkov is not installed at {CHECKOV}; run scripts/install-tools.sh"
    return ""


def hadolint_missing_reason() -> str:
    if not HADOLINT.exists():
        return (
            f"hadolint is not installed at {HADOLINT}; run make .venv/.installed-test"
        )
    return ""


@dataclass
class CheckovReport:
    """Check results per case directory: check id to passed, failed, skipped."""

    results: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    parsing_errors: list[str] = field(default_factory=list)

    def outcomes(self, case: str, check_id: str) -> set[str]:
        return self.results[case][check_id]


def run_checkov(directory: Path) -> CheckovReport:
    """Scan a directory of `<case>/Dockerfile` files with no network access."""
    env = {
        **os.environ,
        # Skip the download of the check-to-guideline mapping.
        "BC_SKIP_MAPPING": "TRUE",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    }
    env.pop("BC_API_KEY", None)
    completed = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(directory),
            "--framework",
            "dockerfile",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    # Exit status 1 means some check failed, which the tests expect.
    assert completed.returncode in (0, 1), completed.stderr
    parsed: Any = json.loads(completed.stdout)
    reports = parsed if isinstance(parsed, list) else [parsed]
    report = CheckovReport()
    for item in reports:
        if item.get("check_type") != "dockerfile":
            continue
        report.parsing_errors.extend(item["results"].get("parsing_errors", []))
        for key, outcome in (
            ("passed_checks", "passed"),
            ("failed_checks", "failed"),
            ("skipped_checks", "skipped"),
        ):
            for check in item["results"].get(key, []):
                case = check["file_path"].strip("/").split("/")[0]
                report.results[case][check["check_id"]].add(outcome)
    return report


@dataclass(frozen=True)
class HadolintFinding:
    code: str
    line: int


def run_hadolint(paths: list[Path]) -> dict[Path, list[HadolintFinding]]:
    """Lint many files in one run; return the findings of each file."""
    completed = subprocess.run(
        [
            str(HADOLINT),
            "--no-fail",
            "--no-color",
            "--format",
            "json",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        # hadolint reads .hadolint.yaml from the working directory.
        cwd=paths[0].parent if paths else None,
    )
    assert completed.returncode == 0, completed.stderr
    findings: dict[Path, list[HadolintFinding]] = {path: [] for path in paths}
    for item in json.loads(completed.stdout or "[]"):
        findings[Path(item["file"])].append(HadolintFinding(item["code"], item["line"]))
    return findings
