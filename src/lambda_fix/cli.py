"""The lambda-fix command: options in, files through the core, a report out."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from lambda_fix import __version__
from lambda_fix.core import Status, fix_text
from lambda_fix.discover import is_dockerfile_name, iter_dockerfiles
from lambda_fix.files import MAX_SIZE, FilePolicy, tree_for_file
from lambda_fix.options import DEFAULT_USER, InvalidUser, Options, validate_user
from lambda_fix.report import EXIT_ERROR, Report, use_color
from lambda_fix.run import FileOutcome, Mode, process_file

HELP = """\
Add a non-root USER to Dockerfiles of AWS Lambda container images.

Lambda runs every image as its own non-root user and ignores USER, but
security scanners flag images whose final user is root. lambda-fix inserts
one USER line where it cannot break the build. PATH is a file, a directory
(searched for Dockerfiles) or - for standard input.

By default it prints a unified diff and writes nothing. Exit status: 0
nothing to fix, 1 fixes needed, 2 an error in some file or bad usage.
"""

USER_HELP = (
    "User for the inserted USER line: UID[:GID] with a non-zero UID, or a "
    "name that exists in the image."
)
TARGET_HELP = "Build stage to fix, as in `docker build --target`; default: the last."
BUILD_ARG_HELP = (
    "Value for an ARG used in FROM or USER, as in `docker build --build-arg`; "
    "repeat for more."
)
WRITE_HELP = "Write fixes in place instead of printing a diff."
CHECK_HELP = "Write nothing and print no diff; list the files that would change."
MAX_FILE_SIZE_HELP = (
    "Largest file to read, in bytes; larger files are reported as errors."
)
FOLLOW_HELP = (
    "Fix the target of a symbolic link when the target lies inside the tree "
    "being fixed: the directory given, or for a file given by name the "
    "current directory. Links that lead outside are always skipped."
)
COLOR_HELP = "Colour output: auto (a terminal without NO_COLOR), always or never."


class ColorChoice(str, enum.Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"lambda-fix {__version__}")
        raise typer.Exit()


def _parse_build_args(values: list[str]) -> dict[str, str]:
    build_args = {}
    for value in values:
        name, equals, setting = value.partition("=")
        if not equals or not name:
            raise typer.BadParameter(
                f"{value!r} is not NAME=VALUE; write it as --build-arg NAME=VALUE",
                param_hint="--build-arg",
            )
        build_args[name] = setting
    return build_args


def _collect_paths(
    paths: list[Path],
) -> tuple[list[tuple[Path, str, Path]], list[str]]:
    """Expand directories into (file, display name, tree) and list missing paths."""
    files: list[tuple[Path, str, Path]] = []
    missing: list[str] = []
    for path in paths:
        if path.is_dir() and not is_dockerfile_name(path.name):
            files.extend(
                (found, _display(found), path) for found in iter_dockerfiles(path)
            )
        elif path.exists() or path.is_symlink():
            files.append((path, _display(path), tree_for_file(path)))
        else:
            missing.append(str(path))
    return files, missing


def _display(path: Path) -> str:
    try:
        # abspath, not resolve: a symbolic link is shown under its own name.
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _fix_stdin(options: Options, check: bool, report: Report) -> int:
    data = sys.stdin.buffer.read()
    result = fix_text(data, options)
    outcome = FileOutcome("-", result)
    if not check:
        sys.stdout.buffer.write(result.output)
        sys.stdout.flush()
        report.mode = Mode.WRITE
    report.add(outcome)
    if result.status is Status.REFUSED:
        return EXIT_ERROR
    return report.exit_code


def command(
    paths: Annotated[
        list[Path], typer.Argument(help="Dockerfiles or directories; - is stdin.")
    ],
    write: Annotated[bool, typer.Option("--write", "-w", help=WRITE_HELP)] = False,
    check: Annotated[bool, typer.Option("--check", help=CHECK_HELP)] = False,
    user: Annotated[str, typer.Option(help=USER_HELP)] = DEFAULT_USER,
    target: Annotated[str | None, typer.Option(help=TARGET_HELP)] = None,
    build_arg: Annotated[
        list[str] | None,
        typer.Option("--build-arg", metavar="NAME=VALUE", help=BUILD_ARG_HELP),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors only.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also print skipped and unchanged files."),
    ] = False,
    max_file_size: Annotated[
        int, typer.Option(metavar="BYTES", min=1, help=MAX_FILE_SIZE_HELP)
    ] = MAX_SIZE,
    follow_internal_symlinks: Annotated[bool, typer.Option(help=FOLLOW_HELP)] = False,
    color: Annotated[ColorChoice, typer.Option(help=COLOR_HELP)] = ColorChoice.AUTO,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    if write and check:
        raise typer.BadParameter(
            "--write and --check exclude each other; pick one", param_hint="--check"
        )
    try:
        is_name = validate_user(user)
    except InvalidUser as error:
        raise typer.BadParameter(str(error), param_hint="--user") from None
    options = Options(
        user=user, target=target, build_args=_parse_build_args(build_arg or [])
    )
    mode = Mode.WRITE if write else Mode.CHECK if check else Mode.DIFF
    report = Report(
        mode=mode,
        verbose=verbose,
        quiet=quiet,
        color=use_color(color.value, sys.stderr),
    )
    if is_name and not quiet:
        sys.stderr.write(
            f"warning: USER {user} names a user; it must exist in every image "
            "fixed, or the container fails to start\n"
        )
    if [str(path) for path in paths] == ["-"]:
        raise typer.Exit(_fix_stdin(options, check, report))

    policy = FilePolicy(max_file_size, follow_internal_symlinks)
    files, missing = _collect_paths(paths)
    for name in missing:
        message = "no such file or directory; check the path"
        report.add(FileOutcome(name, None, error=message))
    followed: set[str] = set()
    for path, display, tree in files:
        if follow_internal_symlinks:
            # A link and its target are one file: fix and report it once.
            real = os.path.realpath(path)
            if real in followed:
                continue
            followed.add(real)
        outcome = process_file(path, display, options, mode, tree, policy)
        if outcome.diff:
            sys.stdout.buffer.write(outcome.diff)
            sys.stdout.flush()
        report.add(outcome)
    if not quiet:
        sys.stderr.write(report.summary() + "\n")
    raise typer.Exit(report.exit_code)


def main() -> None:
    """Run the command line; the console script's entry point."""
    app = typer.Typer(
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
    )
    app.command(help=HELP, no_args_is_help=True)(command)
    app(prog_name="lambda-fix")
