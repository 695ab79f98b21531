"""Per-file status lines on stderr, the closing summary and the exit code."""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from lambda_fix.core import Status
from lambda_fix.findings import Severity
from lambda_fix.run import FileOutcome, Mode

EXIT_CLEAN = 0
EXIT_FIXES_NEEDED = 1
EXIT_ERROR = 2

_COLORS = {
    "error": "\033[31m",
    "warning": "\033[33m",
    "fixed": "\033[32m",
    "would fix": "\033[33m",
    "path": "\033[1m",
}
_RESET = "\033[0m"


def use_color(choice: str, stream: TextIO) -> bool:
    """Decide colour from --color and NO_COLOR (https://no-color.org)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


@dataclass
class Report:
    mode: Mode
    verbose: bool = False
    quiet: bool = False
    color: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    counts: Counter[str] = field(default_factory=Counter)

    def paint(self, text: str, style: str) -> str:
        if not self.color:
            return text
        return f"{_COLORS[style]}{text}{_RESET}"

    def line(self, path: str, label: str, text: str, style: str | None = None) -> None:
        shown = self.paint(label, style) if style else label
        self.stream.write(f"{self.paint(path, 'path')}: {shown}: {text}\n")

    def add(self, outcome: FileOutcome) -> None:
        """Count one file and print its line, as --quiet/--verbose allow."""
        result = outcome.result
        if outcome.error:
            self.counts["error"] += 1
            self.line(outcome.path, "error", outcome.error, "error")
            return
        if outcome.skipped:
            # Shown without --verbose: the user may expect this file fixed.
            self.counts["skipped"] += 1
            if not self.quiet:
                self.line(outcome.path, "skipped", outcome.skipped, "warning")
            return
        assert result is not None
        status = result.status
        if status is Status.REFUSED:
            self.counts["error"] += 1
            self.line(outcome.path, "error", result.reason, "error")
            return
        if status is Status.FIXED:
            label = "fixed" if self.mode is Mode.WRITE else "would fix"
            self.counts[label] += 1
            if not self.quiet:
                self.line(outcome.path, label, result.reason, label)
        else:
            self.counts[status.value] += 1
            if self.verbose:
                self.line(outcome.path, status.value, result.reason)
        for finding in result.findings:
            if finding.severity is Severity.WARNING and not self.quiet:
                text = f"{finding.code} line {finding.line}: {finding.message}"
                self.line(outcome.path, "warning", text, "warning")

    @property
    def exit_code(self) -> int:
        if self.counts["error"]:
            return EXIT_ERROR
        if self.counts["would fix"]:
            return EXIT_FIXES_NEEDED
        return EXIT_CLEAN

    def summary(self) -> str:
        """Return one closing line such as '5 files: 2 would be fixed, 3 skipped'."""
        labels = (
            ("fixed", "fixed"),
            ("would fix", "would be fixed"),
            ("unchanged", "left unchanged"),
            ("skipped", "skipped"),
            ("error", "failed"),
        )
        parts = [
            f"{self.counts[key]} {words}" for key, words in labels if self.counts[key]
        ]
        total = sum(self.counts.values())
        if total == 0:
            return "no Dockerfiles found"
        noun = "file" if total == 1 else "files"
        return f"{total} {noun}: " + ", ".join(parts)
