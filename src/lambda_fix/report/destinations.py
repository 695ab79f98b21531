"""Destinations of the formats: --output-format with --output, and each --report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lambda_fix.report.formats import FORMATS, render
from lambda_fix.run import FileOutcome, Mode


@dataclass(frozen=True)
class Destination:
    """One format written to a file, or to stdout when path is None."""

    format: str
    path: Path | None = None


def parse_report(value: str) -> Destination:
    """Parse a --report FORMAT=PATH value; raise ValueError with the fix."""
    name, equals, path = value.partition("=")
    if not equals or not path:
        raise ValueError(
            f"{value!r} is not FORMAT=PATH; write it as --report json=report.json"
        )
    if name not in FORMATS:
        raise ValueError(
            f"unknown format {name!r} in {value!r}; use one of {', '.join(FORMATS)}"
        )
    return Destination(name, None if path == "-" else Path(path))


def write(destination: Destination, outcomes: Sequence[FileOutcome], mode: Mode) -> str:
    """Write one format; return an error message, or "" on success."""
    data = render(destination.format, outcomes, mode)
    if destination.path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return ""
    try:
        destination.path.write_bytes(data)
    except OSError as error:
        return (
            f"cannot write {destination.format} report to {destination.path}: "
            f"{error.strerror}; check that the directory exists and is writable"
        )
    return ""
