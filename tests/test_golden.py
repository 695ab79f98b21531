"""Golden cases: fixtures/golden/<case>/ contains input.Dockerfile, the
expected.Dockerfile when the case changes the file, and case.json with the
expected status, finding codes and options. Each case runs twice: the second
run over the output must change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_fix import Options, Status, fix_text

GOLDEN = Path(__file__).parent.parent / "fixtures" / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if path.is_dir())


def load_case(name: str) -> tuple[bytes, bytes | None, dict[str, object], Options]:
    directory = GOLDEN / name
    data = (directory / "input.Dockerfile").read_bytes()
    expected_path = directory / "expected.Dockerfile"
    expected = expected_path.read_bytes() if expected_path.exists() else None
    meta = json.loads((directory / "case.json").read_text())
    options = Options(
        user=meta.get("user", "1001:1001"),
        target=meta.get("target"),
        build_args=meta.get("build_args", {}),
        used_by_sam=meta.get("used_by_sam", False),
    )
    return data, expected, meta, options


@pytest.mark.parametrize("name", CASES)
def test_golden_output(name: str) -> None:
    data, expected, meta, options = load_case(name)
    result = fix_text(data, options)
    assert result.status.value == meta["status"], result.reason
    assert [finding.code for finding in result.findings] == meta["codes"]
    if expected is None:
        assert result.output == data
    else:
        assert result.output == expected


@pytest.mark.parametrize("name", CASES)
def test_golden_second_run_is_noop(name: str) -> None:
    data, _, _, options = load_case(name)
    first = fix_text(data, options)
    second = fix_text(first.output, options)
    assert second.output == first.output
    assert second.status is not Status.FIXED


def test_golden_statuses_match_expected_files() -> None:
    for name in CASES:
        _, expected, meta, _ = load_case(name)
        assert (expected is not None) == (meta["status"] == "fixed"), name
