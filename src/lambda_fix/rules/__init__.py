"""Checks that warn about what a Lambda image breaks, beyond its root user.

Each rule lives in its own module and exposes the same `check` function.
The core calls `check` below once, for Lambda images that it fixed or left
unchanged, so every rule gets an image whose final user is (or will be,
after the fix) not root.
"""

from __future__ import annotations

from lambda_fix.findings import Finding
from lambda_fix.options import Options
from lambda_fix.rules import sam_local, task_permissions
from lambda_fix.stages import Build, Stage
from lambda_fix.syntax import Dockerfile

_RULES = (task_permissions, sam_local)


def check(
    dockerfile: Dockerfile, build: Build, stage: Stage, options: Options
) -> list[Finding]:
    """Run every rule on the built stage; return findings ordered by line."""
    findings: list[Finding] = []
    for rule in _RULES:
        findings.extend(rule.check(dockerfile, build, stage, options))
    return sorted(findings, key=lambda finding: (finding.line, finding.code))
