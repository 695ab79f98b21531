"""Find Dockerfiles and infrastructure files under the paths given."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Collection, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lambda_fix.config import NO_SETTINGS, Settings
from lambda_fix.gitignore import IgnoreRules, compile_patterns, fast_matcher, rules_for

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

DEFAULT_EXCLUDES = (
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "cdk.out",
    ".aws-sam",
    ".serverless",
    ".terraform",
)

# Dockerfile, Containerfile, Dockerfile.*, Containerfile.*, *.Dockerfile and
# *.Containerfile, in any case, as one expression: the walk tests every name.
_DOCKERFILE_NAME = re.compile(
    r"(?:dockerfile|containerfile)(?:\..*)?|.*\.(?:dockerfile|containerfile)",
    re.IGNORECASE | re.DOTALL,
)

# Files that may declare Lambda images: SAM templates, Serverless Framework
# configuration, and Python files inside a CDK app (a directory with
# cdk.json), which are read only when they mention from_image_asset.
INFRA_NAMES = frozenset(
    {
        "template.yaml",
        "template.yml",
        "template.json",
        "serverless.yml",
        "serverless.yaml",
    }
)


def is_dockerfile_name(name: str) -> bool:
    """Check whether a file name is one that lambda-fix treats as a Dockerfile."""
    if _DOCKERFILE_NAME.fullmatch(name) is None:
        return False
    return not name.lower().endswith(".dockerignore")


def is_infra_name(name: str) -> bool:
    """Check whether a file may declare Lambda images (SAM, Serverless, CDK)."""
    return name in INFRA_NAMES or name.endswith(".py")


@dataclass(frozen=True)
class Selection:
    """The rules for which files a walk keeps: excludes and whether .gitignore counts.

    Exclude patterns use gitignore syntax. A pattern without a slash
    matches a file or directory of that name at any depth. A pattern with
    a slash matches the path relative to the current directory, or to the
    PATH argument when PATH is outside the current directory.
    """

    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    respect_gitignore: bool = True
    force_exclude: bool = False
    # Accepts files whose names are not Dockerfile names, such as those that
    # an include glob of a configuration file matches.
    # The configuration in force in a directory, given the directory and,
    # when it has been listed, its entries. Its include globs accept files
    # whose names are not Dockerfile names, and its exclude globs drop
    # files, even ones named on the command line.
    settings: Callable[[str, Container[str] | None], Settings] | None = None


@dataclass
class Found:
    """Files found, sorted by path, and the paths that do not exist.

    Each Dockerfile comes with the settings of its directory. Paths are
    kept as strings, which take a third of the memory of Path objects when
    a monorepo has tens of thousands of Dockerfiles.
    """

    entries: list[tuple[str, Settings]] = field(default_factory=list)
    infra_files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Directories that could not be listed, with the reason.
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def dockerfile_names(self) -> list[str]:
        return [name for name, _ in self.entries]

    @property
    def dockerfiles(self) -> list[Path]:
        return [Path(name) for name, _ in self.entries]


def find_files(
    paths: list[Path],
    selection: Selection,
    on_infra: Callable[[Path], object] | None = None,
) -> Found:
    """Expand the command line's paths into Dockerfiles and infra files.

    `on_infra` is called with each infrastructure file as soon as it is
    found, so that reading it can start while the walk goes on.
    """
    found = Found()
    excludes = compile_patterns(list(selection.excludes))

    def infra(path: Path) -> None:
        found.infra_files.append(path)
        if on_infra is not None:
            on_infra(path)

    def unreadable(directory: str, error: OSError) -> None:
        found.unreadable.append((directory, error.strerror or str(error)))

    for path in paths:
        if not (path.exists() or path.is_symlink()):
            found.missing.append(str(path))
            continue
        if selection.force_exclude and _is_excluded_named(path, selection, excludes):
            continue
        if path.is_dir() and not is_dockerfile_name(path.name):
            found.entries.extend(walk(path, selection, infra, on_error=unreadable))
        elif is_infra_name(path.name) and not is_dockerfile_name(path.name):
            infra(path)
        else:
            # A path named on the command line is taken as a Dockerfile
            # whatever its name, as pre-commit passes file names. A
            # directory named like a Dockerfile is reported when read.
            name = os.path.normpath(path)
            settings = settings_of(name, selection)
            if not settings.excludes(name):
                found.entries.append((name, settings))
    unique = dict(found.entries)
    found.entries = sorted(unique.items(), key=lambda entry: entry[0].split(os.sep))
    found.infra_files = sorted(set(found.infra_files), key=lambda path: path.parts)
    return found


def settings_of(name: str, selection: Selection) -> Settings:
    """Return the settings in force for a file, or empty ones."""
    return _settings_in(os.path.dirname(name) or os.curdir, selection)


def _settings_in(directory: str, selection: Selection) -> Settings:
    if selection.settings is None:
        return NO_SETTINGS
    return selection.settings(directory, None)


def is_excluded(path: Path, selection: Selection) -> bool:
    """Tell whether excludes or .gitignore drop a path named explicitly."""
    excludes = compile_patterns(list(selection.excludes))
    return _is_excluded_named(path, selection, excludes)


def iter_dockerfiles(root: Path) -> list[Path]:
    """List Dockerfiles under a directory with the default selection."""
    return find_files([root], Selection()).dockerfiles


def _exclude_path(path: Path, root: Path) -> str:
    """Return the path that exclude patterns with a slash are matched against."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.relative_to(root).as_posix()


def _is_excluded_named(
    path: Path, selection: Selection, excludes: GitIgnoreSpec
) -> bool:
    relative = _exclude_path(path, path)
    if relative == ".":
        relative = path.absolute().name
    is_dir = path.is_dir()
    candidate = relative + ("/" if is_dir else "")
    if excludes.match_file(candidate):
        return True
    # A parent directory may be excluded by name, such as cdk.out/.
    for parent in Path(relative).parents:
        if parent.name and excludes.match_file(parent.as_posix() + "/"):
            return True
    if not selection.respect_gitignore:
        return False
    absolute = path.absolute()
    rules = rules_for(absolute.parent)
    try:
        inside = absolute.resolve().relative_to(rules.top).as_posix()
    except ValueError:
        return False
    parts = inside.split("/")
    for depth in range(1, len(parts)):
        if rules.is_ignored("/".join(parts[:depth]), is_dir=True):
            return True
    return rules.is_ignored(inside, is_dir)


def _inherited(spec: GitIgnoreSpec, candidate: str) -> bool:
    """Tell whether a pattern matches only because it matches a parent.

    The walk never enters an excluded directory, so such a match comes from
    a directory at or above the one named on the command line, which is
    walked even when excluded (unless --force-exclude drops it first).
    """
    parent = posixpath.dirname(candidate.rstrip("/"))
    if not parent:
        return False
    result = spec.check_file(candidate)
    if not result.include:
        return False
    parent_result = spec.check_file(parent + "/")
    return bool(parent_result.include) and parent_result.index == result.index


def walk(
    root: Path,
    selection: Selection,
    on_infra: Callable[[Path], object] | None = None,
    declared: Collection[str] = (),
    dockerfiles: bool = True,
    on_error: Callable[[str, OSError], object] | None = None,
) -> Iterator[tuple[str, Settings]]:
    """Yield the Dockerfiles under a directory, sorted by path, as found.

    Each comes with the settings of its directory. Infrastructure files go
    to `on_infra`, and are not looked for without it. A file whose absolute
    path is in `declared` counts as a Dockerfile whatever its name. With
    dockerfiles=False only infrastructure files are looked for. Only the
    directories being listed are held in memory, never the files found.
    A directory that can't be listed goes to `on_error`.
    """
    excludes = compile_patterns(list(selection.excludes))
    rules: IgnoreRules | None = None
    top_relative = ""
    if selection.respect_gitignore:
        rules = rules_for(root, include_own=False)
        top_relative = root.resolve().relative_to(rules.top).as_posix()
        if top_relative == ".":
            top_relative = ""
    exclude_base = _exclude_path(root, root)
    context = _WalkContext(
        selection,
        excludes,
        fast_matcher(excludes),
        "" if exclude_base == "." else exclude_base + "/",
        top_relative,
        declared,
        frozenset(os.path.basename(path) for path in declared),
        os.getcwd(),
        dockerfiles,
        on_infra is not None,
        on_error,
    )
    in_cdk_app = any((parent / "cdk.json").is_file() for parent in root.parents)
    # One iterator per directory being listed: a subdirectory is listed in
    # full where its name sorts, before the next entry of its parent.
    stack = [context.items(os.fspath(root), "", rules, in_cdk_app)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, _Subdirectory):
            stack.append(context.items(*item))
        elif isinstance(item, Path):
            if on_infra is not None:
                on_infra(item)
        else:
            yield item


class _Subdirectory(NamedTuple):
    path: str
    relative: str
    rules: IgnoreRules | None
    in_cdk_app: bool


@dataclass(frozen=True)
class _WalkContext:
    selection: Selection
    excludes: GitIgnoreSpec
    excluded: Callable[[str], bool]
    exclude_base: str
    top_relative: str
    declared: Collection[str]
    declared_names: frozenset[str]
    cwd: str
    dockerfiles: bool
    infra: bool
    on_error: Callable[[str, OSError], object] | None

    def items(
        self,
        directory: str,
        relative: str,
        rules: IgnoreRules | None,
        in_cdk_app: bool,
    ) -> Iterator[_Subdirectory | Path | tuple[str, Settings]]:
        """Yield a directory's subdirectories, infra files and Dockerfiles."""
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            if self.on_error is not None:
                self.on_error(directory, error)
            return
        names = {entry.name for entry in entries}
        git_base = "/".join(part for part in (self.top_relative, relative) if part)
        if rules is not None and ".gitignore" in names:
            rules = rules.enter(Path(directory), git_base)
        in_cdk_app = in_cdk_app or "cdk.json" in names
        local = self._settings(directory, names)
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name == ".git":
                    continue  # git's own data, skipped even when --exclude drops it
            elif is_dockerfile_name(name):
                if not self.dockerfiles:
                    continue
                kind = "dockerfile"
            elif self.dockerfiles and self._is_declared(entry):
                # Declared by infrastructure code, whatever its name.
                kind = "dockerfile"
            elif name in INFRA_NAMES or (in_cdk_app and name.endswith(".py")):
                if not self.infra:
                    continue
                kind = "infra"
            elif self.dockerfiles and local.includes(entry.path):
                kind = "dockerfile"
            else:
                continue  # Not a file lambda-fix reads, so no pattern can matter.
            child_relative = f"{relative}/{name}" if relative else name
            suffix = "/" if is_dir else ""
            candidate = self.exclude_base + child_relative + suffix
            if self.excluded(candidate) and not _inherited(self.excludes, candidate):
                continue
            if rules is not None and rules.layers:
                git_relative = f"{git_base}/{name}" if git_base else name
                if rules.is_ignored(git_relative, is_dir):
                    continue
            if is_dir:
                yield _Subdirectory(entry.path, child_relative, rules, in_cdk_app)
            elif kind == "infra":
                yield Path(entry.path)
            elif not local.excludes(entry.path):
                yield os.path.normpath(entry.path), local

    def _settings(self, directory: str, names: set[str]) -> Settings:
        if self.selection.settings is None:
            return NO_SETTINGS
        # Absolute, so that the lookup does not ask for the current
        # directory again.
        return self.selection.settings(os.path.join(self.cwd, directory), names)

    def _is_declared(self, entry: os.DirEntry[str]) -> bool:
        if entry.name not in self.declared_names or not entry.is_file():
            return False
        path = entry.path
        return os.path.normpath(os.path.join(self.cwd, path)) in self.declared
