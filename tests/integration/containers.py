"""Build and run images with buildah, in a storage root of the test session.

buildah needs no daemon: with the vfs storage driver and chroot isolation
it runs as root on a plain Debian machine, with no network. Base images
can't be pulled, so `build_stand_in_bases` builds small stand-ins for the
AWS Lambda bases from busybox, with the configuration the real ones have.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The real bases set these, run as root and own everything as root.
STAND_IN_CONTAINERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY lambda-entrypoint.sh /lambda-entrypoint.sh
ENV PATH=/bin LAMBDA_TASK_ROOT=/var/task LAMBDA_RUNTIME_DIR=/var/runtime
RUN mkdir -p /etc /var/task /var/runtime /tmp && chmod 1777 /tmp \
    && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd \
    && echo "root:x:0:" > /etc/group
WORKDIR /var/task
ENTRYPOINT ["/lambda-entrypoint.sh"]
"""

STAND_IN_ENTRYPOINT = """\
#!/bin/sh
# Stand-in for the entrypoint of the AWS Lambda base images.
exec "$@"
"""

# Every base that a build fixture uses; a test checks that none is missing.
STAND_IN_BASES = (
    "public.ecr.aws/lambda/python:3.12",
    "public.ecr.aws/lambda/nodejs:20",
    "public.ecr.aws/lambda/provided:al2023",
)

# The user and group that AWS Lambda runs functions as.
LAMBDA_RUNTIME_USER = "993:990"

BUSYBOX_PATHS = (Path("/bin/busybox"), Path("/usr/bin/busybox"))


def unavailable_reason() -> str:
    """Return why image builds can't run here, or "" when they can."""
    if shutil.which("buildah") is None:
        return "buildah is not installed (apt-get install buildah)"
    if not any(path.is_file() for path in BUSYBOX_PATHS):
        return "busybox is not installed (apt-get install busybox-static)"
    if os.geteuid() != 0:
        return "buildah with chroot isolation and vfs storage needs root"
    return ""


@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class Buildah:
    """buildah commands on a storage root of their own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.global_options = [
            "--root",
            str(root / "storage"),
            "--runroot",
            str(root / "run"),
            "--storage-driver",
            "vfs",
        ]
        self._containers = 0

    def _run(self, *args: str) -> Outcome:
        completed = subprocess.run(
            ["buildah", *self.global_options, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return Outcome(completed.returncode, completed.stdout + completed.stderr)

    def build(self, context: Path, dockerfile: Path, tag: str) -> Outcome:
        """Build an image; never pull, so only local bases can be used."""
        return self._run(
            "build",
            "--isolation",
            "chroot",
            "--pull=never",
            "--quiet",
            "--file",
            str(dockerfile),
            "--tag",
            tag,
            str(context),
        )

    def tag(self, image: str, *names: str) -> Outcome:
        return self._run("tag", image, *names)

    def config(self, image: str) -> dict[str, Any]:
        """Return the OCI image configuration (User, Cmd, Env, ...)."""
        outcome = self._run("inspect", "--type", "image", image)
        assert outcome.ok, outcome.output
        config: dict[str, Any] = json.loads(outcome.output)["OCIv1"]["config"]
        return config

    def run(self, image: str, command: list[str], user: str | None = None) -> Outcome:
        """Run a command in a new container from an image, then remove it."""
        self._containers += 1
        name = f"lambda-fix-test-{self._containers}"
        created = self._run("from", "--name", name, image)
        assert created.ok, created.output
        try:
            options = ["--isolation", "chroot"]
            if user is not None:
                options += ["--user", user]
            return self._run("run", *options, name, "--", *command)
        finally:
            self._run("rm", name)


def build_stand_in_bases(buildah: Buildah, workdir: Path) -> Outcome:
    """Build one busybox image and tag it with every stand-in base name."""
    context = workdir / "stand-in-base"
    context.mkdir(parents=True)
    busybox = next(path for path in BUSYBOX_PATHS if path.is_file())
    shutil.copy2(busybox, context / "busybox")
    entrypoint = context / "lambda-entrypoint.sh"
    entrypoint.write_text(STAND_IN_ENTRYPOINT)
    entrypoint.chmod(0o755)
    containerfile = context / "Containerfile"
    containerfile.write_text(STAND_IN_CONTAINERFILE)
    built = buildah.build(context, containerfile, STAND_IN_BASES[0])
    if not built.ok:
        return built
    return buildah.tag(STAND_IN_BASES[0], *STAND_IN_BASES[1:])


# Lists what the Lambda user can't read under the task root: files without
# read access, and directories it can't list or enter.
UNREADABLE_SCRIPT = """\
find "$LAMBDA_TASK_ROOT" | while read -r path; do
    if [ ! -r "$path" ]; then
        echo "unreadable: $path"
    elif [ -d "$path" ] && [ ! -x "$path" ]; then
        echo "cannot enter: $path"
    fi
done
find "$LAMBDA_TASK_ROOT" -type f -exec cat {} + > /dev/null
"""


def check_task_files_readable(buildah: Buildah, image: str) -> Outcome:
    """Check task files as Lambda's user; ok only if all are readable."""
    outcome = buildah.run(
        image, ["/bin/sh", "-c", UNREADABLE_SCRIPT], user=LAMBDA_RUNTIME_USER
    )
    problems = "unreadable:" in outcome.output or "cannot enter:" in outcome.output
    return Outcome(1 if problems else outcome.returncode, outcome.output)
