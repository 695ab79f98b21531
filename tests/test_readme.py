"""The README documents every finding code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lambda_fix.findings import RULES

README = (Path(__file__).parent.parent / "README.md").read_text()


def section(code: str) -> str:
    match = re.search(rf"^### {code} .*?(?=^##)", README, re.MULTILINE | re.DOTALL)
    return match.group(0) if match else ""


@pytest.mark.parametrize("code", sorted(RULES))
def test_code_documented(code: str) -> None:
    text = section(code)
    assert text, f"README.md has no '### {code} <name>' section"
    assert RULES[code].name in text.splitlines()[0]


@pytest.mark.parametrize("code", ["LF001", "LF002", "LF006", "LF010"])
def test_code_has_before_and_after(code: str) -> None:
    text = section(code)
    assert "# before" in text
    assert "# after" in text
