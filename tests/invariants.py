"""Invariants that every result of fix_text must satisfy, whatever the input.

Shared by the corpus and property tests and the fuzzing harness in fuzz/.
"""

from __future__ import annotations

import difflib
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


def assert_only_user_lines_added(before: bytes, after: bytes, user_line: bytes) -> None:
    """The output is the input plus USER lines and blank lines beside them."""
    old = list(split_lines(before))
    new = list(split_lines(after))
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    inserted: list[bytes] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if (
            tag == "replace"
            and i2 - i1 == 1
            and old[i1].rstrip(b"\r\n") == new[j1].rstrip(b"\r\n")
        ):
            # The old last line gained a line ending so a line could follow.
            inserted.extend(new[j1 + 1 : j2])
            continue
        assert tag == "insert", f"{tag} of lines {i1 + 1}-{i2}: {old[i1:i2]!r}"
        inserted.extend(new[j1:j2])
    users = [line for line in inserted if line.strip() == user_line]
    blanks = [line for line in inserted if not line.strip()]
    assert len(users) == 1, inserted
    assert len(blanks) <= 1, inserted
    assert len(users) + len(blanks) == len(inserted), inserted


def assert_buildkit_sees_one_more_user(before: bytes, after: bytes) -> None:
    """BuildKit reads the output as the input plus one USER in the last stage."""
    from tests.buildkit import buildkit_commands

    old = [(c.cmd.lower(), c.original) for c in buildkit_commands(before)]
    new = [(c.cmd.lower(), c.original) for c in buildkit_commands(after)]
    assert len(new) == len(old) + 1
    added = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old)
    )
    assert new[added][0] == "user"
    assert new[:added] + new[added + 1 :] == old
    last_from = max(i for i, (cmd, _) in enumerate(old) if cmd == "from")
    assert added > last_from
