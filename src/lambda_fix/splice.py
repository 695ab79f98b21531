"""Insert the USER line into the original bytes, changing nothing else."""

from __future__ import annotations

from lambda_fix.placement import Placement
from lambda_fix.syntax import Dockerfile


def keyword_case(dockerfile: Dockerfile) -> str:
    """Spell USER as most of the file's keywords are spelled."""
    lower = upper = 0
    for instruction in dockerfile.instructions:
        written = instruction.written_keyword
        if written.islower():
            lower += 1
        elif written.isupper():
            upper += 1
    return "user" if lower > upper else "USER"


def splice(dockerfile: Dockerfile, placement: Placement, user: str) -> bytes:
    """Return the file's bytes with one USER line inserted at the placement."""
    eol = placement.eol
    keyword = keyword_case(dockerfile)
    line = placement.indent + f"{keyword} {user}".encode()
    chunk = b""
    if placement.terminate_last_line:
        chunk += eol
    if placement.blank_before:
        chunk += eol
    chunk += line
    if not placement.terminate_last_line:
        chunk += eol
    if placement.blank_after:
        chunk += eol
    before = b"".join(dockerfile.lines[: placement.line])
    after = b"".join(dockerfile.lines[placement.line :])
    return before + chunk + after
