"""Fuzz the scanner and the fixer with atheris (coverage-guided libFuzzer).

Run it through `make fuzz`, which sets a time limit. Every input must give a
result without an exception, in bounded time, and a fixed file must be the
input plus whole inserted lines that a second run leaves alone. A failing
input is saved under fuzz/crashes/; turn each one into a case in
tests/test_regressions.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from tests.invariants import check_result

    from lambda_fix.core import fix_text
    from lambda_fix.syntax import ParseError, scan


def test_one_input(data: bytes) -> None:
    try:
        scanned = scan(data)
    except ParseError:
        pass
    else:
        for instruction in scanned.instructions:
            assert 0 <= instruction.start <= instruction.end < len(scanned.lines)
    check_result(data, fix_text(data))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
