"""Properties of fix_text and scan over generated and arbitrary input.

The oracle is BuildKit's own parser, through the PyPI package `dockerfile`
(Go code behind a Python binding). Tests that need it skip when it can't
be imported, which is the case on machines without a wheel for it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_fix.core import Status, fix_text
from lambda_fix.options import Options
from lambda_fix.syntax import _split_quoted, scan, shell_words
from tests.dockerfile_strategies import dockerfiles, mutated_dockerfiles
from tests.invariants import check_result

try:
    import dockerfile as buildkit
except ImportError:  # pragma: no cover - depends on the platform's wheels
    buildkit = None

needs_oracle = pytest.mark.skipif(
    buildkit is None,
    reason="the `dockerfile` package (BuildKit's parser) is not installed; "
    "it ships wheels for x86_64 Linux, macOS and Windows only",
)

# CI runs the same examples every time, so a red build can be reproduced.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

MANY = settings(
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def oracle(data: bytes) -> Any:
    """Parse with BuildKit; return its commands, or None if it rejects the file."""
    assert buildkit is not None
    try:
        return buildkit.parse_string(data.decode("utf-8"))
    except buildkit.GoParseError:
        return None


@MANY
@given(mutated_dockerfiles())
def test_fix_on_mutated_files(data: bytes) -> None:
    check_result(data, fix_text(data))


@settings(max_examples=1000)
@given(st.binary(max_size=1000))
def test_fix_on_arbitrary_bytes(data: bytes) -> None:
    check_result(data, fix_text(data))


@settings(max_examples=1000)
@given(st.text(alphabet="FROMUSERUN \\`#<>-\t\r\n:0'\"$", max_size=300))
def test_fix_on_dockerfile_alphabet(text: str) -> None:
    data = ("FROM public.ecr.aws/lambda/python:3.12\n" + text).encode()
    check_result(data, fix_text(data))


# One test runs every check on each generated file, because generating the
# files takes most of the time.
@MANY
@given(dockerfiles())
def test_generated_files(data: bytes) -> None:
    result = fix_text(data)
    check_result(data, result)
    if buildkit is None:
        return
    commands = oracle(data)
    assert commands is not None, "the strategy built a file BuildKit rejects"
    check_boundaries(data, commands)
    if result.status is Status.FIXED:
        check_one_user_added(commands, oracle(result.output))


def check_boundaries(data: bytes, commands: Any) -> None:
    """Check that scan() splits instructions where BuildKit does."""
    expected = [
        (command.cmd.lower(), command.start_line - 1, command.end_line - 1)
        for command in commands
    ]
    scanned = [
        (instruction.keyword, instruction.start, instruction.end)
        for instruction in scan(data).instructions
    ]
    assert scanned == expected


def check_one_user_added(before_commands: Any, after_commands: Any) -> None:
    """Check that BuildKit reads the input plus one USER in the built stage."""
    assert after_commands is not None, "BuildKit rejects the fixed file"
    before = [(c.cmd.upper(), c.original) for c in before_commands]
    after = [(c.cmd.upper(), c.original) for c in after_commands]
    assert len(after) == len(before) + 1
    added = [
        index
        for index, command in enumerate(after)
        if command[0] == "USER" and after[:index] + after[index + 1 :] == before
    ]
    assert added, "the output is not the input plus one USER instruction"
    inserted = after[added[-1]][1].split()
    assert inserted[1:] == ["1001:1001"]
    last_from = max(i for i, command in enumerate(after) if command[0] == "FROM")
    assert added[-1] > last_from, "the USER went into a stage that is not built"


@needs_oracle
def test_oracle_is_importable() -> None:
    """Make the skip visible: without the oracle the checks above do less."""
    assert buildkit is not None


@needs_oracle
@settings(max_examples=500)
@given(dockerfiles(), st.sampled_from(["stage0", "stage1", "stage2"]))
def test_target_stage_gets_user(data: bytes, target: str) -> None:
    """With --target, the USER goes into the target stage and no other."""
    options = Options(target=target)
    result = fix_text(data, options)
    check_result(data, result, options)
    if result.status is not Status.FIXED:
        return
    before = oracle(data)
    after = [(c.cmd.upper(), c.original) for c in oracle(result.output)]
    kept = [(c.cmd.upper(), c.original) for c in before]
    added = [
        index
        for index, command in enumerate(after)
        if command[0] == "USER" and after[:index] + after[index + 1 :] == kept
    ]
    assert added
    froms = [index for index, command in enumerate(after) if command[0] == "FROM"]
    stage_of_user = sum(1 for index in froms if index < added[-1]) - 1
    assert stage_of_user == int(target.removeprefix("stage"))


@settings(max_examples=1000)
@given(st.text(alphabet=" \t\r\n\v\f\xa0\u3000ab<-=$#`"))
def test_unquoted_words_split_like_quoted_ones(line: str) -> None:
    """The quick split for lines without quotes or escapes agrees."""
    assert shell_words(line) == _split_quoted(line)
