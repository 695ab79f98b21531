"""Invariants that every result of fix_text must satisfy, whatever the input.

Shared by the property tests and the fuzzing harness in fuzz/.
"""

from __future__ import annotations

import re

from lambda_fix.core import Result, Status, fix_text
from lambda_fix.options import Options
from lambda_fix.syntax import split_lines

_USER_LINE = re.compile(rb"[ \t]*(?:USER|user) 1001:1001(?:\r?\n)?\Z")
_BLANK_LINES = (b"\n", b"\r\n")


def remove_insertion(before: bytes, after: bytes) -> bool:
    """Whether deleting one USER line and at most one blank line beside it
    from `after` gives `before` back byte for byte.

    When `before` ends without a line ending, the line ending that was
    added to its last line is allowed too.
    """
    lines = split_lines(after)
    accepted = {before}
    if not before.endswith(b"\n"):
        accepted |= {before + b"\n", before + b"\r\n"}
    for index, line in enumerate(lines):
        if not _USER_LINE.match(line):
            continue
        choices = [{index}]
        if index > 0 and lines[index - 1] in _BLANK_LINES:
            choices.append({index - 1, index})
        if index + 1 < len(lines) and lines[index + 1] in _BLANK_LINES:
            choices.append({index, index + 1})
        for removed in choices:
            rest = b"".join(
                kept for number, kept in enumerate(lines) if number not in removed
            )
            if rest in accepted:
                return True
    return False


def check_result(data: bytes, result: Result, options: Options | None = None) -> None:
    """Check what every result must satisfy, whatever the input.

    `options` are those that gave `result`; the second run uses them too.
    """
    if result.status is not Status.FIXED:
        assert result.output == data
        return
    added = len(split_lines(result.output)) - len(split_lines(data))
    assert added in (1, 2)
    assert remove_insertion(data, result.output)
    again = fix_text(result.output, options)
    assert again.status is Status.UNCHANGED, again.reason
    assert again.output == result.output
