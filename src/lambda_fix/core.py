"""The fix pipeline: scan, find the built stage, decide, place, splice.

Everything here works on bytes in memory and never touches a file or the
terminal, so the command line, the Python API and the tests share it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from lambda_fix.findings import Finding
from lambda_fix.images import is_lambda_base, is_windows_base
from lambda_fix.options import Options
from lambda_fix.placement import Ambiguous, check_ambiguities, place
from lambda_fix.runtimes import build_image_reason, find_custom_runtime
from lambda_fix.splice import splice
from lambda_fix.stages import (
    Build,
    Stage,
    StageError,
    chain,
    effective_user,
    has_whitespace,
    is_root,
    select_stage,
    split_stages,
    user_part,
)
from lambda_fix.syntax import KNOWN_KEYWORDS, Dockerfile, ParseError, scan


class Status(str, enum.Enum):
    FIXED = "fixed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    REFUSED = "refused"


@dataclass(frozen=True)
class Result:
    """The outcome for one Dockerfile; output equals the input unless FIXED."""

    status: Status
    output: bytes
    reason: str
    findings: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return self.status is Status.FIXED


def fix_text(data: bytes, options: Options | None = None) -> Result:
    """Insert a non-root USER into a Lambda Dockerfile where that is safe."""
    options = options or Options()
    try:
        dockerfile = scan(data)
        _check_keywords(dockerfile)
        build = split_stages(dockerfile, options.build_args)
        stage = select_stage(build, options.target)
    except (ParseError, StageError) as error:
        finding = Finding("LF010", error.line, error.message)
        return Result(Status.REFUSED, data, error.message, (finding,))

    extra: tuple[Finding, ...] = ()
    skip_reason = _not_lambda_reason(build, stage, options)
    if skip_reason:
        runtime = find_custom_runtime(dockerfile, build, stage)
        base = chain(build, stage)[0].base
        if runtime is None:
            reason = build_image_reason(base) or skip_reason
            return Result(Status.SKIPPED, data, reason)
        extra = (runtime.finding(base, options.include_custom_runtimes),)
        if not options.include_custom_runtimes:
            return Result(Status.SKIPPED, data, runtime.skip_reason(base), extra)
    if any(is_windows_base(s.base, s.platform) for s in chain(build, stage)):
        message = (
            f"{stage.label} is a Windows image, where USER takes a name, not "
            "uid:gid; exclude this file"
        )
        finding = Finding("LF008", stage.from_instruction.start + 1, message)
        return Result(Status.REFUSED, data, message, (finding,))

    decision = _decide(build, stage, options)
    if decision.finding is None or decision.finding.code not in ("LF001", "LF002"):
        findings = (decision.finding,) if decision.finding else ()
        status = Status.SKIPPED if decision.skip else Status.UNCHANGED
        return Result(status, data, decision.reason, extra + findings)
    result = _apply(data, dockerfile, stage, options, decision)
    return replace(result, findings=extra + result.findings)


def _check_keywords(dockerfile: Dockerfile) -> None:
    for instruction in dockerfile.instructions:
        keywords = [instruction.keyword]
        if instruction.onbuild_keyword is not None:
            keywords.append(instruction.onbuild_keyword)
        for keyword in keywords:
            if keyword not in KNOWN_KEYWORDS:
                raise ParseError(
                    instruction.start,
                    f"line {instruction.start + 1}: unknown instruction "
                    f"{keyword.upper()!r}; BuildKit will reject this file",
                )


def _not_lambda_reason(build: Build, stage: Stage, options: Options) -> str:
    if options.declared_lambda:
        return ""
    stages = chain(build, stage)
    if any(is_lambda_base(member.base) for member in stages):
        return ""
    root = stages[0]
    if root.unresolved_base:
        names = ", ".join(root.unresolved_base)
        return (
            f"base image {root.from_instruction.args.split()[0]!r} depends on "
            f"build argument {names} with no default; pass --build-arg "
            f"{root.unresolved_base[0]}=IMAGE to check it"
        )
    return f"base image {root.base!r} of {stage.label} is not an AWS Lambda base image"


@dataclass(frozen=True)
class _Decision:
    finding: Finding | None
    reason: str
    skip: bool = False
    # Short cause shown after a fix, such as "USER root on line 4".
    cause: str = ""


def _decide(build: Build, stage: Stage, options: Options) -> _Decision:
    setting = effective_user(build, stage, options.build_args)
    if setting.instruction is None:
        line = stage.from_instruction.start + 1
        message = (
            f"{stage.label} has no USER, so the image runs as root; Lambda "
            "ignores USER, but scanners flag root"
        )
        cause = f"{stage.label} has no USER, so it runs as root"
        return _Decision(Finding("LF001", line, message), message, cause=cause)

    line = setting.instruction.start + 1
    value = setting.value
    if setting.unresolved:
        names = ", ".join(setting.unresolved)
        message = (
            f"line {line}: USER {setting.instruction.args.strip()} uses {names}, "
            "which has no default here; pass --build-arg or set a literal USER"
        )
        return _Decision(Finding("LF005", line, message), message, skip=True)
    if has_whitespace(value):
        if ":" in value:
            runtime_error = f"unable to find group {value.partition(':')[2]}"
        else:
            runtime_error = f"unable to find user {value}"
        message = (
            f"line {line}: USER value {value!r} contains whitespace, so "
            "BuildKit takes all of it as the user and the container fails to "
            f'start ("{runtime_error}"); the new USER line overrides it'
        )
        cause = f"USER on line {line} contains whitespace"
        return _Decision(Finding("LF002", line, message), message, cause=cause)
    if is_root(value):
        message = (
            f"line {line}: USER {value} leaves the image running as root; "
            "Lambda ignores USER, but scanners flag root"
        )
        cause = f"USER {value} on line {line} is root"
        return _Decision(Finding("LF001", line, message), message, cause=cause)
    if user_part(value).lower() == "root":
        message = (
            f"line {line}: USER {value} is not root because names are "
            "case-sensitive, and such a user probably does not exist; "
            "write USER root or a uid"
        )
        return _Decision(Finding("LF006", line, message), message)
    return _Decision(None, f"final user {value} is not root")


def _apply(
    data: bytes,
    dockerfile: Dockerfile,
    stage: Stage,
    options: Options,
    decision: _Decision,
) -> Result:
    assert decision.finding is not None
    finding = decision.finding
    try:
        check_ambiguities(dockerfile)
        placement = place(dockerfile, stage)
    except Ambiguous as error:
        ambiguity = Finding("LF007", error.line, error.message)
        return Result(Status.REFUSED, data, error.message, (finding, ambiguity))
    output = splice(dockerfile, placement, options.user)
    reason = f"add USER {options.user} {placement.description}; {decision.cause}"
    return Result(Status.FIXED, output, reason, (finding,))
