"""Checks that every fix must pass, shared by the corpus and property tests."""

from __future__ import annotations

import difflib

from lambda_fix.syntax import split_lines


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
