"""Glob matching and the lookup of Trivy ignore files."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_fix.globs import check_glob, glob_match
from lambda_fix.trivyignore import find_entry

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("pattern", "path", "anchored", "expected"),
    [
        ("Dockerfile.lambda", "api/Dockerfile.lambda", False, True),
        ("*.df", "a/b/c.df", False, True),
        ("*.df", "a/b/c.dfx", False, False),
        ("vendor", "vendor/x/Dockerfile", False, True),
        ("api/*", "api/Dockerfile", False, True),
        ("api/*", "web/api/Dockerfile", False, False),
        ("**/api/*", "web/api/Dockerfile", False, True),
        ("a?c", "abc", False, True),
        ("[ab]x", "bx", False, True),
        ("[!ab]x", "bx", False, False),
        ("docs/Dockerfile", "docs/Dockerfile", True, True),
        ("Dockerfile", "docs/Dockerfile", True, False),
        ("**/Dockerfile", "Dockerfile", True, True),
        ("**/Dockerfile", "a/b/Dockerfile", True, True),
        ("x/*", "x/a/b", True, False),
    ],
)
def test_glob_match(pattern: str, path: str, anchored: bool, expected: bool) -> None:
    assert glob_match(pattern, path, anchored) is expected


@pytest.fixture
def project(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM x\n")
    return tmp_path


def test_trivyignore_in_file_directory(project: Path) -> None:
    (project / "api" / ".trivyignore").write_text("DS002\n")
    entry = find_entry(project / "api" / "Dockerfile", TODAY)
    assert entry == f"DS002 in {project / 'api' / '.trivyignore'} (line 1)"


def test_trivyignore_expiry(project: Path) -> None:
    ignore = project / ".trivyignore"
    ignore.write_text("AVD-DS-0002 exp:2026-05-31\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""
    ignore.write_text("AVD-DS-0002 exp:2026-06-01\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) != ""
    ignore.write_text("AVD-DS-0002 exp:tomorrow\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


def test_trivyignore_other_ids_and_comments(project: Path) -> None:
    (project / ".trivyignore").write_text("# DS002\nAVD-DS-0001\nds002\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


def test_trivyignore_yaml_paths(project: Path) -> None:
    ignore = project / ".trivyignore.yaml"
    ignore.write_text(
        "misconfigurations:\n"
        "  - id: AVD-DS-0002\n    paths: ['**/web/Dockerfile']\n"
        "  - id: DS-0002\n    paths: ['api/*']\n"
    )
    assert find_entry(project / "api" / "Dockerfile", TODAY) == f"DS-0002 in {ignore}"


def test_trivyignore_yaml_invalid_is_ignored(project: Path) -> None:
    (project / ".trivyignore.yaml").write_text("misconfigurations: [\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


@pytest.mark.parametrize(
    "entry",
    [
        "{id: AVD-DS-0002, expired_at: 2099-13-45}",
        "{id: [AVD-DS-0002]}",
        "{id: {a: 1}}",
        "{id: AVD-DS-0002, paths: 5}",
        "{id: AVD-DS-0002, paths: a}",
        "{id: AVD-DS-0002, paths: ['[z-a]']}",
    ],
)
def test_trivyignore_yaml_bad_entry_ignored(project: Path, entry: str) -> None:
    (project / ".trivyignore.yaml").write_text(f"misconfigurations:\n  - {entry}\n")
    assert find_entry(project / "api" / "Dockerfile", TODAY) == ""


def test_trivyignore_yaml_expiry_with_time(project: Path) -> None:
    ignore = project / ".trivyignore.yaml"
    ignore.write_text(
        "misconfigurations:\n"
        "  - {id: DS002, expired_at: 2026-05-31 10:00:00}\n"
        "  - {id: DS-0002, expired_at: 2026-06-02 10:00:00}\n"
    )
    assert find_entry(project / "api" / "Dockerfile", TODAY) == f"DS-0002 in {ignore}"


def test_trivyignore_deep_directory(project: Path) -> None:
    """A Dockerfile deeper than Python's recursion limit."""
    deep = project.joinpath(*["d"] * 600)
    deep.mkdir(parents=True)
    (project / ".trivyignore").write_text("DS002\n")
    assert find_entry(deep / "Dockerfile", TODAY).startswith("DS002 in ")


def test_trivyignore_outside_repository_unused(tmp_path: Path) -> None:
    (tmp_path / ".trivyignore").write_text("DS002\n")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "Dockerfile").write_text("FROM x\n")
    assert find_entry(project / "Dockerfile", TODAY) == ""


def _regex_glob(pattern: str, anchored: bool) -> re.Pattern[str]:
    """The glob as one regular expression: the reference for the matcher."""
    body = pattern.strip("/") if not anchored else pattern.lstrip("/")
    if not anchored and "/" not in pattern.strip("/"):
        body = "**/" + body
    regex = ""
    index = 0
    while index < len(body):
        char = body[index]
        if body.startswith("**/", index):
            regex += "(?:[^/]*/)*"
            index += 3
            continue
        if body.startswith("**", index):
            regex += ".*"
            index += 2
            continue
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif (
            char == "["
            and body.find("]", index + 1) >= 0
            and body[index + 1 : body.find("]", index + 1)] not in ("", "!")
        ):
            end = body.find("]", index + 1)
            content = body[index + 1 : end].replace("\\", "\\\\").replace("[", "\\[")
            if content.startswith("!"):
                content = "^" + content[1:]
            regex += f"[{content}]"
            index = end
        else:
            regex += re.escape(char)
        index += 1
    return re.compile(regex + (r"\Z" if anchored else r"(?:/.*)?\Z"))


@settings(max_examples=3000, deadline=None)
@given(
    st.text(alphabet="ab/*?[]!", max_size=12),
    st.text(alphabet="ab/\n", max_size=12),
    st.booleans(),
)
def test_glob_matches_like_regex(pattern: str, path: str, anchored: bool) -> None:
    """On short inputs, where backtracking is cheap, both agree."""
    try:
        expected = _regex_glob(pattern, anchored).match(path) is not None
    except re.error:
        with pytest.raises(ValueError, match="invalid glob"):
            glob_match(pattern, path, anchored)
        return
    assert glob_match(pattern, path, anchored) == expected


@pytest.mark.parametrize(
    "pattern",
    ["**/" * 25 + "x", "*a" * 30 + "*b", "**/a" * 20 + "/b", "a**" * 30 + "b"],
)
def test_glob_hostile_pattern_is_quick(pattern: str) -> None:
    """Patterns that make a backtracking matcher run for hours."""
    path = "/".join(["a" * 100] * 10)
    assert glob_match(pattern, path) is False


def test_invalid_glob_raises() -> None:
    with pytest.raises(ValueError, match="invalid glob '\\[z-a\\]'"):
        check_glob("[z-a]")
