"""The json format, version 1, described by schema/report-v1.json.

Version 1 only grows: new optional keys may appear, but no key changes
meaning or goes away while "version" stays 1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from lambda_fix import __version__
from lambda_fix.report.outcomes import file_status, findings, reason, summary
from lambda_fix.run import FileOutcome, Mode

SCHEMA_VERSION = 1


def report(outcomes: Sequence[FileOutcome], mode: Mode) -> dict[str, Any]:
    """Build the report as plain data, ready for json.dumps."""
    counts = summary(outcomes, mode)
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "lambda-fix", "version": __version__},
        "mode": mode.value,
        "summary": {"files": len(outcomes), **counts},
        "files": [_file(outcome, mode) for outcome in outcomes],
    }


def render(outcomes: Sequence[FileOutcome], mode: Mode) -> bytes:
    text = json.dumps(report(outcomes, mode), indent=2, ensure_ascii=False)
    # Lone surrogates stand for bytes of file names and files that are not
    # UTF-8. backslashreplace writes them as JSON's own \\u escapes, so the
    # output stays valid UTF-8.
    return (text + "\n").encode("utf-8", "backslashreplace")


def _file(outcome: FileOutcome, mode: Mode) -> dict[str, Any]:
    result = outcome.result
    insertion = result.insertion if result else None
    return {
        "path": outcome.path,
        "status": file_status(outcome, mode),
        "reason": reason(outcome),
        "findings": [
            {
                "code": finding.code,
                "name": finding.rule.name,
                "line": finding.line,
                "severity": finding.severity.value,
                "message": finding.message,
            }
            for finding in findings(outcome)
        ],
        "user_line": insertion.user_line if insertion else None,
        "diff": outcome.diff.decode("utf-8", "replace") if outcome.diff else None,
    }
