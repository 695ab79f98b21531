"""Measure how fix_text's time grows with the size of a Dockerfile.

Run: .venv/bin/python bench/linear_time.py
It builds files of 1 to 16 MB from a block that mixes continuations, a
heredoc, comments, ENV and COPY, fixes each three times and prints the best
time and the time per MB. Linear growth shows as a flat last column.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lambda_fix.core import Status, fix_text

# The generator is shared with the test suite, one directory up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.large_files import MEGABYTE, build_dockerfile


def best_time(data: bytes, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fix_text(data)
        times.append(time.perf_counter() - start)
        assert result.status is Status.FIXED, result.reason
    return min(times)


def main() -> None:
    print(f"python {sys.version.split()[0]}")
    print(f"{'size MB':>8} {'seconds':>9} {'s per MB':>9}")
    for megabytes in (1, 2, 4, 8, 16):
        seconds = best_time(build_dockerfile(megabytes * MEGABYTE))
        print(f"{megabytes:>8} {seconds:>9.3f} {seconds / megabytes:>9.3f}")


if __name__ == "__main__":
    main()
