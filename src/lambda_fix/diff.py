"""Unified diffs that `git apply` accepts."""

from __future__ import annotations

import difflib

from lambda_fix.syntax import split_lines

_NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(path: str, before: bytes, after: bytes) -> bytes:
    """Return a diff from before to after with a/ and b/ paths, or b""."""
    # An absolute path loses its leading slash, as in git's own headers.
    path = path.lstrip("/")
    lines = difflib.diff_bytes(
        difflib.unified_diff,
        list(split_lines(before)),
        list(split_lines(after)),
        fromfile=f"a/{path}".encode("utf-8", "surrogateescape"),
        tofile=f"b/{path}".encode("utf-8", "surrogateescape"),
    )
    output = bytearray()
    for line in lines:
        output += line
        if not line.endswith(b"\n"):
            # A line without an ending is the last line of its file, which
            # git marks instead of inventing a newline.
            output += b"\n" + _NO_NEWLINE
    return bytes(output)
