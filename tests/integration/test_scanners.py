"""Scanner tier: Checkov and hadolint flag the input and pass the fix.

Cases are the golden fixtures whose expected output is a fix, the files in
fixtures/scanners/, and every corpus file that lambda-fix fixes. Before the
fix, Checkov's CKV_DOCKER_3 fails where the file has no USER, and
CKV_DOCKER_8 fails where its last USER is root. After the fix both pass,
and hadolint reports no DL3002 in the built stage and no DL3066 on the
inserted line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pytest

from lambda_fix import Status, fix_text
from lambda_fix.stages import is_root, select_stage, split_stages
from lambda_fix.syntax import scan
from tests.integration.paths import CORPUS, FIXTURES
from tests.integration.scanners import (
    CheckovReport,
    HadolintFinding,
    checkov_missing_reason,
    hadolint_missing_reason,
    run_checkov,
    run_hadolint,
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    """A Dockerfile that lambda-fix fixes; `name` doubles as its directory."""

    name: str
    source: Path
    before: bytes
    after: bytes


def _collect_cases() -> list[Case]:
    sources: list[tuple[str, Path]] = []
    for expected in sorted((FIXTURES / "golden").glob("*/expected.Dockerfile")):
        sources.append(
            (f"golden-{expected.parent.name}", expected.parent / "input.Dockerfile")
        )
    for path in sorted((FIXTURES / "scanners").glob("*.Dockerfile")):
        sources.append((f"scanners-{path.stem}", path))
    for path in sorted(CORPUS.glob("*.Dockerfile")):
        sources.append((f"corpus-{path.stem}", path))
    cases = []
    for name, path in sources:
        data = path.read_bytes()
        result = fix_text(data)
        if result.status is Status.FIXED:
            cases.append(Case(name, path, data, result.output))
    return cases


def _inserted_lines(before: bytes, after: bytes) -> list[int]:
    """Return the 1-based lines of `after` that the fix added."""
    matcher = difflib.SequenceMatcher(
        a=before.splitlines(), b=after.splitlines(), autojunk=False
    )
    lines = []
    for tag, _, _, start, end in matcher.get_opcodes():
        assert tag in ("equal", "insert"), "the fix changed an existing line"
        if tag == "insert":
            lines.extend(range(start + 1, end + 1))
    return lines


CASES = _collect_cases()
CASE_IDS = [case.name for case in CASES]


def _checkov_params() -> list[object]:
    return [pytest.param(case, id=case.name) for case in CASES]


# A root image whose CKV_DOCKER_3 failure is suppressed as LF004 suggests.
SUPPRESSED = b"""\
FROM public.ecr.aws/lambda/python:3.12
#checkov:skip=CKV_DOCKER_3:sam local invoke needs root
COPY app.py ./
CMD ["app.handler"]
"""
SUPPRESSED_CASE = "suppressed"


def _write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).mkdir(parents=True)
        (root / name / "Dockerfile").write_bytes(data)


@pytest.fixture(scope="session")
def checkov(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CheckovReport]:
    """Checkov's reports on all inputs and on all fixed outputs, one run each."""
    reason = checkov_missing_reason()
    if reason:
        pytest.skip(reason)
    before = tmp_path_factory.mktemp("checkov-before")
    after = tmp_path_factory.mktemp("checkov-after")
    _write_tree(before, {case.name: case.before for case in CASES})
    _write_tree(before, {SUPPRESSED_CASE: SUPPRESSED})
    _write_tree(after, {case.name: case.after for case in CASES})
    return {"before": run_checkov(before), "after": run_checkov(after)}


@pytest.fixture(scope="session")
def hadolint(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, list[HadolintFinding]]]:
    """hadolint's findings on all inputs and all outputs, one run each."""
    reason = hadolint_missing_reason()
    if reason:
        pytest.skip(reason)
    reports: dict[str, dict[str, list[HadolintFinding]]] = {}
    for side in ("before", "after"):
        root = tmp_path_factory.mktemp(f"hadolint-{side}")
        paths = {}
        for case in CASES:
            path = root / f"{case.name}.Dockerfile"
            path.write_bytes(case.before if side == "before" else case.after)
            paths[path] = case.name
        found = run_hadolint(list(paths))
        reports[side] = {paths[path]: findings for path, findings in found.items()}
    return reports


def test_corpus_present() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}; corpus cases are not run")
    assert any(case.name.startswith("corpus-") for case in CASES)


def _user_values(data: bytes) -> list[str]:
    dockerfile = scan(data)
    return [i.args.strip() for i in dockerfile.instructions if i.keyword == "user"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_checkov_flags_input(checkov: dict[str, CheckovReport], case: Case) -> None:
    users = _user_values(case.before)
    report = checkov["before"]
    if not users:
        assert report.outcomes(case.name, "CKV_DOCKER_3") == {"failed"}
    elif users[-1] == "root":
        assert report.outcomes(case.name, "CKV_DOCKER_8") == {"failed"}
    elif is_root(users[-1]):
        # CKV_DOCKER_8 (checkov 3.3) matches only the exact value root, so
        # `USER 0`, `USER root:root` and `USER root:1001` pass it. hadolint
        # still flags them, and lambda-fix fixes them.
        assert report.outcomes(case.name, "CKV_DOCKER_8") == {"passed"}


@pytest.mark.parametrize("case", _checkov_params())
def test_checkov_passes_fix(checkov: dict[str, CheckovReport], case: Case) -> None:
    report = checkov["after"]
    assert report.outcomes(case.name, "CKV_DOCKER_3") == {"passed"}
    assert report.outcomes(case.name, "CKV_DOCKER_8") == {"passed"}


def test_checkov_skip_comment_suppresses(checkov: dict[str, CheckovReport]) -> None:
    """The suppression LF004 suggests turns the failure into a skip."""
    outcomes = checkov["before"].outcomes(SUPPRESSED_CASE, "CKV_DOCKER_3")
    assert outcomes == {"skipped"}


def _built_stage_lines(data: bytes) -> range:
    dockerfile = scan(data)
    stage = select_stage(split_stages(dockerfile, {}), None)
    return range(stage.from_instruction.start + 1, stage.last_line + 2)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_hadolint_passes_fix(
    hadolint: dict[str, dict[str, list[HadolintFinding]]], case: Case
) -> None:
    before = {finding.code for finding in hadolint["before"][case.name]}
    after = hadolint["after"][case.name]
    if any(finding.code == "DL1000" for finding in after):
        # hadolint can't parse the file; it must not be the fix's doing.
        assert "DL1000" in before
        return
    built = _built_stage_lines(case.after)
    inserted = _inserted_lines(case.before, case.after)
    root_users = [f.line for f in after if f.code == "DL3002" and f.line in built]
    named_users = [f.line for f in after if f.code == "DL3066" and f.line in inserted]
    assert root_users == []
    assert named_users == []


BUILDER_ENDS_AS_ROOT = """\
FROM public.ecr.aws/lambda/provided:al2023 AS build
USER root
RUN dnf install -y golang
{ending}
FROM public.ecr.aws/lambda/provided:al2023
COPY --from=build /bootstrap ${{LAMBDA_RUNTIME_DIR}}/bootstrap
USER 1001:1001
CMD ["handler"]
"""


@pytest.mark.parametrize(
    "ending",
    ["", "# hadolint ignore=DL3002\nUSER root\n", "USER 1001:1001\n"],
    ids=["as-is", "ignore-pragma", "user-at-end"],
)
def test_hadolint_builder_stage_remedies(tmp_path: Path, ending: str) -> None:
    """The README's two remedies for DL3002 on a builder stage work."""
    reason = hadolint_missing_reason()
    if reason:
        pytest.skip(reason)
    path = tmp_path / "Dockerfile"
    path.write_text(BUILDER_ENDS_AS_ROOT.format(ending=ending))
    codes = [finding.code for finding in run_hadolint([path])[path]]
    if ending:
        assert "DL3002" not in codes
    else:
        assert "DL3002" in codes
