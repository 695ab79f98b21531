"""Insert the USER line into the original bytes, changing nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from lambda_fix.placement import Placement
from lambda_fix.syntax import Dockerfile


@dataclass(frozen=True)
class Insertion:
    """The inserted text and its position in the input, for reports of fixes.

    `line` and `column` (both 1-based) locate the insertion point in the
    input: the start of a line, or the end of a last line that has no line
    ending. `text` is every inserted character, line endings and blank lines
    included. `user_line` is the 1-based line of the USER line in the output.
    """

    line: int
    column: int
    text: str
    user_line: int


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
    before = b"".join(dockerfile.lines[: placement.line])
    after = b"".join(dockerfile.lines[placement.line :])
    return before + _chunk(dockerfile, placement, user) + after


def insertion(dockerfile: Dockerfile, placement: Placement, user: str) -> Insertion:
    """Describe the text that splice() inserts and where it goes."""
    text = _chunk(dockerfile, placement, user).decode("utf-8", "surrogateescape")
    if placement.terminate_last_line:
        last = dockerfile.line_text(len(dockerfile.lines) - 1)
        return Insertion(
            line=len(dockerfile.lines),
            column=len(last) + 1,
            text=text,
            user_line=len(dockerfile.lines) + 1 + placement.blank_before,
        )
    return Insertion(
        line=placement.line + 1,
        column=1,
        text=text,
        user_line=placement.line + 1 + placement.blank_before,
    )


def _chunk(dockerfile: Dockerfile, placement: Placement, user: str) -> bytes:
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
    return chunk
