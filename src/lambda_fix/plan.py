"""Turn the command line's paths into a list of files, each with its options.

Infrastructure files found among the paths declare Lambda images. Their
target and build arguments apply to the Dockerfiles they point at, with
values given on the command line taking precedence, and a declared
Dockerfile is processed even when its name is not a Dockerfile name.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lambda_fix.config import NO_SETTINGS, Settings
from lambda_fix.discover import (
    Found,
    Selection,
    find_files,
    is_excluded,
    settings_of,
)
from lambda_fix.files import tree_for_file
from lambda_fix.iac import (
    Declarations,
    ImageDeclaration,
    SourceNote,
    absolute,
    lookup,
)
from lambda_fix.options import DEFAULT_USER, Options
from lambda_fix.pool import Pool
from lambda_fix.trivyignore import find_entry

# (path of the file, path as shown to the user, its settings merged with the
# command line's, what infrastructure code declares of it, the tree that a
# symbolic link must not lead out of)
Job = tuple[str, str, Settings, tuple[ImageDeclaration, ...], str]


@dataclass
class Plan:
    """Files to process with their settings, missing paths and IaC messages."""

    jobs: list[Job] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
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
    python = None
    if pool is not None:
        from lambda_fix.iac.cdk import PythonReader

        python = PythonReader(pool)
    found = find_files(paths, selection, python.start if python else None)
    plan = Plan(missing=found.missing)
    if found.infra_files:
        from lambda_fix.iac import read_declarations

        plan.declarations = read_declarations(found.infra_files, python)
    grouped = plan.declarations.by_dockerfile()
    entries, found.entries = found.entries, []
    extra = []
    if grouped:
        known = {absolute(name) for name, _ in entries}
        extra = _declared_files(paths, found, grouped, known, selection)
        entries += extra
    cwd = os.getcwd()
    shown = [display(name, cwd) for name, _ in entries]
    # The walk sorted the files by path as found; sort again only if
    # declared files were added or a path is shown another way.
    if extra or any(
        text != name for text, (name, _) in zip(shown, entries, strict=True)
    ):
        order = sorted(range(len(entries)), key=lambda i: shown[i].split("/"))
        entries = [entries[i] for i in order]
        shown = [shown[i] for i in order]
    trees = _Trees(paths, cwd)
    # Most files share their settings object, so merge each one once.
    merged: dict[int, Settings] = {}
    for index, (name, settings) in enumerate(entries):
        key = id(settings)
        if key not in merged:
            merged[key] = command_line.over(settings)
        images = tuple(lookup(grouped, name)) if grouped else ()
        if images:
            _note_targets(images, plan.declarations)
        # Most paths are shown as found; sharing the string saves memory.
        text = name if shown[index] == name else shown[index]
        plan.jobs.append((name, text, merged[key], images, trees.tree(name)))
    return plan


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

    def tree(self, name: str) -> str:
        path = os.path.normpath(os.path.join(self._cwd, name))
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
