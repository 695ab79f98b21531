"""The fix pipeline: scan, find the built stage, decide, place, splice.

Everything here works on bytes in memory and never touches a file or the
terminal, so the command line, the Python API and the tests share it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from lambda_fix import rules
from lambda_fix.findings import Finding
from lambda_fix.images import is_lambda_base, is_windows_base
from lambda_fix.options import Options
from lambda_fix.placement import (
    Ambiguous,
    check_spaced_heredocs,
    check_swallowed_lines,
    place,
)
from lambda_fix.runtimes import build_image_reason, find_custom_runtime
from lambda_fix.splice import Insertion, insertion, splice
from lambda_fix.stages import (
    Build,
    Stage,
    chain,
    effective_user,
    has_whitespace,
    is_root,
    select_stage,
    split_stages,
    user_part,
)
from lambda_fix.suppress import FIX_CODES, review
from lambda_fix.syntax import (
    KNOWN_KEYWORDS,
    Dockerfile,
    DockerfileError,
    ParseError,
    scan,
)


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
    # Set when FIXED: where the USER line went, for reports that show fixes.
    insertion: Insertion | None = None

    @property
    def changed(self) -> bool:
        return self.status is Status.FIXED


def fix_text(data: bytes, options: Options | None = None) -> Result:
    """Insert a non-root USER into a Lambda Dockerfile where that is safe."""
    options = options or Options()
    return _suppress(data, _fix_text(data, options), options)


def _suppress(data: bytes, result: Result, options: Options) -> Result:
    """Drop ignored findings; skip the file when what it would do is ignored."""
    verdict = review(data, result.findings, options)
    if verdict.file_reason:
        return Result(Status.SKIPPED, data, verdict.file_reason)
    if not verdict.ignored:
        return result
    kept = tuple(f for f in result.findings if f.code not in verdict.ignored)
    fix_ignored = any(code in FIX_CODES for code in verdict.ignored)
    if result.status is Status.REFUSED or (result.changed and fix_ignored):
        reason = next(iter(verdict.ignored.values()))
        return Result(Status.SKIPPED, data, reason, kept)
    return replace(result, findings=kept)


def _fix_text(data: bytes, options: Options) -> Result:
    try:
        dockerfile = scan(data)
        check_spaced_heredocs(dockerfile)
        _check_keywords(dockerfile)
        build = split_stages(dockerfile, options.build_args)
        stage = select_stage(build, options.target)
    except DockerfileError as error:
        return _refuse(data, error)

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
    result = _fix_if_needed(data, dockerfile, stage, options, decision)
    warnings: tuple[Finding, ...] = ()
    if result.status in (Status.FIXED, Status.UNCHANGED):
        warnings = tuple(rules.check(dockerfile, build, stage, options))
    if extra or warnings:
        result = replace(result, findings=(*extra, *result.findings, *warnings))
    return result


def _refuse(data: bytes, error: DockerfileError, *earlier: Finding) -> Result:
    code = "LF007" if isinstance(error, Ambiguous) else "LF010"
    finding = Finding(code, error.line, error.message)
    return Result(Status.REFUSED, data, str(error), (*earlier, finding))


def _check_keywords(dockerfile: Dockerfile) -> None:
    for instruction in dockerfile.instructions:
        keywords = [instruction.keyword]
        if instruction.onbuild_keyword is not None:
            keywords.append(instruction.onbuild_keyword)
        if instruction.keyword == "user" and not instruction.args.strip():
            raise ParseError(
                instruction.start + 1,
                "USER has no value; BuildKit rejects it, so give a user or "
                "remove the line",
            )
        for keyword in keywords:
            if keyword not in KNOWN_KEYWORDS:
                raise ParseError(
                    instruction.start + 1,
                    f"unknown instruction {keyword.upper()!r}; BuildKit "
                    "rejects this file, so correct the keyword",
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
            f"USER {setting.instruction.args.strip()} uses {names}, "
            "which has no default here; pass --build-arg or set a literal USER"
        )
        return _Decision(
            Finding("LF005", line, message), f"line {line}: {message}", skip=True
        )
    if has_whitespace(value):
        if ":" in value:
            runtime_error = f"unable to find group {value.partition(':')[2]}"
        else:
            runtime_error = f"unable to find user {value}"
        message = (
            f"USER value {value!r} contains whitespace, so "
            "BuildKit takes all of it as the user and the container fails to "
            f'start ("{runtime_error}"); the new USER line overrides it'
        )
        cause = f"USER on line {line} contains whitespace"
        return _Decision(Finding("LF002", line, message), message, cause=cause)
    if is_root(value):
        shown = f"USER {value}" if value else "USER, which expands to nothing,"
        message = (
            f"{shown} leaves the image running as root; "
            "Lambda ignores USER, but scanners flag root"
        )
        cause = f"{shown} on line {line} is root"
        return _Decision(Finding("LF001", line, message), message, cause=cause)
    if user_part(value).lower() == "root":
        message = (
            f"USER {value} is not root because names are "
            "case-sensitive, and such a user probably does not exist; "
            "write USER root or a uid"
        )
        return _Decision(Finding("LF006", line, message), f"line {line}: {message}")
    return _Decision(None, f"final user {value} is not root")


def _fix_if_needed(
    data: bytes,
    dockerfile: Dockerfile,
    stage: Stage,
    options: Options,
    decision: _Decision,
) -> Result:
    if decision.finding is None or decision.finding.code not in FIX_CODES:
        findings = (decision.finding,) if decision.finding else ()
        status = Status.SKIPPED if decision.skip else Status.UNCHANGED
        return Result(status, data, decision.reason, findings)
    return _apply(data, dockerfile, stage, options, decision)


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
        check_swallowed_lines(dockerfile)
        placement = place(dockerfile, stage)
    except Ambiguous as error:
        return _refuse(data, error, finding)
    output = splice(dockerfile, placement, options.user)
    inserted = insertion(dockerfile, placement, options.user)
    reason = f"add USER {options.user} {placement.description}; {decision.cause}"
    return Result(Status.FIXED, output, reason, (finding,), inserted)
