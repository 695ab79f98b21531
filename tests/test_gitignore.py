"""Gitignore handling, checked against git itself on temporary repositories.

The oracle is `git ls-files --others --exclude-standard`, which lists the
files a walk that skips ignored files must find, and `git check-ignore`
for single paths outside ignored directories.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lambda_fix.discover import Selection, find_files, is_dockerfile_name, is_excluded

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"
)

FILES = (
    "Dockerfile",
    "Dockerfile.dev",
    "top.Dockerfile",
    "keep.Dockerfile",
    "drop.Dockerfile",
    "out.Dockerfile",
    "Dockerfile.a",
    "Dockerfile.c",
    "#hash.Dockerfile",
    "a/Dockerfile",
    "a/top.Dockerfile",
    "a/keep.Dockerfile",
    "a/out/Dockerfile",
    "a/b/deep.Dockerfile",
    "a/b/c/deep.Dockerfile",
    "a/gen/Dockerfile",
    "build/Dockerfile",
    "build/keep.Dockerfile",
    "docs/Containerfile",
    "docs/x/Dockerfile.dev",
)

# (case id, {ignore file: content}, extra git config as key=value)
CASES = [
    ("plain-name", {".gitignore": "Dockerfile.dev\n"}),
    ("negation", {".gitignore": "*.Dockerfile\n!keep.Dockerfile\n"}),
    ("directory-only", {".gitignore": "out/\n"}),
    ("anchored", {".gitignore": "/top.Dockerfile\n"}),
    ("middle-slash-anchors", {".gitignore": "a/Dockerfile\n"}),
    ("double-star-middle", {".gitignore": "a/**/deep.Dockerfile\n"}),
    ("double-star-leading", {".gitignore": "**/gen/\n"}),
    ("double-star-trailing", {".gitignore": "docs/**\n"}),
    ("no-reinclude-in-ignored-dir", {".gitignore": "build/\n!build/keep.Dockerfile\n"}),
    ("reinclude-with-star", {".gitignore": "build/*\n!build/keep.Dockerfile\n"}),
    ("character-class", {".gitignore": "Dockerfile.[ab]\n"}),
    ("escaped-hash", {".gitignore": "\\#hash.Dockerfile\n"}),
    ("comment-and-blank", {".gitignore": "# Dockerfile\n\n   \n"}),
    (
        "nested-overrides-parent",
        {".gitignore": "*.Dockerfile\n", "a/.gitignore": "!keep.Dockerfile\n"},
    ),
    ("nested-anchored", {"a/.gitignore": "/top.Dockerfile\nb/c/\n"}),
    ("info-exclude", {".git/info/exclude": "docs/\n"}),
    (
        "info-exclude-overridden",
        {".git/info/exclude": "*.Dockerfile\n", ".gitignore": "!keep.Dockerfile\n"},
    ),
    ("global-excludes", {"GLOBAL": "Dockerfile.dev\ndrop.Dockerfile\n"}),
]


def _git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return completed.stdout


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's git configuration out of both git and lambda-fix."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


def _make_repo(root: Path, home: Path, ignore_files: dict[str, str]) -> None:
    root.mkdir()
    _git(root, "init", "-q")
    for name in FILES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM scratch\n")
    for name, content in ignore_files.items():
        if name == "GLOBAL":
            global_file = home / "global-ignore"
            global_file.write_text(content)
            _git(root, "config", "--global", "core.excludesFile", str(global_file))
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


@pytest.mark.parametrize(("case_id", "ignore_files"), CASES, ids=[c[0] for c in CASES])
def test_walk_matches_git(
    tmp_path: Path, isolated_git: Path, case_id: str, ignore_files: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, ignore_files)
    listed = _git(root, "ls-files", "--others", "--exclude-standard").splitlines()
    expected = sorted(p for p in listed if is_dockerfile_name(Path(p).name))

    found = find_files([root], Selection(excludes=()))
    actual = sorted(path.relative_to(root).as_posix() for path in found.dockerfiles)

    assert actual == expected


@pytest.mark.parametrize(("case_id", "ignore_files"), CASES, ids=[c[0] for c in CASES])
def test_named_paths_match_check_ignore(
    tmp_path: Path,
    isolated_git: Path,
    monkeypatch: pytest.MonkeyPatch,
    case_id: str,
    ignore_files: dict[str, str],
) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, ignore_files)
    completed = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "--stdin"],
        input="\n".join(FILES) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    expected = set(completed.stdout.splitlines())

    monkeypatch.chdir(root)
    selection = Selection(excludes=(), force_exclude=True)
    actual = {name for name in FILES if is_excluded(Path(name), selection)}

    assert actual == expected


def test_xdg_global_ignore(tmp_path: Path, isolated_git: Path) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, {})
    xdg = isolated_git / ".config" / "git"
    xdg.mkdir(parents=True)
    (xdg / "ignore").write_text("docs/\n")
    ignored = _git(root, "check-ignore", "docs/Containerfile").strip()
    assert ignored == "docs/Containerfile"

    found = find_files([root], Selection(excludes=()))
    names = {path.relative_to(root).as_posix() for path in found.dockerfiles}
    assert "docs/Containerfile" not in names
    assert "Dockerfile" in names


def test_subdirectory_walk_uses_parent_rules(
    tmp_path: Path, isolated_git: Path
) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, {".gitignore": "deep.Dockerfile\n"})
    found = find_files([root / "a"], Selection(excludes=()))
    names = {path.relative_to(root).as_posix() for path in found.dockerfiles}
    assert "a/b/deep.Dockerfile" not in names
    assert "a/Dockerfile" in names


def test_named_ignored_directory_is_walked(tmp_path: Path, isolated_git: Path) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, {".gitignore": "build/\n"})
    found = find_files([root / "build"], Selection(excludes=()))
    assert len(found.dockerfiles) == 2


def test_force_exclude_applies_gitignore(tmp_path: Path, isolated_git: Path) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, {".gitignore": "build/\nDockerfile.dev\n"})
    named = [
        root / "build" / "Dockerfile",
        root / "Dockerfile.dev",
        root / "Dockerfile",
    ]

    plain = find_files(named, Selection(excludes=()))
    assert len(plain.dockerfiles) == 3

    forced = find_files(named, Selection(excludes=(), force_exclude=True))
    assert forced.dockerfiles == [root / "Dockerfile"]


def test_no_respect_gitignore(tmp_path: Path, isolated_git: Path) -> None:
    root = tmp_path / "repo"
    _make_repo(root, isolated_git, {".gitignore": "*\n"})
    found = find_files([root], Selection(excludes=(), respect_gitignore=False))
    assert len(found.dockerfiles) == len(FILES)
