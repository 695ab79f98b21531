"""Decide which paths git ignores, reading the same files git reads.

Git takes ignore patterns from, in rising precedence: the global excludes
file (core.excludesFile, else $XDG_CONFIG_HOME/git/ignore), the
repository's .git/info/exclude, and the .gitignore of every directory from
the repository root down to the path. The last matching pattern of the most
specific source decides, and a negated pattern (`!name`) re-includes. The
patterns themselves are matched by pathspec's GitIgnoreSpec, which follows
git's wildmatch rules.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


def compile_patterns(lines: list[str]) -> GitIgnoreSpec:
    """Compile gitignore-style lines; pathspec is imported on first use."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def fast_matcher(spec: GitIgnoreSpec) -> Callable[[str], bool]:
    """Return a test equal to spec.match_file, with one regex per call.

    pathspec tries each pattern in turn; a single alternation of all of
    them settles the common case, a path that matches nothing, at once.
    """
    if any(pattern.include is False for pattern in spec.patterns):
        return spec.match_file
    combined = _alternation(spec)
    return lambda path: combined.search(path) is not None


@dataclass(frozen=True)
class _Layer:
    # Directory of the ignore file, relative to the top and ending in "/",
    # or "" for files whose patterns are relative to the top itself.
    base: str
    spec: GitIgnoreSpec
    # One alternation of all patterns; no match means the layer is silent.
    any_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class IgnoreRules:
    """The ignore patterns in force in one directory under `top`.

    `top` is the repository root when there is one, else the directory
    the walk started from; paths given to `is_ignored` are relative to it.
    """

    top: Path
    layers: tuple[_Layer, ...] = ()

    def is_ignored(self, relative: str, is_dir: bool) -> bool:
        """Tell whether git ignores a path given relative to `top`.

        Only patterns that match the path itself count, not those that
        match one of its directories: a walk never enters an ignored
        directory, and a directory named on the command line is walked
        even when git ignores it.
        """
        for layer in reversed(self.layers):
            if not relative.startswith(layer.base):
                continue
            inside = relative[len(layer.base) :]
            candidate = inside + ("/" if is_dir else "")
            if layer.any_pattern is not None and not layer.any_pattern.search(
                candidate
            ):
                continue
            result = layer.spec.check_file(candidate)
            if result.include is None:
                continue
            if result.include and _matches_parent(layer.spec, inside, result.index):
                continue
            return result.include
        return False

    def enter(self, directory: Path, relative: str) -> IgnoreRules:
        """Return the rules for a subdirectory, adding its .gitignore."""
        lines = _read_lines(directory / ".gitignore")
        if not lines:
            return self
        base = f"{relative}/" if relative else ""
        return IgnoreRules(self.top, (*self.layers, _make_layer(base, lines)))


def _make_layer(base: str, lines: list[str]) -> _Layer:
    spec = compile_patterns(lines)
    return _Layer(base, spec, _alternation(spec))


def _alternation(spec: GitIgnoreSpec) -> re.Pattern[str]:
    """Join a spec's patterns into one regex that matches if any of them does."""
    expressions = [
        # Group names would clash once joined, and only the match counts.
        str(pattern.regex.pattern).replace("(?P<ps_d>", "(")
        for pattern in spec.patterns
        if pattern.include is not None and pattern.regex is not None
    ]
    return re.compile("|".join(f"(?:{e})" for e in expressions) or "(?!)")


def _matches_parent(spec: GitIgnoreSpec, inside: str, index: int | None) -> bool:
    parent = posixpath.dirname(inside)
    if not parent:
        return False
    result = spec.check_file(parent + "/")
    return bool(result.include) and result.index == index


def find_repository(path: Path) -> Path | None:
    """Return the root of the git work tree that contains a path, if any."""
    for candidate in (path, *path.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def rules_for(directory: Path, include_own: bool = True) -> IgnoreRules:
    """Build the rules in force in a directory, from its repository down.

    Outside a git repository only the directory's own .gitignore counts,
    with the directory as the top. With include_own=False the directory's
    own .gitignore is left for the caller to add.
    """
    directory = directory.resolve()
    root = find_repository(directory)
    if root is None:
        rules = IgnoreRules(directory)
        return rules.enter(directory, "") if include_own else rules
    rules = IgnoreRules(root, _repository_layers(root))
    relative_parts = directory.relative_to(root).parts
    for depth in range(len(relative_parts) + 1):
        if depth == len(relative_parts) and not include_own:
            break
        relative = "/".join(relative_parts[:depth])
        rules = rules.enter(root / relative, relative)
    return rules


def _repository_layers(root: Path) -> tuple[_Layer, ...]:
    layers = []
    global_file = global_excludes_file(root)
    for source in (global_file, _info_exclude(root)):
        if source is None:
            continue
        lines = _read_lines(source)
        if lines:
            layers.append(_make_layer("", lines))
    return tuple(layers)


def _info_exclude(root: Path) -> Path | None:
    git = root / ".git"
    if git.is_dir():
        return git / "info" / "exclude"
    # A linked worktree or submodule has a .git file naming its git dir.
    try:
        text = git.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = (root / text[len("gitdir:") :].strip()).resolve()
    common = git_dir / "commondir"
    if common.is_file():
        git_dir = (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
    return git_dir / "info" / "exclude"


def global_excludes_file(root: Path) -> Path | None:
    """Locate git's global excludes file as `git config` would."""
    configured = _git_config_excludes(root)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(xdg, "git", "ignore")


def _git_config_excludes(root: Path) -> str:
    git = shutil.which("git")
    if git is None:
        # NOTE: without git on PATH, core.excludesFile is not read and only
        # the XDG default location is used.
        return ""
    try:
        completed = subprocess.run(
            [git, "config", "--path", "--get", "core.excludesFile"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return completed.stdout.strip()


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()
