"""Statuses, counts and advice that every output format derives from outcomes."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_fix.core import Status
from lambda_fix.findings import RULES, Finding, Severity
from lambda_fix.run import FileOutcome, Mode

# Per-file statuses of the reports, in the order summaries list them.
STATUSES = ("fixed", "would-fix", "unchanged", "skipped", "refused", "error")

# Advice per finding code, for SARIF help and the pull-request body. A code
# missing here falls back to its rule summary.
GUIDANCE = {
    "LF001": (
        "Add a non-root USER as the final user; lambda-fix inserts "
        "`USER 1001:1001`. Lambda ignores USER, so the function runs as "
        "before."
    ),
    "LF002": (
        "Remove the whitespace or comment from the USER value; lambda-fix "
        "adds a valid USER line after it."
    ),
    "LF003": (
        "Make the files under /var/task readable by other users (for example "
        "COPY --chmod=644 or umask 022), because Lambda runs the function as "
        "a user that does not own them."
    ),
    "LF004": (
        "`sam local invoke` adds a RUN that moves its emulator into /var/rapid, "
        "which fails as a non-root user; test with `docker run` and the "
        "Runtime Interface Emulator instead, or keep root for local SAM runs."
    ),
    "LF005": (
        "Give the variable a default in the Dockerfile, pass --build-arg, or "
        "write a literal USER."
    ),
    "LF006": "Write `USER root` in lowercase or use a numeric uid.",
    "LF007": (
        "Rewrite the reported lines so they read the same to BuildKit and "
        "to people; lambda-fix then places the USER line."
    ),
    "LF008": "Exclude Windows images; USER there takes an account name.",
    "LF009": (
        "Check that the image runs as a non-root user, then run lambda-fix "
        "with --include-custom-runtimes to fix it."
    ),
    "LF010": "Fix the Dockerfile so that `docker build` accepts it.",
}


def file_status(outcome: FileOutcome, mode: Mode) -> str:
    """Return the report status of one file: one of STATUSES."""
    if outcome.error:
        return "error"
    assert outcome.result is not None
    status = outcome.result.status
    if status is Status.FIXED:
        return "fixed" if mode is Mode.WRITE else "would-fix"
    return str(status.value)


def reason(outcome: FileOutcome) -> str:
    """Return the file's reason or error message."""
    if outcome.error:
        return outcome.error
    return outcome.result.reason if outcome.result else ""


def findings(outcome: FileOutcome) -> tuple[Finding, ...]:
    return outcome.result.findings if outcome.result else ()


def summary(outcomes: Sequence[FileOutcome], mode: Mode) -> dict[str, int]:
    """Count files per status; every status is present, zero or not."""
    counts = dict.fromkeys(STATUSES, 0)
    for outcome in outcomes:
        counts[file_status(outcome, mode)] += 1
    return counts


def guidance(code: str) -> str:
    return GUIDANCE.get(code) or RULES[code].summary


def first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def user_line(line: int) -> int:
    """Clamp a finding's line to 1, the first line any consumer accepts."""
    return max(line, 1)


def severity_order(severity: Severity) -> int:
    return (Severity.ERROR, Severity.WARNING, Severity.INFO).index(severity)
