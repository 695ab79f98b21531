"""Turn the command line's paths into a list of files, each with its options.

Infrastructure files found among the paths declare Lambda images. Their
target and build arguments apply to the Dockerfiles they point at, with
values given on the command line taking precedence, and a declared
Dockerfile is processed even when its name is not a Dockerfile name.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lambda_fix.config import NO_SETTINGS, Settings
from lambda_fix.discover import (
    Found,
    Selection,
    find_files,
    is_excluded,
    settings_of,
    walk,
)
from lambda_fix.files import tree_for_file
from lambda_fix.iac import (
    Declarations,
    ImageDeclaration,
    SourceNote,
    absolute,
)
from lambda_fix.options import DEFAULT_USER, Options
from lambda_fix.pool import Pool
from lambda_fix.trivyignore import find_entry

if TYPE_CHECKING:
    from lambda_fix.iac.cdk import PythonReader

# (path of the file, path as shown to the user, its settings merged with the
# command line's, what infrastructure code declares of it, the tree that a
# symbolic link must not lead out of)
Job = tuple[str, str, Settings, tuple[ImageDeclaration, ...], str]


@dataclass
class Plan:
    """Files to process with their settings, missing paths and IaC messages.

    `jobs` is a list, or for stream_plan an iterator that walks the tree
    as it is consumed.
    """

    jobs: Iterable[Job] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Directories that could not be listed, with the reason.
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    declarations: Declarations = field(default_factory=Declarations)


def make_plan(
    paths: list[Path],
    selection: Selection,
    command_line: Settings = NO_SETTINGS,
    pool: Pool | None = None,
) -> Plan:
    """Find the files under `paths` and what infrastructure code declares for each.

    With a pool, CDK code is parsed in its workers while the walk goes on.
    Raises ConfigError for an invalid configuration file.
    """
    python = _python_reader(pool)
    found = find_files(paths, selection, python.start if python else None)
    plan = Plan(missing=found.missing, unreadable=found.unreadable)
    grouped = _read_infra(found.infra_files, python, plan)
    entries, found.entries = found.entries, []
    extra = []
    if grouped:
        known = {absolute(name) for name, _ in entries}
        extra = _declared_files(paths, found, grouped, known, selection)
        entries += extra
    cwd = os.getcwd()
    # The walk sorted the files by path as found; sort again only if
    # declared files were added or a path is shown another way.
    if extra or any(display(name, cwd) != name for name, _ in entries):
        entries.sort(key=lambda entry: display(entry[0], cwd).split("/"))
    jobs = _Jobs(paths, command_line, grouped, cwd)
    plan.jobs = [jobs.make(name, settings) for name, settings in entries]
    return plan


def stream_plan(
    root: Path,
    selection: Selection,
    command_line: Settings = NO_SETTINGS,
    pool: Pool | None = None,
) -> Plan:
    """Plan a run over one directory without holding its list of files.

    The tree is walked twice: first for the infrastructure files, whose
    declarations must be known before any file is fixed, then again, as
    the jobs are consumed, for the Dockerfiles, which come out sorted by
    path. So memory does not grow with the number of files.
    Raises ConfigError for an invalid configuration file found in the
    first walk.
    """
    python = _python_reader(pool)
    infra_files: list[Path] = []

    def found_infra(path: Path) -> None:
        infra_files.append(path)
        if python is not None:
            python.start(path)

    plan = Plan()

    def unreadable(directory: str, error: OSError) -> None:
        plan.unreadable.append((directory, error.strerror or str(error)))

    walked = walk(root, selection, found_infra, dockerfiles=False, on_error=unreadable)
    for _ in walked:
        pass
    infra_files.sort(key=lambda path: path.parts)
    grouped = _read_infra(infra_files, python, plan)
    # A declared file is found by the second walk whatever its name.
    plan.jobs = _stream_jobs(
        root, selection, _Jobs([root], command_line, grouped, os.getcwd())
    )
    return plan


def _stream_jobs(root: Path, selection: Selection, jobs: _Jobs) -> Iterator[Job]:
    for name, settings in walk(root, selection, declared=jobs.declared):
        yield jobs.make(name, settings)


def _python_reader(pool: Pool | None) -> PythonReader | None:
    if pool is None:
        return None
    from lambda_fix.iac.cdk import PythonReader

    return PythonReader(pool)


def _read_infra(
    infra_files: list[Path], python: PythonReader | None, plan: Plan
) -> dict[str, list[ImageDeclaration]]:
    """Read the declarations into the plan; group them by Dockerfile."""
    if infra_files:
        from lambda_fix.iac import read_declarations

        plan.declarations = read_declarations(infra_files, python)
    grouped = plan.declarations.by_dockerfile()
    for declared, images in grouped.items():
        if os.path.isfile(declared):
            _note_targets(tuple(images), plan.declarations)
    return grouped


class _Jobs:
    """Makes the job for each file: merged settings, declarations, tree."""

    def __init__(
        self,
        paths: list[Path],
        command_line: Settings,
        grouped: dict[str, list[ImageDeclaration]],
        cwd: str,
    ) -> None:
        self._command_line = command_line
        self._grouped = grouped
        self._cwd = cwd
        self._trees = _Trees(paths, cwd)
        # Most files share their settings object, so merge each one once.
        self._merged: dict[int, Settings] = {}
        self.declared = frozenset(grouped)

    def make(self, name: str, settings: Settings) -> Job:
        key = id(settings)
        merged = self._merged.get(key)
        if merged is None:
            merged = self._merged[key] = self._command_line.over(settings)
        # The same key as iac.lookup, without asking for the current
        # directory once per file.
        path = os.path.normpath(os.path.join(self._cwd, name))
        images = tuple(self._grouped.get(path, ()))
        display_name = display(name, self._cwd)
        # Most paths are shown as found; sharing the string saves memory.
        if display_name == name:
            display_name = name
        return (name, display_name, merged, images, self._trees.tree(name, path))


class _Trees:
    """The tree that symbolic links on a file's path must stay inside.

    That is the tree of the directory argument the file was found under, or
    of the file itself: the current directory when it contains them, and
    otherwise the parent of the argument. The argument is then a component
    inside the tree, so a directory argument that is itself a link is
    treated like any other linked directory.
    """

    def __init__(self, paths: list[Path], cwd: str) -> None:
        self._cwd = cwd
        # Each directory argument, with a separator so that a/b does not
        # match a/bc, and its tree, worked out once.
        self._directories = [
            (os.path.join(os.path.abspath(path), ""), str(tree_for_file(path)))
            for path in paths
            if path.is_dir()
        ]

    def tree(self, name: str, path: str) -> str:
        """Return the tree of a file given as found and as an absolute path."""
        for directory, tree in self._directories:
            if path.startswith(directory):
                return tree
        return str(tree_for_file(name))


def _note_targets(
    images: tuple[ImageDeclaration, ...], declarations: Declarations
) -> None:
    """Say so when a Dockerfile is declared with different targets."""
    targets = {image.target for image in images}
    if len(targets) > 1:
        first = images[0]
        # TODO: fix each declared target of a Dockerfile, not only the first.
        declarations.notes.append(
            SourceNote(
                first.source,
                first.line,
                f"{first.dockerfile} is declared {len(images)} times with "
                f"targets {sorted(str(t) for t in targets)}; fixing target "
                f"{first.target!r} from this declaration",
            )
        )


def _declared_files(
    paths: list[Path],
    found: Found,
    grouped: dict[str, list[ImageDeclaration]],
    known: set[str],
    selection: Selection,
) -> list[tuple[str, Settings]]:
    """List declared Dockerfiles that the walk did not find by name."""
    # Declarations apply under the directories given and, for an
    # infrastructure file named on the command line, under its directory.
    roots = [absolute(path) for path in paths if path.is_dir()]
    roots += [absolute(path.parent) for path in found.infra_files if path in paths]
    extra = []
    for declared in grouped:
        if declared in known or not os.path.isfile(declared):
            continue
        if ".git" in Path(declared).parts:
            continue  # git's own data, which the walk never enters either
        inside = any(os.path.commonpath([declared, root]) == root for root in roots)
        candidate = _shown_path(Path(declared))
        if not inside or is_excluded(candidate, selection):
            continue
        name = str(candidate)
        settings = settings_of(name, selection)
        if not settings.excludes(name):
            extra.append((name, settings))
    return extra


def display(path: str | Path, cwd: str | None = None) -> str:
    """Return the path as shown: relative to the current directory if inside it."""
    text = os.path.normpath(path)
    if not os.path.isabs(text) and not text.startswith(".."):
        return text.replace(os.sep, "/")
    cwd = cwd or os.getcwd()
    relative = os.path.relpath(absolute(text), cwd)
    if relative.startswith(".." + os.sep) or relative == "..":
        return Path(text).as_posix()
    return relative.replace(os.sep, "/")


def _shown_path(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def declared_options(options: Options, images: Sequence[ImageDeclaration]) -> Options:
    """Apply what infrastructure code declares of a file to its options.

    A target or build argument set on the command line or in a
    configuration file wins over the declared one. When several
    declarations name the file, the first one's target and build arguments
    count; make_plan notes that.
    """
    if not images:
        return options
    first = images[0]
    return dataclasses.replace(
        options,
        target=options.target if options.target is not None else first.target,
        build_args={**first.build_args, **options.build_args},
        declared_lambda=True,
        used_by_sam=options.used_by_sam or any(i.used_by_sam for i in images),
    )


def file_options(
    settings: Settings, path: str | None, images: Sequence[ImageDeclaration] = ()
) -> Options:
    """Turn a file's merged settings and declarations into the core's options.

    This looks up the Trivy ignore files that apply to `path`, so it runs
    in the worker processes, next to the fix.
    """
    foreign = settings.foreign_suppressions is not False
    entry = find_entry(path) if foreign and path is not None else ""
    options = Options(
        user=settings.user or DEFAULT_USER,
        target=settings.target,
        build_args=dict(settings.build_args),
        include_custom_runtimes=bool(settings.include_custom_runtimes),
        select=settings.select or (),
        ignore=settings.ignore or (),
        foreign_suppressions=foreign,
        trivyignore_entry=entry,
    )
    return declared_options(options, images)
