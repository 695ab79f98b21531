"""The github format: workflow commands that GitHub Actions shows as annotations.

Escaping follows @actions/core (toolkit/packages/core/src/command.ts): in
the message, % CR LF become %25 %0D %0A; in properties also : and , become
%3A and %2C.
"""

from __future__ import annotations

from collections.abc import Sequence

from lambda_fix.findings import Severity
from lambda_fix.report.outcomes import file_status, findings, user_line
from lambda_fix.run import FileOutcome, Mode

_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int) -> str:
    """Format one workflow command line such as `::warning file=x::text`."""
    shown = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items()
    )
    return f"::{name} {shown}::{escape_data(message)}\n"


def render(outcomes: Sequence[FileOutcome], mode: Mode) -> bytes:
    lines = []
    for outcome in outcomes:
        if outcome.error:
            lines.append(
                command("error", outcome.error, file=outcome.path, title="lambda-fix")
            )
        status = file_status(outcome, mode)
        for finding in findings(outcome):
            message = finding.message
            if finding.code in ("LF001", "LF002") and status == "would-fix":
                message += "; run lambda-fix --write to add the USER line"
            lines.append(
                command(
                    _COMMANDS[finding.severity],
                    message,
                    file=outcome.path,
                    line=user_line(finding.line),
                    title=f"{finding.code} {finding.rule.name}",
                )
            )
    return "".join(lines).encode("utf-8", "backslashreplace")
