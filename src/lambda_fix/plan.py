"""Turn the command line's paths into a list of files, each with its options.

Infrastructure files found among the paths declare Lambda images. Their
target and build arguments apply to the Dockerfiles they point at, with
values given on the command line taking precedence, and a declared
Dockerfile is processed even when its name is not a Dockerfile name.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from lambda_fix.discover import Found, Selection, find_files, is_excluded
from lambda_fix.iac import (
    Declarations,
    ImageDeclaration,
    SourceNote,
    absolute,
    lookup,
)
from lambda_fix.options import Options

# (path of the file, path as shown, what infrastructure code declares of it)
Job = tuple[str, str, list[ImageDeclaration]]


@dataclass
class Plan:
    """Files to process with their options, missing paths and IaC messages."""

    jobs: list[Job] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    declarations: Declarations = field(default_factory=Declarations)


def make_plan(paths: list[Path], selection: Selection) -> Plan:
    """Find the files under `paths` and what infrastructure code declares for each."""
    found = find_files(paths, selection)
    plan = Plan(missing=found.missing)
    if found.infra_files:
        from lambda_fix.iac import read_declarations

        plan.declarations = read_declarations(found.infra_files)
    grouped = plan.declarations.by_dockerfile()
    names, found.dockerfile_names = found.dockerfile_names, []
    if grouped:
        names += _declared_files(
            paths, found, grouped, set(map(absolute, names)), selection
        )
    cwd = os.getcwd()
    named = [(display(name, cwd), name) for name in names]
    names.clear()
    named.sort(key=lambda item: item[0].split("/"))
    for shown, name in named:
        images = lookup(grouped, name) if grouped else []
        plan.jobs.append((name, shown, images))
    return plan


def _declared_files(
    paths: list[Path],
    found: Found,
    grouped: dict[str, list[ImageDeclaration]],
    known: set[str],
    selection: Selection,
) -> list[str]:
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
        if inside and not is_excluded(candidate, selection):
            extra.append(str(candidate))
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


def declared_options(
    options: Options, images: list[ImageDeclaration], declarations: Declarations
) -> Options:
    """Apply what infrastructure code declares of a file to its options.

    A target or build argument set on the command line or in a
    configuration file wins over the declared one.
    """
    if not images:
        return options
    first = images[0]
    targets = {image.target for image in images}
    if len(targets) > 1:
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
    return dataclasses.replace(
        options,
        target=options.target if options.target is not None else first.target,
        build_args={**first.build_args, **options.build_args},
        declared_lambda=True,
        used_by_sam=options.used_by_sam or any(i.used_by_sam for i in images),
    )
