"""Group instructions into build stages and work out the built stage's user.

BuildKit resolves FROM with the global ARGs (those before the first FROM)
and build arguments, builds the last stage unless a target is given, and
lets a stage named in another stage's FROM pass on its USER and ENV.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lambda_fix.syntax import (
    Dockerfile,
    DockerfileError,
    Instruction,
    is_blank,
    shell_words,
    unquote,
)

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# Only the start of a reference: the closing brace is found with str.find,
# because a pattern like `\{NAME:-[^}]*\}` takes quadratic time on a value
# with many unclosed `${NAME:-` in a row.
_VARIABLE_START = re.compile(
    rf"\$(?:\{{(?P<braced>{_NAME})(?P<op>:?[-+])?|(?P<plain>{_NAME}))"
)


_QUOTES = frozenset("'\"")


class StageError(DockerfileError):
    """The stages can't be worked out: no FROM, or an unknown target."""


@dataclass(frozen=True)
class Expansion:
    value: str
    unresolved: tuple[str, ...]


def expand(word: str, variables: Mapping[str, str]) -> Expansion:
    """Expand $VAR, ${VAR}, ${VAR:-default} and ${VAR:+alt} in one word.

    Unknown variables expand to an empty string, as in BuildKit, and are
    listed in the result so the caller can tell a guess from a fact. A `${`
    without its closing brace stays as written.
    """
    unresolved: list[str] = []
    pieces: list[str] = []
    last_brace = word.rfind("}")
    position = 0
    while True:
        match = _VARIABLE_START.search(word, position)
        if match is None:
            break
        pieces.append(word[position : match.start()])
        plain = match.group("plain")
        if plain is not None:
            pieces.append(_lookup(plain, variables, unresolved))
            position = match.end()
            continue
        operator = match.group("op")
        close = -1
        if operator is None:
            if word.startswith("}", match.end()):
                close = match.end()
        elif match.end() <= last_brace:
            close = word.find("}", match.end())
        if close < 0:
            pieces.append("$")
            position = match.start() + 1
            continue
        name = match.group("braced")
        if operator is None:
            pieces.append(_lookup(name, variables, unresolved))
        else:
            alternative = word[match.end() : close]
            pieces.append(
                _substitute(name, operator, alternative, variables, unresolved)
            )
        position = close + 1
    pieces.append(word[position:])
    return Expansion("".join(pieces), tuple(unresolved))


def _lookup(name: str, variables: Mapping[str, str], unresolved: list[str]) -> str:
    if name not in variables:
        unresolved.append(name)
    return variables.get(name, "")


def _substitute(
    name: str,
    operator: str,
    alternative: str,
    variables: Mapping[str, str],
    unresolved: list[str],
) -> str:
    known = name in variables
    value = variables.get(name, "")
    is_set = known and (value != "" or not operator.startswith(":"))
    if operator.endswith("-"):
        if is_set:
            return value
        inner = expand(alternative, variables)
        unresolved.extend(inner.unresolved)
        return inner.value
    if not known and not operator.startswith(":"):
        unresolved.append(name)
    return expand(alternative, variables).value if is_set else ""


@dataclass(frozen=True)
class Stage:
    index: int
    name: str | None
    base: str
    platform: str | None
    unresolved_base: tuple[str, ...]
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]
    parent: int | None

    @property
    def last_line(self) -> int:
        """Index of the last physical line of the stage's last instruction."""
        if self.instructions:
            return self.instructions[-1].end
        return self.from_instruction.end

    @property
    def label(self) -> str:
        return self.name or f"stage {self.index}"


@dataclass(frozen=True)
class Build:
    global_args: Mapping[str, str]
    stages: tuple[Stage, ...]


def parse_assignments(
    args: str, legacy_env: bool = False
) -> list[tuple[str, str | None]]:
    """Read `NAME=value` pairs of ARG and ENV, or ENV's `NAME value` form."""
    words = shell_words(args)
    if legacy_env and words and "=" not in words[0]:
        name, _, value = args.strip().partition(" ")
        return [(name, value.strip())]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, equals, value = word.partition("=")
        pairs.append((name, unquote(value) if equals else None))
    return pairs


def split_stages(dockerfile: Dockerfile, build_args: Mapping[str, str]) -> Build:
    """Group instructions into stages; resolve each FROM with global ARGs."""
    declared: dict[str, str] = {}
    stages: list[Stage] = []
    names: dict[str, int] = {}
    current: list[Instruction] | None = None
    pending: Instruction | None = None

    def close_stage() -> None:
        if pending is None or current is None:
            return
        stages.append(_make_stage(len(stages), pending, current, declared, names))
        if stages[-1].name:
            names[stages[-1].name] = stages[-1].index

    for instruction in dockerfile.instructions:
        if instruction.keyword == "from":
            close_stage()
            pending = instruction
            current = []
        elif current is None:
            if instruction.keyword != "arg":
                raise StageError(
                    instruction.start + 1,
                    f"{instruction.keyword.upper()} before the first FROM; "
                    "only ARG may come before FROM",
                )
            for name, value in parse_assignments(instruction.args):
                resolved = build_args.get(name)
                if resolved is None and value is not None:
                    resolved = expand(value, declared).value
                if resolved is not None:
                    declared[name] = resolved
        else:
            current.append(instruction)
    close_stage()
    if not stages:
        raise StageError(1, _no_stage_message(dockerfile))
    return Build(global_args=declared, stages=tuple(stages))


def _no_stage_message(dockerfile: Dockerfile) -> str:
    if not dockerfile.instructions:
        lines = range(len(dockerfile.lines))
        if all(is_blank(dockerfile.line_text(index)) for index in lines):
            return "the file is empty; delete it or give it a FROM instruction"
        return (
            "the file has only comments and no instructions; delete it or "
            "give it a FROM instruction"
        )
    return (
        "no FROM instruction; a Dockerfile needs at least one, so add one "
        "or exclude this file"
    )


def _make_stage(
    index: int,
    from_instruction: Instruction,
    instructions: list[Instruction],
    global_args: Mapping[str, str],
    names: Mapping[str, int],
) -> Stage:
    platform = None
    for flag in from_instruction.flags:
        if flag.startswith("--platform="):
            platform = flag.partition("=")[2]
    words = shell_words(from_instruction.args)
    line = from_instruction.start + 1
    if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
        raise StageError(
            line,
            "FROM takes an image and optionally AS name, but this line has "
            f"{len(words)} words; BuildKit rejects it, so correct the line",
        )
    reference = expand(words[0], global_args)
    name = None
    if len(words) == 3:
        name = words[2].lower()
        if name in names:
            raise StageError(
                line,
                f"a second stage named {name!r}; BuildKit rejects duplicate "
                "stage names, so rename one",
            )
    parent = names.get(reference.value.lower())
    return Stage(
        index=index,
        name=name,
        base=reference.value,
        platform=platform,
        unresolved_base=reference.unresolved,
        from_instruction=from_instruction,
        instructions=tuple(instructions),
        parent=parent,
    )


def select_stage(build: Build, target: str | None) -> Stage:
    """Return the stage that gets built: the last one or the named target."""
    if target is None:
        return build.stages[-1]
    for stage in build.stages:
        if stage.name == target.lower():
            return stage
    known = ", ".join(s.name for s in build.stages if s.name) or "none"
    raise StageError(
        1, f"target stage {target!r} not found (stages with names: {known})"
    )


def chain(build: Build, stage: Stage) -> list[Stage]:
    """Return the stage and the stages it is built FROM, the built stage last."""
    stages = [stage]
    while stages[-1].parent is not None:
        stages.append(build.stages[stages[-1].parent])
    return stages[::-1]


@dataclass(frozen=True)
class UserSetting:
    """The USER instruction in force for a stage, if any."""

    instruction: Instruction | None
    stage: Stage | None
    value: str
    unresolved: tuple[str, ...]


def effective_user(
    build: Build, stage: Stage, build_args: Mapping[str, str]
) -> UserSetting:
    """Find the last USER that applies to a stage, inherited ones included."""
    env: dict[str, str] = {}
    setting = UserSetting(None, None, "", ())
    for member in chain(build, stage):
        # The variables in scope: ARGs of this stage overlaid with ENV, which
        # wins. Kept up to date in place, because rebuilding it for every
        # instruction takes quadratic time on files with many ARG or ENV.
        scope = dict(env)
        for instruction in member.instructions:
            keyword = instruction.keyword
            if keyword == "arg":
                for name, value in parse_assignments(instruction.args):
                    resolved = build_args.get(name)
                    if resolved is None and value is not None:
                        resolved = expand(value, scope).value
                    if resolved is None:
                        resolved = build.global_args.get(name)
                    if resolved is not None and name not in env:
                        scope[name] = resolved
            elif keyword == "env":
                for name, value in parse_assignments(instruction.args, True):
                    if value is not None:
                        env[name] = expand(value, scope).value
                        scope[name] = env[name]
            elif keyword == "user":
                raw = instruction.args.strip()
                result = expand(raw, scope)
                # BuildKit's word expansion removes quotes: USER "root" is root.
                value = unquote(result.value) if _QUOTES & set(raw) else result.value
                setting = UserSetting(instruction, member, value, result.unresolved)
    return setting


def user_part(value: str) -> str:
    return value.partition(":")[0]


def is_root(value: str) -> bool:
    """Check whether a USER value selects uid 0: `root`, `0`, `000`, `root:1001`.

    An empty user part (`USER ${UNSET}`, `USER :0`) also means root, as an
    empty User does in an image config, and runc reads `+0` and `-0` as 0.
    """
    user = user_part(value)
    number = user[1:] if user[:1] in ("+", "-") else user
    return user in ("", "root") or (number.isdigit() and int(number) == 0)


def has_whitespace(value: str) -> bool:
    return any(char.isspace() for char in value)
