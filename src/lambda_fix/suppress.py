"""Suppressions: comments and settings that tell lambda-fix to leave findings.

Three sources, checked in this order, each giving the reason shown for a
skipped file:

- `# lambda-fix: ignore` skips the whole file, and
  `# lambda-fix: ignore=LF001,LF005` ignores those codes in the file.
- The `select` and `ignore` settings (command line or configuration).
- Foreign suppressions, where another scanner's ignore states that root is
  intended: `# checkov:skip=CKV_DOCKER_3` or `CKV_DOCKER_8`,
  `# trivy:ignore:AVD-DS-0002` (or `DS002`, `DS-0002`) unless its `:exp:`
  date has passed, `# hadolint ignore=DL3002`, and a .trivyignore entry that
  the caller found. They ignore LF001 only.

Comment lines come from the scanner, so a `#` line inside a heredoc body,
which is data, suppresses nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lambda_fix.findings import Finding
from lambda_fix.options import Options
from lambda_fix.syntax import DockerfileError, is_comment, scan, split_lines

# Codes whose finding is the fix itself: ignoring one leaves the file as is.
FIX_CODES = frozenset({"LF001", "LF002"})
ROOT_CODE = "LF001"

_OWN = re.compile(
    r"lambda-fix:\s*ignore\b(?:\s*=\s*(?P<codes>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*))?",
    re.IGNORECASE,
)
_CHECKOV = re.compile(r"checkov:skip=(?P<id>CKV_DOCKER_[38])(?![0-9])")
_TRIVY = re.compile(
    r"trivy:ignore:(?P<id>AVD-DS-0002|DS-0002|DS002)(?![0-9])"
    r"(?::exp:(?P<expiry>\d{4}-\d{2}-\d{2}))?"
)
# Every suppression comment contains one of these, in any case.
_MARKERS = (b"lambda-fix", b"checkov", b"trivy", b"hadolint")
_HADOLINT = re.compile(r"hadolint\s+(?:global\s+)?ignore=[A-Z0-9, ]*\bDL3002\b")


@dataclass(frozen=True)
class Verdict:
    """The suppression decision for one file.

    A non-empty `file_reason` skips the whole file. `ignored` maps each code
    of the file's findings that is ignored to the reason why.
    """

    file_reason: str = ""
    ignored: dict[str, str] = field(default_factory=dict)


def review(data: bytes, findings: Sequence[Finding], options: Options) -> Verdict:
    """Decide which of a file's findings its comments and settings ignore."""
    lowered = data.lower()
    # Scanning is the costly part, and most files mention no suppression.
    if any(marker in lowered for marker in _MARKERS):
        comments = list(_comments(data))
    else:
        comments = []
    file_codes: dict[str, str] = {}
    for line, text in comments:
        match = _OWN.match(text.lstrip(" \t#"))
        if match is None:
            continue
        shown = f"'{text.strip()}' on line {line}"
        if match.group("codes") is None:
            return Verdict(file_reason=f"suppressed by {shown}")
        for code in re.split(r"\s*,\s*", match.group("codes").upper()):
            file_codes.setdefault(code, shown)

    foreign = _foreign_reason(comments, options) if options.foreign_suppressions else ""
    ignored: dict[str, str] = {}
    for finding in findings:
        reason = _ignore_reason(finding.code, file_codes, options)
        if not reason and finding.code == ROOT_CODE:
            reason = foreign
        if reason:
            ignored.setdefault(finding.code, reason)
    return Verdict(ignored=ignored)


def matches(code: str, patterns: Sequence[str]) -> bool:
    """Check whether a code equals or starts with one of the codes or prefixes."""
    return any(code.startswith(pattern) for pattern in patterns)


def _ignore_reason(code: str, file_codes: dict[str, str], options: Options) -> str:
    for pattern, shown in file_codes.items():
        if code.startswith(pattern):
            return f"{code} is ignored by {shown}"
    if options.select and not matches(code, options.select):
        return f"{code} is not in the select setting ({', '.join(options.select)})"
    if matches(code, options.ignore):
        return f"{code} is ignored by the ignore setting ({', '.join(options.ignore)})"
    return ""


def _foreign_reason(comments: list[tuple[int, str]], options: Options) -> str:
    hint = "; pass --no-foreign-suppressions to fix it anyway"
    for line, text in comments:
        if _CHECKOV.search(text) or _HADOLINT.search(text) or _live_trivy(text):
            return f"root is accepted by '{text.strip()}' on line {line}{hint}"
    if options.trivyignore_entry:
        return f"root is accepted by {options.trivyignore_entry}{hint}"
    return ""


def _live_trivy(text: str) -> bool:
    match = _TRIVY.search(text)
    if match is None:
        return False
    expiry = match.group("expiry")
    if expiry is None:
        return True
    try:
        return datetime.date.fromisoformat(expiry) >= datetime.date.today()
    except ValueError:
        return False


def _comments(data: bytes) -> Iterator[tuple[int, str]]:
    """Yield (1-based line, text) for each comment line outside heredoc bodies."""
    try:
        dockerfile = scan(data)
    except DockerfileError:
        # The file is invalid, so take every line that looks like a comment.
        texts = [line.decode("utf-8", "replace") for line in split_lines(data)]
        for index, text in enumerate(texts):
            if is_comment(text.rstrip("\r\n")):
                yield index + 1, text.rstrip("\r\n")
        return
    data_lines: set[int] = set()
    for instruction in dockerfile.instructions:
        if instruction.heredocs:
            data_lines.update(range(instruction.start + 1, instruction.end + 1))
    for index in range(len(dockerfile.lines)):
        text = dockerfile.line_text(index)
        if index not in data_lines and is_comment(text):
            yield index + 1, text
