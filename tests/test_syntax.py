"""The scanner against hand-written cases and against BuildKit's parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_fix.syntax import ParseError, scan, split_lines
from tests.corpus import ROOT, corpus_params


def spans(data: bytes) -> list[tuple[str, int, int]]:
    return [(i.keyword, i.start + 1, i.end + 1) for i in scan(data).instructions]


SPAN_CASES = [
    pytest.param(
        b"FROM x\nRUN a \\\n  b\nCMD c\n",
        [("from", 1, 1), ("run", 2, 3), ("cmd", 4, 4)],
        id="continuation",
    ),
    pytest.param(
        b'FROM x\nRUN a \\\n\nCMD ["c"]\n',
        [("from", 1, 1), ("run", 2, 4)],
        id="empty-line-folds-next-line",
    ),
    pytest.param(
        b"FROM x\nRUN a \\\n# note\n  b\nCMD c\n",
        [("from", 1, 1), ("run", 2, 4), ("cmd", 5, 5)],
        id="comment-inside-continuation",
    ),
    pytest.param(
        b"FROM x\nRUN echo \\\\\nCMD c\n",
        [("from", 1, 1), ("run", 2, 2), ("cmd", 3, 3)],
        id="escaped-escape-ends-line",
    ),
    pytest.param(
        b"FROM x\nRUN a \\  \t\n b\n",
        [("from", 1, 1), ("run", 2, 3)],
        id="escape-then-whitespace-continues",
    ),
    pytest.param(
        b"# escape=`\nFROM x\nRUN a `\n b\nRUN c \\\n",
        [("from", 2, 2), ("run", 3, 4), ("run", 5, 5)],
        id="backtick-escape",
    ),
    pytest.param(
        b"FROM x\n# escape=`\nRUN a `\n b\n",
        [("from", 1, 1), ("run", 3, 3), ("b", 4, 4)],
        id="directive-after-instruction-is-comment",
    ),
    pytest.param(
        b"\xef\xbb\xbfFROM x\nCMD c", [("from", 1, 1), ("cmd", 2, 2)], id="bom"
    ),
    pytest.param(
        b"FROM x\r\nRUN a \\\r\n b\r\nCMD c\r\n",
        [("from", 1, 1), ("run", 2, 3), ("cmd", 4, 4)],
        id="crlf",
    ),
    pytest.param(
        b"FROM x\nRUN <<EOF\nCMD no\nEOF\nCMD yes\n",
        [("from", 1, 1), ("run", 2, 4), ("cmd", 5, 5)],
        id="heredoc-body-is-data",
    ),
    pytest.param(
        b"FROM x\nRUN <<-EOF\n\tCMD no\n\t\tEOF\nCMD yes\n",
        [("from", 1, 1), ("run", 2, 4), ("cmd", 5, 5)],
        id="heredoc-chomp-strips-tabs",
    ),
    pytest.param(
        b"FROM x\nRUN <<EOF\n  EOF\nEOF\n",
        [("from", 1, 1), ("run", 2, 4)],
        id="heredoc-terminator-not-indented",
    ),
    pytest.param(
        b'FROM x\nCOPY <<A <<"B" /x/\na\nA\nb\nB\nCMD c\n',
        [("from", 1, 1), ("copy", 2, 6), ("cmd", 7, 7)],
        id="two-heredocs-quoted",
    ),
    pytest.param(
        b"FROM x\nONBUILD RUN <<EOF\nCMD no\nEOF\n",
        [("from", 1, 1), ("onbuild", 2, 4)],
        id="onbuild-heredoc",
    ),
    pytest.param(
        b"FROM x\nRUN a \\\n  <<EOF\nCMD no\nEOF\n",
        [("from", 1, 1), ("run", 2, 5)],
        id="heredoc-on-continuation-line",
    ),
    pytest.param(
        b"FROM x\nENV a=<<EOF\nCMD c\n",
        [("from", 1, 1), ("env", 2, 2), ("cmd", 3, 3)],
        id="heredoc-only-in-run-copy-add",
    ),
    pytest.param(
        b"from x\nRuN a\ncmd c\n",
        [("from", 1, 1), ("run", 2, 2), ("cmd", 3, 3)],
        id="keywords-case-insensitive",
    ),
    pytest.param(
        b"   \n\t# c\nFROM x\n", [("from", 3, 3)], id="blank-and-comment-lines"
    ),
]


@pytest.mark.parametrize(("data", "expected"), SPAN_CASES)
def test_scan_spans(data: bytes, expected: list[tuple[str, int, int]]) -> None:
    assert spans(data) == expected


def test_scan_reads_escape_directive() -> None:
    assert scan(b"# escape=`\nFROM x\n").escape == "`"
    assert scan(b"# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n").escape == "`"
    assert scan(b"\n# escape=`\nFROM x\n").escape == "\\"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"FROM x\nRUN <<EOF\nx\n", "never terminated"),
        (b"# escape=x\nFROM x\n", "invalid escape character"),
        (b"# escape=`\n# escape=`\nFROM x\n", "a second 'escape'"),
    ],
    ids=["unterminated-heredoc", "bad-escape", "duplicate-directive"],
)
def test_scan_rejects(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        scan(data)


def test_split_lines_keeps_bytes() -> None:
    data = b"a\r\nb\n\nc"
    assert b"".join(split_lines(data)) == data
    assert split_lines(data) == (b"a\r\n", b"b\n", b"\n", b"c")


def _golden_inputs() -> list[object]:
    paths = sorted((ROOT / "fixtures").glob("**/*.Dockerfile"))
    return [pytest.param(p, id=str(p.relative_to(ROOT / "fixtures"))) for p in paths]


def _assert_matches_buildkit(data: bytes) -> None:
    from tests.buildkit import buildkit_spans

    expected = buildkit_spans(data)
    try:
        actual: object = spans(data)
    except ParseError as error:
        actual = f"error: {error.message}"
    if isinstance(expected, str):
        assert isinstance(actual, str), f"BuildKit rejects it ({expected})"
    else:
        assert actual == expected


@pytest.mark.parametrize(("data", "expected"), SPAN_CASES)
def test_hand_written_spans_match_buildkit(
    data: bytes, expected: list[tuple[str, int, int]]
) -> None:
    _assert_matches_buildkit(data)


@pytest.mark.parametrize("path", _golden_inputs())
def test_fixture_spans_match_buildkit(path: Path) -> None:
    _assert_matches_buildkit(path.read_bytes())


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_spans_match_buildkit(path: Path) -> None:
    _assert_matches_buildkit(path.read_bytes())
