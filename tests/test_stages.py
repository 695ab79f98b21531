from __future__ import annotations

import pytest

from lambda_fix.stages import (
    StageError,
    effective_user,
    expand,
    is_root,
    select_stage,
    split_stages,
)
from lambda_fix.syntax import scan


@pytest.mark.parametrize(
    ("word", "value", "unresolved"),
    [
        ("$A", "x", ()),
        ("${A}", "x", ()),
        ("pre${A}post", "prexpost", ()),
        ("${MISSING:-d}", "d", ()),
        ("${EMPTY:-d}", "d", ()),
        ("${EMPTY-d}", "", ()),
        ("${A:+alt}", "alt", ()),
        ("${EMPTY:+alt}", "", ()),
        ("${MISSING}", "", ("MISSING",)),
        ("$MISSING:1", ":1", ("MISSING",)),
        ("${MISSING:-$A}", "x", ()),
        ("plain", "plain", ()),
    ],
)
def test_expand(word: str, value: str, unresolved: tuple[str, ...]) -> None:
    result = expand(word, {"A": "x", "EMPTY": ""})
    assert result.value == value
    assert result.unresolved == unresolved


@pytest.mark.parametrize(
    ("value", "root"),
    [
        ("root", True),
        ("0", True),
        ("000", True),
        ("0:0", True),
        ("root:root", True),
        ("root:1001", True),
        ("1001:0", False),
        ("ROOT", False),
        ("1001", False),
        ("app", False),
    ],
)
def test_is_root(value: str, root: bool) -> None:
    assert is_root(value) is root


def test_global_args_resolve_from_and_build_args_override() -> None:
    data = b"ARG V=3.11\nARG IMG=base:${V}\nFROM $IMG AS one\nFROM one\n"
    build = split_stages(scan(data), {})
    assert build.stages[0].base == "base:3.11"
    assert build.stages[1].parent == 0
    build = split_stages(scan(data), {"V": "3.12"})
    assert build.stages[0].base == "base:3.12"


def test_select_stage_by_target_ignores_case() -> None:
    build = split_stages(scan(b"FROM a AS Build\nFROM b\n"), {})
    assert select_stage(build, None).index == 1
    assert select_stage(build, "BUILD").index == 0
    with pytest.raises(StageError, match="'nope' not found"):
        select_stage(build, "nope")


def test_instruction_before_from_rejected() -> None:
    with pytest.raises(StageError, match="RUN before the first FROM"):
        split_stages(scan(b"RUN x\nFROM a\n"), {})


def test_effective_user_inherits_through_chain() -> None:
    data = b"FROM a AS one\nUSER 1001\nFROM one AS two\nRUN x\nFROM two\n"
    build = split_stages(scan(data), {})
    setting = effective_user(build, build.stages[2], {})
    assert setting.value == "1001"
    assert setting.stage is not None and setting.stage.index == 0


def test_effective_user_ignores_onbuild_user() -> None:
    build = split_stages(scan(b"FROM a\nONBUILD USER 1001\n"), {})
    assert effective_user(build, build.stages[0], {}).instruction is None


def test_effective_user_resolves_stage_arg_from_global_default() -> None:
    data = b"ARG U=root\nFROM a\nARG U\nUSER $U\n"
    build = split_stages(scan(data), {})
    assert effective_user(build, build.stages[0], {}).value == "root"
