"""Every real Dockerfile in the shared corpus: no crash, and safe fixes only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lambda_fix import Status, fix_text
from tests.corpus import corpus_families, corpus_files, corpus_params
from tests.invariants import (
    assert_buildkit_sees_one_more_user,
    assert_only_user_lines_added,
)


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_file(path: Path) -> None:
    data = path.read_bytes()
    result = fix_text(data)
    assert result.reason
    if result.status is not Status.FIXED:
        assert result.output == data
        return
    assert corpus_families()[path.stem] != "not-lambda"
    assert_only_user_lines_added(data, result.output, b"USER 1001:1001")
    second = fix_text(result.output)
    assert second.status is Status.UNCHANGED
    assert second.output == result.output


def _fixed_corpus_params() -> list[object]:
    fixed = [
        pytest.param(path, id=path.stem)
        for path in corpus_files()
        if fix_text(path.read_bytes()).status is Status.FIXED
    ]
    return fixed or corpus_params()


@pytest.mark.parametrize("path", _fixed_corpus_params())
def test_corpus_fix_matches_buildkit(path: Path) -> None:
    data = path.read_bytes()
    result = fix_text(data)
    assert result.status is Status.FIXED
    assert_buildkit_sees_one_more_user(data, result.output)


def test_corpus_outcome_counts() -> None:
    """Pin how many corpus files end in each status, so changes show up."""
    files = corpus_files()
    if not files:
        pytest.skip("corpus not found beside the repository")
    counts = Counter(fix_text(path.read_bytes()).status.value for path in files)
    assert counts == {"fixed": 100, "unchanged": 5, "skipped": 49, "refused": 1}
