"""Inputs that hypothesis, the fuzzer or a review found to break lambda-fix.

Each case records the input and what must hold for it now. Inputs from the
fuzzer (`make fuzz`) are added here with the id `fuzz-<what it hit>`.
"""

from __future__ import annotations

import pytest

from lambda_fix.core import Status, fix_text
from lambda_fix.stages import expand
from tests.invariants import check_result

LAMBDA = b"FROM public.ecr.aws/lambda/python:3.12"

# Each case: input, expected status, and for FIXED the expected output.
CASES = [
    pytest.param(
        b"\rFROM public.ecr.aws/lambda/python:3.12 AS stage0",
        Status.FIXED,
        b"\rFROM public.ecr.aws/lambda/python:3.12 AS stage0\nUSER 1001:1001",
        id="hypothesis-carriage-return-indent-not-copied",
    ),
    pytest.param(
        b"\xef\xbb\xbfFROM amazon/aws-lambda-python -y x \\\n# comme\0\0\x006er\n",
        Status.REFUSED,
        None,
        id="fuzz-continuation-open-at-end-through-comment",
    ),
    pytest.param(
        LAMBDA + b" \\\n\n  \n",
        Status.REFUSED,
        None,
        id="continuation-open-at-end-through-blank-lines",
    ),
    pytest.param(
        LAMBDA + b"\nRUN true \\\n# trailing comment",
        Status.REFUSED,
        None,
        id="run-continuation-open-at-end",
    ),
    pytest.param(
        b"# syntax=x" + b" " * 200_000 + b"y\n" + LAMBDA + b"\n",
        Status.FIXED,
        b"# syntax=x" + b" " * 200_000 + b"y\n" + LAMBDA + b"\nUSER 1001:1001\n",
        id="directive-with-many-blanks-is-linear",
    ),
    pytest.param(
        LAMBDA + b"\nENV A=" + b"${A:-" * 100_000 + b"\n",
        Status.FIXED,
        LAMBDA + b"\nENV A=" + b"${A:-" * 100_000 + b"\nUSER 1001:1001\n",
        id="unclosed-variables-are-linear",
    ),
    pytest.param(
        LAMBDA + b"\n" + b"".join(b"ENV V%d=$V%d\n" % (i, i) for i in range(50_000)),
        Status.FIXED,
        LAMBDA
        + b"\n"
        + b"".join(b"ENV V%d=$V%d\n" % (i, i) for i in range(50_000))
        + b"USER 1001:1001\n",
        id="many-env-instructions-are-linear",
    ),
    pytest.param(
        LAMBDA + b"\nRUN a \\\n" + b"  && b \\\n" * 100_000 + b"  && c\n",
        Status.FIXED,
        LAMBDA
        + b"\nRUN a \\\n"
        + b"  && b \\\n" * 100_000
        + b"  && c\nUSER 1001:1001\n",
        id="long-continuation-is-linear",
    ),
]


@pytest.mark.parametrize(("data", "status", "output"), CASES)
def test_regression(data: bytes, status: Status, output: bytes | None) -> None:
    result = fix_text(data)
    assert result.status is status, result.reason
    if output is not None:
        assert result.output == output
    check_result(data, result)


def test_open_continuation_message_names_line() -> None:
    result = fix_text(LAMBDA + b"\nRUN true \\\n# trailing comment\n")
    assert result.reason.startswith("line 2: this RUN continues to the end of the file")
    assert [finding.code for finding in result.findings] == ["LF001", "LF007"]


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (LAMBDA + b"\nRUNN x\n", 2, "unknown instruction 'RUNN'"),
        (LAMBDA + b"\n\nRUN <<EOF\nx\n", 3, "heredoc <<EOF is never terminated"),
        (b"# escape=x\n" + LAMBDA + b"\n", 1, "invalid escape character"),
        (b"# escape=`\n# escape=`\n" + LAMBDA, 2, "a second 'escape'"),
    ],
    ids=["unknown-keyword", "heredoc", "escape", "second-directive"],
)
def test_parse_error_line_numbers(data: bytes, line: int, words: str) -> None:
    """LF010 findings carry the 1-based line that the message names."""
    result = fix_text(data)
    assert result.status is Status.REFUSED
    assert [(f.code, f.line) for f in result.findings] == [("LF010", line)]
    assert result.reason.startswith(f"line {line}: ")
    assert words in result.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf\n \n", "the file is empty"),
        (b"# only\n#comments\n", "only comments and no instructions"),
        (b"ARG A=1\n", "no FROM instruction"),
    ],
    ids=["empty", "bom-and-blanks", "comments", "arg-only"],
)
def test_no_stage_messages(data: bytes, reason: str) -> None:
    result = fix_text(data)
    assert result.status is Status.REFUSED
    assert reason in result.reason


@pytest.mark.parametrize(
    ("word", "value", "unresolved"),
    [
        ("${A:-x", "${A:-x", ()),
        ("${A:-${B}", "a", ()),
        ("${A:-${B}}", "a}", ()),
        ("${C:-${B}}", "${B}", ()),
        ("$A${B", "a${B", ()),
        ("${A}x${A:+y}", "axy", ()),
        ("${C:-d}$C", "d", ("C",)),
        ("$", "$", ()),
        ("${A", "${A", ()),
        ("${A:x}", "${A:x}", ()),
    ],
)
def test_expand_unclosed_and_nested(
    word: str, value: str, unresolved: tuple[str, ...]
) -> None:
    """An unclosed `${` stays literal; the first `}` closes a reference."""
    expansion = expand(word, {"A": "a"})
    assert expansion.value == value
    assert expansion.unresolved == unresolved
