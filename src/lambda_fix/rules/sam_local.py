"""LF004: `sam local invoke` fails on an image whose user is not root.

For a function packaged as an image, SAM CLI (samcli/local/docker/
lambda_image.py, `_generate_dockerfile`) builds a temporary image FROM the
function's image that ADDs its emulator to /var/rapid/ and then runs
`RUN mv /var/rapid/aws-lambda-rie-<arch> /var/rapid/aws-lambda-rie &&
chmod +x /var/rapid/aws-lambda-rie`. That RUN runs as the image's USER, and
a non-root user can't rename a file in the root-owned /var/rapid, so the
build fails with Permission denied before the function ever starts.
"""

from __future__ import annotations

from lambda_fix.findings import Finding
from lambda_fix.options import Options
from lambda_fix.stages import Build, Stage, effective_user, has_whitespace, is_root
from lambda_fix.syntax import Dockerfile


def check(
    dockerfile: Dockerfile, build: Build, stage: Stage, options: Options
) -> list[Finding]:
    """Warn that SAM's local emulator image can't build on a non-root image."""
    if not options.used_by_sam:
        return []
    setting = effective_user(build, stage, options.build_args)
    if setting.unresolved:
        return []
    if (
        setting.instruction is None
        or is_root(setting.value)
        or has_whitespace(setting.value)
    ):
        # The core fixes this file, so the image gets the inserted USER.
        line = stage.from_instruction.start + 1
        user = f"the added USER {options.user}"
        suppression = "CKV_DOCKER_3" if setting.instruction is None else "CKV_DOCKER_8"
    else:
        line = setting.instruction.start + 1
        user = f"USER {setting.value} on line {line}"
        suppression = "CKV_DOCKER_8"
    message = (
        "`sam local invoke` builds an image FROM this one whose "
        "`RUN mv /var/rapid/aws-lambda-rie-<arch> /var/rapid/aws-lambda-rie "
        f"&& chmod +x /var/rapid/aws-lambda-rie` runs as {user} and fails "
        "with Permission denied. Either keep the fix and test locally with "
        "`docker run -p 9000:8080 IMAGE`, because AWS base images include the "
        "emulator, or exclude this file from lambda-fix, or keep root and "
        f"record a scanner suppression such as `#checkov:skip={suppression}`"
    )
    return [Finding("LF004", line, message)]
