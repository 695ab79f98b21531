"""fix_text on large files: correct, and time that grows linearly.

The speed itself is measured in bench/linear_time.py. This test checks
that a 10 MB file is fixed correctly, and that ten times the input takes
well under a hundred times the CPU time, which would mean quadratic growth.
The bound is generous so that a loaded machine still meets it.
"""

from __future__ import annotations

import time

import pytest

from lambda_fix.core import Status, fix_text
from tests.large_files import MEGABYTE, TAIL, build_dockerfile


def timed_fix(data: bytes) -> float:
    start = time.process_time()
    result = fix_text(data)
    elapsed = time.process_time() - start
    assert result.status is Status.FIXED, result.reason
    assert result.output == data[: -len(TAIL)] + b"USER 1001:1001\n" + TAIL
    return elapsed


@pytest.mark.slow
def test_ten_megabytes_linear() -> None:
    small = timed_fix(build_dockerfile(MEGABYTE))
    large = timed_fix(build_dockerfile(10 * MEGABYTE))
    # Linear growth gives about 10; quadratic growth would give about 100.
    assert large / small < 35
