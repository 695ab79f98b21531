"""BuildKit's own parser, through the PyPI package `dockerfile`, as an oracle.

The package wraps an old BuildKit release in a Go extension and ships wheels
only for x86_64 Linux, macOS and Windows, so tests that use it skip where it
is missing. It is never a runtime dependency.
"""

from __future__ import annotations

import pytest

dockerfile = pytest.importorskip(
    "dockerfile",
    reason="the `dockerfile` package (BuildKit's parser) has no wheel here",
)


def _text(data: bytes) -> str:
    # The extension crashes the interpreter on lone surrogates, so bytes that
    # are not UTF-8 become U+FFFD, which changes no line or word boundary.
    return data.decode("utf-8", "replace")


def buildkit_spans(data: bytes) -> list[tuple[str, int, int]] | str:
    """Return (keyword, first line, last line) per instruction, 1-based,
    or the error text when BuildKit rejects the file."""
    text = _text(data)
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as error:
        return f"error: {error}"
    return [(c.cmd.lower(), c.start_line, c.end_line) for c in commands]


def buildkit_commands(data: bytes) -> list[object]:
    return list(dockerfile.parse_string(_text(data)))
