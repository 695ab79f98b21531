"""Find Trivy ignore files that accept a root user for a Dockerfile.

Trivy reads `.trivyignore` (one ID per line, `#` comments, an optional
`exp:YYYY-MM-DD` field) and `.trivyignore.yaml` (a `misconfigurations` list
of entries with `id`, optional `paths` globs and `expired_at`). This module
looks in the Dockerfile's directory and in the repository root, and treats
`paths` as relative to the ignore file's directory, which is where Trivy
runs when it picks the file up by default. The check ID is DS002 in older
Trivy releases, AVD-DS-0002 in most, and DS-0002 in newer trivy-checks.
"""

from __future__ import annotations

import datetime
import functools
import os
from pathlib import Path
from typing import Any

import yaml

from lambda_fix.files import FileError, read_small_file
from lambda_fix.globs import glob_match

ROOT_USER_IDS = frozenset({"DS002", "AVD-DS-0002", "DS-0002"})
NAMES = (".trivyignore", ".trivyignore.yaml")
# Ignore files larger than this are not read.
MAX_SIZE = 1024 * 1024


def find_entry(dockerfile: str | Path, today: datetime.date | None = None) -> str:
    """Describe the first live entry that ignores root for this file, or ""."""
    today = today or datetime.date.today()
    # abspath, not resolve(): it makes no system call, and the directory
    # lookups below are cached.
    absolute = os.path.abspath(dockerfile)
    ignore_files = _ignore_files(os.path.dirname(absolute))
    if not ignore_files:
        return ""
    for ignore_file in ignore_files:
        relative = os.path.relpath(absolute, ignore_file.parent).replace(os.sep, "/")
        found = _search(ignore_file, relative, today)
        if found:
            return found
    return ""


def _search(ignore_file: Path, relative: str, today: datetime.date) -> str:
    try:
        data = read_small_file(ignore_file, MAX_SIZE)
    except FileError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if ignore_file.suffix == ".yaml":
        return _search_yaml(ignore_file, text, relative, today)
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#") or words[0] not in ROOT_USER_IDS:
            continue
        expiry = next((w[4:] for w in words[1:] if w.startswith("exp:")), None)
        if expiry is not None and not _live(expiry, today):
            continue
        return f"{words[0]} in {ignore_file} (line {number})"
    return ""


def _search_yaml(
    ignore_file: Path, text: str, relative: str, today: datetime.date
) -> str:
    try:
        document = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        # An invalid date, such as 2099-13-45, raises ValueError.
        # TODO: report an invalid .trivyignore.yaml; Trivy itself fails on it.
        return ""
    entries = document.get("misconfigurations") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return ""
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        check = entry.get("id")
        if not isinstance(check, str) or check not in ROOT_USER_IDS:
            continue
        if not _live(entry.get("expired_at"), today):
            continue
        paths = entry.get("paths") or []
        if not isinstance(paths, list):
            continue  # Trivy takes a list of globs and nothing else.
        if paths and not any(_matches(pattern, relative) for pattern in paths):
            continue
        return f"{check} in {ignore_file}"
    return ""


def _matches(pattern: Any, relative: str) -> bool:
    try:
        return glob_match(str(pattern), relative, anchored=True)
    except ValueError:
        return False  # An invalid glob matches nothing.


def _live(expiry: Any, today: datetime.date) -> bool:
    if expiry is None:
        return True
    if isinstance(expiry, datetime.datetime):
        expiry = expiry.date()
    if isinstance(expiry, datetime.date):
        return expiry >= today
    try:
        return datetime.date.fromisoformat(str(expiry)) >= today
    except ValueError:
        return False


@functools.lru_cache(maxsize=256)
def _ignore_files(directory: str) -> tuple[Path, ...]:
    """List the ignore files that apply in a directory, nearest first.

    Cached, because a run over a monorepo looks up once per Dockerfile and most
    directories have none. Strings, not Path objects, keep this cheap.
    """
    found = _ignore_files_in(directory)
    root = _repository_root(directory)
    if root is not None and root != directory:
        found += _root_ignore_files(root)
    return found


@functools.lru_cache(maxsize=64)
def _root_ignore_files(root: str) -> tuple[Path, ...]:
    # Most Dockerfiles of a monorepo share one repository root.
    return _ignore_files_in(root)


def _ignore_files_in(directory: str) -> tuple[Path, ...]:
    candidates = (os.path.join(directory, name) for name in NAMES)
    return tuple(Path(path) for path in candidates if os.path.isfile(path))


# The repository root of each directory looked up, kept for a while, so
# that sibling directories stat their shared parents once.
_ROOTS: dict[str, str | None] = {}


def _repository_root(directory: str) -> str | None:
    # A loop, not recursion: a tree can be deeper than the recursion limit.
    visited = []
    current = directory
    while current not in _ROOTS:
        visited.append(current)
        if os.path.exists(os.path.join(current, ".git")):
            root: str | None = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            root = None
            break
        current = parent
    else:
        root = _ROOTS[current]
    if len(_ROOTS) > 4096:
        _ROOTS.clear()
    for seen in visited:
        _ROOTS[seen] = root
    return root
