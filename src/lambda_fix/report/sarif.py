"""The sarif format: SARIF 2.1.0 for GitHub code scanning and other viewers.

Each fixable finding carries a `fixes` entry: one replacement whose
deletedRegion is empty (startColumn equals endColumn) at the insertion
point, with the new line as insertedContent. Regions refer to the file as it
was read, so in --write mode they describe the change just made.

NOTE: line numbers count LF line endings only, as BuildKit does. A viewer
that also ends lines at a lone CR would place results in such a file lower.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from lambda_fix import __version__
from lambda_fix.findings import RULES, Finding, Severity
from lambda_fix.report.outcomes import (
    file_status,
    findings,
    first_sentence,
    guidance,
    user_line,
)
from lambda_fix.run import FileOutcome, Mode

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def log(outcomes: Sequence[FileOutcome], mode: Mode) -> dict[str, Any]:
    """Build the SARIF log as plain data, ready for json.dumps."""
    codes = sorted(RULES)
    results = []
    notifications = []
    for outcome in outcomes:
        if outcome.error:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": outcome.error},
                    "locations": [_location(outcome.path, None)],
                }
            )
        for finding in findings(outcome):
            results.append(_result(outcome, mode, finding, codes.index(finding.code)))
    run = {
        "tool": {
            "driver": {
                "name": "lambda-fix",
                "version": __version__,
                "rules": [_rule(code) for code in codes],
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(outcomes: Sequence[FileOutcome], mode: Mode) -> bytes:
    text = json.dumps(log(outcomes, mode), indent=2, ensure_ascii=False)
    # Lone surrogates stand for bytes of file names and files that are not
    # UTF-8. backslashreplace writes them as JSON's own \\u escapes, so the
    # output stays valid UTF-8.
    return (text + "\n").encode("utf-8", "backslashreplace")


def _rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    help_text = guidance(code)
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": first_sentence(rule.summary)},
        "fullDescription": {"text": rule.summary},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }


def _result(
    outcome: FileOutcome, mode: Mode, finding: Finding, index: int
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(outcome.path, user_line(finding.line))],
    }
    insertion = outcome.result.insertion if outcome.result else None
    fixable = file_status(outcome, mode) in ("fixed", "would-fix")
    if insertion and fixable and finding.code in ("LF001", "LF002"):
        assert outcome.result is not None
        point = {
            "startLine": insertion.line,
            "startColumn": insertion.column,
            "endLine": insertion.line,
            "endColumn": insertion.column,
        }
        change = {
            "artifactLocation": {"uri": _uri(outcome.path)},
            "replacements": [
                {"deletedRegion": point, "insertedContent": {"text": insertion.text}}
            ],
        }
        result["fixes"] = [
            {
                "description": {"text": outcome.result.reason},
                "artifactChanges": [change],
            }
        ]
    return result


def _location(path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line is not None:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _uri(path: str) -> str:
    """Percent-encode a relative or absolute path as a URI reference."""
    if path.startswith("/"):
        return "file://" + quote(path, errors="surrogateescape")
    # surrogateescape turns bytes that are not UTF-8 back into %XX escapes.
    return quote(path, errors="surrogateescape")
