"""Recognise Lambda images built on a base that is not an AWS Lambda base.

Such an image becomes a Lambda function through a runtime interface client
(RIC) installed into it, the Lambda Web Adapter extension, or a binary
built with a Lambda runtime library. The signs are looked for in the built
stage, the stages it derives from, and the stages it copies files from
(COPY --from, RUN --mount from=), because builder stages often install the
client and copy it into the final stage. Comment lines are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lambda_fix.findings import Finding
from lambda_fix.stages import Build, Stage
from lambda_fix.syntax import Dockerfile, Instruction

_ADAPTER = "Lambda Web Adapter"

# (what the sign shows, pattern), strongest first.
_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        _ADAPTER,
        re.compile(r"awsguru/aws-lambda-adapter|/opt/extensions/lambda-adapter"),
    ),
    (
        "Lambda runtime interface client",
        re.compile(
            r"awslambdaric|aws-lambda-ric|aws_lambda_ric"
            r"|aws-lambda-java-runtime-interface-client"
            r"|com\.amazonaws\.services\.lambda\.runtime\.api\.client"
            r"|Amazon\.Lambda\.RuntimeSupport|aws-lambda-cpp",
            re.IGNORECASE,
        ),
    ),
    (
        "Lambda runtime interface emulator",
        re.compile(
            r"aws[-_]lambda[-_]rie|aws-lambda-runtime-interface-emulator",
            re.IGNORECASE,
        ),
    ),
    (
        "Lambda runtime library",
        re.compile(
            r"aws-lambda-go|lambda_runtime|cargo[- ]lambda|lambda\.norpc"
            r"|GOTAGS=\S*lambda|-tags[= ]\S*lambda|[\w./-]*lambda[\w.-]*\.go\b",
        ),
    ),
    (
        "Lambda file layout",
        re.compile(
            r"/var/runtime/bootstrap|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR"
            r"|(?<![\w/.-])/var/task\b"
        ),
    ),
)


_SAM_BUILD_IMAGE = re.compile(
    r"(?:public\.ecr\.aws/sam/|(?:docker\.io/)?amazon/aws-sam-cli-)build-"
)


def build_image_reason(base: str) -> str | None:
    """Explain why an image built on an AWS SAM build image is left alone."""
    if _SAM_BUILD_IMAGE.match(base) is None:
        return None
    return (
        f"base image {base!r} is an AWS SAM build image, which `sam build "
        "--use-container` uses to build functions; it is not a function image"
    )


@dataclass(frozen=True)
class CustomRuntime:
    """A sign that an image on a non-Lambda base is a Lambda function."""

    kind: str
    evidence: str
    line: int  # 1-based

    @property
    def is_web_adapter(self) -> bool:
        return self.kind == _ADAPTER

    def finding(self, base: str, included: bool) -> Finding:
        """Describe the image as LF009, naming the sign and what to do."""
        message = (
            f"{self.kind} ({self.evidence}) on base image "
            f"{base!r}, so this is a Lambda image with a custom runtime"
        )
        if self.is_web_adapter:
            message += (
                "; images with the Lambda Web Adapter also run on ECS and "
                "App Runner, where USER does take effect, so check that the "
                "application can run as the inserted user there"
            )
        if not included:
            message += "; review it, then pass --include-custom-runtimes to fix it"
        return Finding("LF009", self.line, message)

    def skip_reason(self, base: str) -> str:
        return (
            f"{self.kind} ({self.evidence}) on line {self.line} over base image "
            f"{base!r}; pass --include-custom-runtimes to fix it"
        )


def find_custom_runtime(
    dockerfile: Dockerfile, build: Build, stage: Stage
) -> CustomRuntime | None:
    """Return the strongest sign of a custom Lambda runtime, if any.

    Signs rank in the order of _SIGNS, so the Web Adapter, whose message
    carries a warning of its own, wins over a file-layout match.
    """
    best: tuple[int, CustomRuntime] | None = None
    for instruction in _instructions_used(build, stage):
        for index in range(instruction.start, instruction.end + 1):
            text = dockerfile.line_text(index)
            if text.lstrip().startswith("#"):
                continue
            for rank, (kind, pattern) in enumerate(_SIGNS):
                if best is not None and rank >= best[0]:
                    break
                match = pattern.search(text)
                if match:
                    best = (rank, CustomRuntime(kind, match.group(0), index + 1))
                    break
    return best[1] if best else None


_FROM_FLAG = re.compile(r"(?:^--from=|^--mount=(?:.*,)?from=)([^,]+)", re.IGNORECASE)


def _instructions_used(build: Build, stage: Stage) -> list[Instruction]:
    """List the instructions of a stage and of every stage it builds on."""
    names = {s.name.lower(): s.index for s in build.stages if s.name}
    seen: set[int] = set()
    pending = [stage.index]
    instructions: list[Instruction] = []
    while pending:
        index = pending.pop()
        if index in seen:
            continue
        seen.add(index)
        current = build.stages[index]
        instructions.append(current.from_instruction)
        instructions.extend(current.instructions)
        if current.parent is not None:
            pending.append(current.parent)
        for instruction in current.instructions:
            for flag in instruction.flags:
                match = _FROM_FLAG.match(flag)
                if match is None:
                    continue
                source = match.group(1).lower()
                if source in names:
                    pending.append(names[source])
                elif source.isdigit() and int(source) < len(build.stages):
                    pending.append(int(source))
    return sorted(instructions, key=lambda instruction: instruction.start)
