"""Build tier: fixed Dockerfiles still build, keep their config and run.

Each case in fixtures/builds/<case>/ is a Dockerfile with its build context,
written for the busybox stand-in bases. A case may also have
naive.Dockerfile, with a USER line placed straight above CMD, which must
fail to build. An LF003 case has suggested.Dockerfile, the file after the
change that the warning suggests, and suggestion.txt, the text of that
change, which the warning must contain.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from lambda_fix import Options, Status, fix_text
from lambda_fix.syntax import scan
from tests.integration.containers import (
    STAND_IN_BASES,
    Buildah,
    Outcome,
    check_task_files_readable,
)
from tests.integration.paths import FIXTURES

BUILDS = FIXTURES / "builds"
CASES = sorted(
    path.name for path in BUILDS.iterdir() if (path / "Dockerfile").is_file()
)
LF003_CASES = [
    case for case in CASES if (BUILDS / case / "suggested.Dockerfile").exists()
]
PLAIN_CASES = [case for case in CASES if case not in LF003_CASES]
CONFIG_KEYS = ("Cmd", "Entrypoint", "Env", "WorkingDir")

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Built:
    """A Dockerfile, its tag and the outcome of building it."""

    dockerfile: Path
    tag: str
    outcome: Outcome


class Builder:
    """Builds each fixture variant once per session and remembers the result."""

    def __init__(self, buildah: Buildah, workdir: Path) -> None:
        self.buildah = buildah
        self.workdir = workdir
        self.cache: dict[tuple[str, str, bool], Built] = {}

    def build(self, case: str, name: str = "Dockerfile", fixed: bool = False) -> Built:
        key = (case, name, fixed)
        if key not in self.cache:
            dockerfile = BUILDS / case / name
            variant = name.removesuffix("Dockerfile").rstrip(".") or "original"
            if fixed:
                result = fix_text(dockerfile.read_bytes())
                assert result.status is Status.FIXED, result.reason
                dockerfile = self.workdir / f"{case}.{variant}.fixed.Dockerfile"
                dockerfile.write_bytes(result.output)
                variant += "-fixed"
            tag = f"localhost/lambda-fix-test/{case}:{variant}"
            outcome = self.buildah.build(BUILDS / case, dockerfile, tag)
            self.cache[key] = Built(dockerfile, tag, outcome)
        return self.cache[key]


def _variants() -> list[tuple[str, str, bool]]:
    """Every (case, Dockerfile name, fixed) that a test below builds."""
    variants = []
    for case in CASES:
        variants += [(case, "Dockerfile", False), (case, "Dockerfile", True)]
    variants.append(("run-after-cmd", "naive.Dockerfile", False))
    variants += [(case, "suggested.Dockerfile", True) for case in LF003_CASES]
    return variants


@pytest.fixture(scope="session")
def builder(buildah: Buildah, tmp_path_factory: pytest.TempPathFactory) -> Builder:
    """A Builder that has built every variant, two at a time."""
    built = Builder(buildah, tmp_path_factory.mktemp("fixed"))
    # buildah spends much of a build waiting on storage; two builds at once
    # on the shared storage root (which buildah locks) take less wall time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda variant: built.build(*variant), _variants()))
    return built


def test_stand_in_bases_cover_fixtures() -> None:
    """Every base a build fixture names has a stand-in, or builds would pull."""
    for case in CASES:
        for path in (BUILDS / case).glob("*Dockerfile"):
            dockerfile = scan(path.read_bytes())
            stage_names: set[str] = set()
            for instruction in dockerfile.instructions:
                if instruction.keyword != "from":
                    continue
                words = instruction.args.split()
                assert words[0] in STAND_IN_BASES or words[0] in stage_names, path
                if len(words) == 3:
                    stage_names.add(words[2])


@pytest.mark.parametrize("case", CASES)
def test_fixed_builds_like_original(builder: Builder, case: str) -> None:
    original = builder.build(case)
    assert original.outcome.ok, original.outcome.output
    fixed = builder.build(case, fixed=True)
    assert fixed.outcome.ok, fixed.outcome.output


@pytest.mark.parametrize("case", CASES)
def test_fixed_config_keeps_original(builder: Builder, case: str) -> None:
    original = builder.build(case)
    fixed = builder.build(case, fixed=True)
    assert original.outcome.ok and fixed.outcome.ok
    before = builder.buildah.config(original.tag)
    after = builder.buildah.config(fixed.tag)
    assert after.get("User") == "1001:1001"
    for key in CONFIG_KEYS:
        assert after.get(key) == before.get(key), key


@pytest.mark.parametrize("case", PLAIN_CASES)
def test_fixed_task_files_readable(builder: Builder, case: str) -> None:
    fixed = builder.build(case, fixed=True)
    assert fixed.outcome.ok, fixed.outcome.output
    check = check_task_files_readable(builder.buildah, fixed.tag)
    assert check.ok, check.output


def test_naive_fix_breaks_build(builder: Builder) -> None:
    """USER straight above CMD makes a later RUN fail; lambda-fix's line doesn't."""
    naive = builder.build("run-after-cmd", "naive.Dockerfile")
    assert not naive.outcome.ok
    assert "Permission denied" in naive.outcome.output
    fixed = builder.build("run-after-cmd", fixed=True)
    assert fixed.dockerfile.read_bytes() != naive.dockerfile.read_bytes()
    assert fixed.outcome.ok, fixed.outcome.output


def test_malformed_user_fails_to_run(builder: Builder) -> None:
    """USER 1001:1001 # drop root builds, but no container can start from it."""
    original = builder.build("malformed-user")
    assert original.outcome.ok, original.outcome.output
    started = builder.buildah.run(original.tag, ["true"])
    assert not started.ok
    # buildah words it "unknown group error looking up group", Docker (runc)
    # "unable to find group"; both quote the whole value.
    assert re.search(r'group "?1001 # drop root', started.output), started.output
    fixed = builder.build("malformed-user", fixed=True)
    assert builder.buildah.run(fixed.tag, ["true"]).ok


def test_malformed_user_message_quotes_error() -> None:
    data = (BUILDS / "malformed-user" / "Dockerfile").read_bytes()
    messages = [f.message for f in fix_text(data).findings if f.code == "LF002"]
    assert len(messages) == 1
    assert "unable to find group 1001 # drop root" in messages[0]


# What SAM CLI writes to build its emulator image on top of a function's
# image (samcli/local/docker/lambda_image.py, _generate_dockerfile).
SAM_EMULATOR_DOCKERFILE = """\
FROM {image}
ADD aws-lambda-rie-x86_64 /var/rapid/
RUN mv /var/rapid/aws-lambda-rie-x86_64 /var/rapid/aws-lambda-rie \
&& chmod +x /var/rapid/aws-lambda-rie
"""


def _build_sam_emulator(builder: Builder, image: str, name: str) -> Outcome:
    dockerfile = builder.workdir / f"sam-emulator-{name}.Dockerfile"
    dockerfile.write_text(SAM_EMULATOR_DOCKERFILE.format(image=image))
    tag = f"localhost/lambda-fix-test/sam-emulator:{name}"
    return builder.buildah.build(BUILDS / "sam-local", dockerfile, tag)


def test_sam_emulator_fails_on_fixed_image(builder: Builder) -> None:
    original = builder.build("sam-local")
    fixed = builder.build("sam-local", fixed=True)
    assert original.outcome.ok and fixed.outcome.ok
    assert _build_sam_emulator(builder, original.tag, "original").ok
    broken = _build_sam_emulator(builder, fixed.tag, "fixed")
    assert not broken.ok
    assert "Permission denied" in broken.output


def test_sam_emulator_failure_reported() -> None:
    data = (BUILDS / "sam-local" / "Dockerfile").read_bytes()
    with_sam = fix_text(data, Options(used_by_sam=True))
    without_sam = fix_text(data)
    assert [f.code for f in with_sam.findings if f.code == "LF004"] == ["LF004"]
    assert "LF004" not in [f.code for f in without_sam.findings]


@pytest.mark.parametrize("case", LF003_CASES)
def test_lf003_suggestion_reported(case: str) -> None:
    suggestion = (BUILDS / case / "suggestion.txt").read_text().strip()
    before = fix_text((BUILDS / case / "Dockerfile").read_bytes())
    after = fix_text((BUILDS / case / "suggested.Dockerfile").read_bytes())
    messages = [f.message for f in before.findings if f.code == "LF003"]
    assert len(messages) == 1
    assert suggestion in messages[0]
    assert suggestion in (BUILDS / case / "suggested.Dockerfile").read_text()
    assert "LF003" not in [f.code for f in after.findings]


@pytest.mark.parametrize("case", LF003_CASES)
def test_lf003_suggestion_makes_files_readable(builder: Builder, case: str) -> None:
    warned = builder.build(case, fixed=True)
    assert warned.outcome.ok, warned.outcome.output
    unreadable = check_task_files_readable(builder.buildah, warned.tag)
    assert not unreadable.ok, unreadable.output
    suggested = builder.build(case, "suggested.Dockerfile", fixed=True)
    assert suggested.outcome.ok, suggested.outcome.output
    readable = check_task_files_readable(builder.buildah, suggested.tag)
    assert readable.ok, readable.output
