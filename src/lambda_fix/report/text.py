"""The text format: the unified diffs of the files that change."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_fix.run import FileOutcome, Mode


def render(outcomes: Sequence[FileOutcome], mode: Mode) -> bytes:
    """Concatenate the diffs, which `git apply` and `patch -p1` accept."""
    return b"".join(outcome.diff for outcome in outcomes)
