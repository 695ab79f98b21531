"""Measure how fix_text's time grows with the size of a Dockerfile.

Run: .venv/bin/python bench/linear_time.py
It builds files of 1 to 16 MB from a block that mixes continuations, a
heredoc, comments, ENV and COPY, fixes each three times and prints the best
time and the time per MB. Linear growth shows as a flat last column.
"""

from __future__ import annotations

import sys
import time

from lambda_fix.core import Status, fix_text

HEAD = b"FROM public.ecr.aws/lambda/python:3.12\n"
BLOCK = (
    b"# install step\n"
    b"RUN set -e \\\n"
    b"    && echo ${VERSION:-1} \\\n"
    b"# a comment inside the continuation\n"
    b"    && true\n"
    b"ENV VERSION=2 PATH=/opt/bin:$PATH\n"
    b"COPY <<EOF /var/task/config.txt\n"
    b"key=value\n"
    b"EOF\n"
    b"\n"
)
TAIL = b'CMD ["app.handler"]\n'
MEGABYTE = 1024 * 1024


def build(size: int) -> bytes:
    """Build a Lambda Dockerfile of about `size` bytes."""
    return HEAD + BLOCK * (size // len(BLOCK)) + TAIL


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
        seconds = best_time(build(megabytes * MEGABYTE))
        print(f"{megabytes:>8} {seconds:>9.3f} {seconds / megabytes:>9.3f}")


if __name__ == "__main__":
    main()
